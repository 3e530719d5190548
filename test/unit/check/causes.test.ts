/**
 * The failure → cause → hint table, fed with the error objects the probes really see: Node socket and TLS
 * errors (with their codes) and kafkajs' own error classes (constructed, not mocked), as kafkajs wraps them.
 */
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyFailure, errorFacts, tokenFindingCause, type FailureContext } from '../../../src/check/causes.js';
import { ProbeError } from '../../../src/check/types.js';
import { operationalError } from '../../../src/output/errors.js';

type ErrorClass = new (...args: unknown[]) => Error;
const { KafkaJSProtocolError, KafkaJSSASLAuthenticationError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError, KafkaJSRequestTimeoutError } = kafkajs as unknown as Record<
  'KafkaJSProtocolError' | 'KafkaJSSASLAuthenticationError' | 'KafkaJSConnectionError' | 'KafkaJSNumberOfRetriesExceeded' | 'KafkaJSNonRetriableError' | 'KafkaJSRequestTimeoutError',
  ErrorClass
>;

const iam: FailureContext = { auth: 'iam', tls: true, host: 'b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com', port: 9098, region: 'eu-west-1', timeoutMs: 5000 };
const scram: FailureContext = { auth: 'scram', tls: true, port: 9096 };
const plaintext: FailureContext = { auth: 'plaintext', tls: false, port: 9092 };

function nodeError(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

function protocolError(type: string, message = 'broker said no'): Error {
  return new KafkaJSProtocolError({ message, type, code: 0, retriable: false });
}

/** kafkajs' typical wrapping: retries exhausted → the last error as cause */
function retried(error: Error): Error {
  return new KafkaJSNumberOfRetriesExceeded(error, { retryCount: 0, retryTime: 100 });
}

describe('errorFacts', () => {
  it('collects codes, Kafka types, names and messages through cause/originalError chains', () => {
    const inner = nodeError('connect ECONNREFUSED 10.0.0.1:9098', 'ECONNREFUSED');
    const outer = new KafkaJSNonRetriableError(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' }), { cause: inner });
    const facts = errorFacts(outer);
    expect(facts.codes).toContain('ECONNREFUSED');
    expect(facts.names).toContain('KafkaJSNonRetriableError');
    expect(facts.messages.some((m) => m.includes('ECONNREFUSED'))).toBe(true);
  });

  it('survives cycles', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(errorFacts(a).messages).toEqual(['a', 'b']);
  });
});

describe('classifyFailure: the symptom table', () => {
  it.each([
    ['getaddrinfo ENOTFOUND', nodeError('getaddrinfo ENOTFOUND b-1.nope', 'ENOTFOUND'), iam, 'DNS_NOT_FOUND', /VPC's DNS/],
    ['a filtered port (timeout)', nodeError('connect timed out after 5000 ms', 'ETIMEDOUT'), iam, 'CONNECTION_TIMEOUT', /security group \(inbound 9098/],
    ['kafkajs connection timeout', retried(new KafkaJSConnectionError('Connection timeout', { broker: 'b-1:9098' })), iam, 'CONNECTION_TIMEOUT', /5000 ms/],
    ['a closed port', nodeError('connect ECONNREFUSED 10.0.0.1:9098', 'ECONNREFUSED'), iam, 'CONNECTION_REFUSED', /9098 \(private\) or 9198 \(public\)/],
    ['TLS against a plaintext port', nodeError('Client network socket disconnected before secure TLS connection was established', 'ECONNRESET'), iam, 'TLS_NOT_SPOKEN', /9098 \(private\) or 9198 \(public\)/],
    ['TLS wrong version number', nodeError('write EPROTO ...:error:0A00010B:SSL routines::wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER'), scram, 'TLS_NOT_SPOKEN', /9096/],
    ['plaintext against a TLS port', retried(new KafkaJSConnectionError('Connection closed', { broker: 'b-1:9094' })), plaintext, 'TLS_EXPECTED', /expects TLS/],
    ['an untrusted CA', nodeError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'), iam, 'TLS_UNTRUSTED', /--ca/],
    ['an expired certificate', nodeError('certificate has expired', 'CERT_HAS_EXPIRED'), iam, 'TLS_CERT_EXPIRED', /clock/],
    ['a host name mismatch', nodeError("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), iam, 'TLS_HOSTNAME_MISMATCH', /broker name/],
    ['a client certificate the broker does not trust (TLS 1.3: after the handshake)', new KafkaJSConnectionError('Connection error: 800C65F86B7F0000:error:0A000416:SSL routines:ssl3_read_bytes:sslv3 alert certificate unknown:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 46', { code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN' }), { auth: 'tls', tls: true, port: 9094 }, 'TLS_CLIENT_CERT_REJECTED', /--cert and --key/],
    ['an IAM client on 9094/9092', protocolError('ILLEGAL_SASL_STATE', 'Request is not valid given the current SASL state'), iam, 'ILLEGAL_SASL_STATE', /9098 \(private\) or 9198 \(public\)/],
    ['an IAM client on 9096', protocolError('UNSUPPORTED_SASL_MECHANISM', 'The broker does not support the requested SASL mechanism'), iam, 'UNSUPPORTED_SASL_MECHANISM', /OAUTHBEARER.*2\.7\.1/],
    ['access denied', new KafkaJSSASLAuthenticationError('SASL OAUTHBEARER authentication failed: [1b2c]: Access denied'), iam, 'ACCESS_DENIED', /kafka-cluster:Connect.*kafka:\* is not kafka-cluster:\*.*eu-west-1.*clock/],
    ['too many connects', new KafkaJSSASLAuthenticationError('SASL OAUTHBEARER authentication failed: [1b2c]: Too many connects'), iam, 'TOO_MANY_CONNECTS', /back-off/],
    ['session too short', new KafkaJSSASLAuthenticationError('SASL OAUTHBEARER authentication failed: [1b2c]: Session too short'), iam, 'SESSION_TOO_SHORT', /refresh the credentials/],
    ['principal changed', new KafkaJSSASLAuthenticationError('Cannot change principals during re-authentication from User:a: User:b'), iam, 'PRINCIPAL_CHANGED', /--session-name/],
    ['a wrong SCRAM password', new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'), scram, 'SCRAM_AUTH_FAILED', /password/],
    ['no AWS credentials', operationalError('no AWS credentials found', 'set AWS_PROFILE', 'AWS_NO_CREDENTIALS'), iam, 'CREDENTIALS_MISSING', /aws sso login/],
    ['rejected AWS credentials', Object.assign(new Error('The security token included in the request is invalid'), { name: 'InvalidClientTokenId', Code: 'InvalidClientTokenId' }), iam, 'CREDENTIALS_INVALID', /secret is wrong/],
    ['expired AWS credentials', operationalError('the AWS credentials have expired', undefined, 'AWS_CREDENTIALS_EXPIRED'), iam, 'CREDENTIALS_EXPIRED', /refresh/],
    ['a request timeout', new KafkaJSRequestTimeoutError('Request Metadata(key: 3, version: 6) timed out'), iam, 'REQUEST_TIMEOUT', /did not answer a request/],
  ] as const)('%s → %s', (_name, error, ctx, cause, hint) => {
    const diagnosis = classifyFailure(error, ctx);
    expect(diagnosis.cause).toBe(cause);
    expect(diagnosis.hint).toMatch(hint);
    expect(diagnosis.detail.length).toBeGreaterThan(0);
  });

  it('authorization failures name the missing kafka-cluster action for the operation (IAM)', () => {
    const create = classifyFailure(new ProbeError('x', 'create-topic', { cause: protocolError('TOPIC_AUTHORIZATION_FAILED') }), { ...iam, operation: 'create-topic', topic: 'mskctl-check-1' });
    expect(create.cause).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(create.hint).toContain('kafka-cluster:CreateTopic');
    expect(create.hint).toContain('arn:aws:kafka:eu-west-1:<account>:topic/<cluster>/<uuid>/mskctl-check-1');

    const produce = classifyFailure(protocolError('TOPIC_AUTHORIZATION_FAILED'), { ...iam, operation: 'produce', topic: 'orders' });
    expect(produce.hint).toContain('kafka-cluster:WriteData');

    const consume = classifyFailure(protocolError('GROUP_AUTHORIZATION_FAILED'), { ...iam, operation: 'consume', group: 'billing' });
    expect(consume.cause).toBe('GROUP_AUTHORIZATION_FAILED');
    expect(consume.hint).toContain('kafka-cluster:AlterGroup');
    expect(consume.hint).toContain(':group/<cluster>/<uuid>/billing');
    const named = classifyFailure(protocolError('TOPIC_AUTHORIZATION_FAILED'), { ...iam, operation: 'produce', topic: 'orders', clusterName: 'orders-prod' });
    expect(named.hint).toContain('arn:aws:kafka:eu-west-1:<account>:topic/orders-prod/<uuid>/orders');

    const cluster = classifyFailure(protocolError('CLUSTER_AUTHORIZATION_FAILED'), { ...iam, operation: 'metadata' });
    expect(cluster.cause).toBe('CLUSTER_AUTHORIZATION_FAILED');
    expect(cluster.hint).toContain('kafka-cluster:DescribeCluster');

    expect(classifyFailure(protocolError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'), iam).cause).toBe('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
  });

  it('authorization failures name the Kafka ACL for SCRAM and mutual TLS', () => {
    const d = classifyFailure(protocolError('TOPIC_AUTHORIZATION_FAILED'), { ...scram, operation: 'describe-topic', topic: 'orders' });
    expect(d.hint).toContain('ACL Describe on the topic (topic orders)');
    expect(d.hint).not.toContain('kafka-cluster:');
  });

  it('an unknown topic is TOPIC_NOT_FOUND', () => {
    expect(classifyFailure(protocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition'), { ...iam, topic: 'x' }).cause).toBe('TOPIC_NOT_FOUND');
  });

  it('never puts a secret into the detail', () => {
    const token = 'aHR0cHM6Ly9rYWZrYS51cy1lYXN0LTEuYW1hem9uYXdzLmNvbS8_QWN0aW9uPWthZmthLWNsdXN0ZXIlM0FDb25uZWN0';
    const d = classifyFailure(new Error(`failed with token ${token} and X-Amz-Signature=0123456789abcdef0123456789abcdef`), iam);
    expect(d.detail).not.toContain(token);
    expect(d.detail).not.toContain('0123456789abcdef0123');
  });

  it('unknown errors fall back with a --verbose hint', () => {
    expect(classifyFailure(new Error('something odd'), iam)).toEqual({ cause: 'UNKNOWN', detail: 'something odd', hint: 'run with --verbose for details' });
  });
});

describe('tokenFindingCause', () => {
  it('maps token lint codes to causes', () => {
    expect(tokenFindingCause('EXPIRED')).toBe('TOKEN_EXPIRED');
    expect(tokenFindingCause('NOT_YET_VALID')).toBe('TOKEN_NOT_YET_VALID');
    expect(tokenFindingCause('UNEXPECTED_REGION')).toBe('TOKEN_WRONG_REGION');
    expect(tokenFindingCause('EXPIRES_FRACTIONAL')).toBe('TOKEN_INVALID');
  });
});
