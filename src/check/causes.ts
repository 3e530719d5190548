/**
 * Failure → cause → hint: the diagnosis table of `mskctl check` (from the symptom table in
 * shared/reference/msk-iam.md). classifyFailure() reads what a probe threw (Node socket errors, TLS errors,
 * kafkajs errors with their Kafka error type, signer/STS errors) and says what is probably wrong and what to
 * do. Pure: no I/O, messages are redacted.
 */
import { redactString } from '../output/redact.js';
import type { AuthMode } from '../config/contexts.js';
import { portsFor } from '../kafka/bootstrap.js';

export type CauseCode =
  | 'PORT_AUTH_MISMATCH'
  | 'REGION_MISMATCH'
  | 'BOOTSTRAP_SUSPICIOUS'
  | 'DNS_NOT_FOUND'
  | 'DNS_FAILED'
  | 'CONNECTION_TIMEOUT'
  | 'CONNECTION_REFUSED'
  | 'CONNECTION_FAILED'
  | 'ADVERTISED_BROKER_UNREACHABLE'
  | 'TLS_NOT_SPOKEN'
  | 'TLS_EXPECTED'
  | 'SASL_EXPECTED'
  | 'TLS_UNTRUSTED'
  | 'TLS_HOSTNAME_MISMATCH'
  | 'TLS_CERT_EXPIRED'
  | 'TLS_CLIENT_CERT_REJECTED'
  | 'TLS_FAILED'
  | 'CREDENTIALS_MISSING'
  | 'CREDENTIALS_INVALID'
  | 'CREDENTIALS_EXPIRED'
  | 'CREDENTIALS_FAILED'
  | 'CLOCK_SKEW'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'TOKEN_WRONG_REGION'
  | 'TOKEN_INVALID'
  | 'ILLEGAL_SASL_STATE'
  | 'UNSUPPORTED_SASL_MECHANISM'
  | 'ACCESS_DENIED'
  | 'SCRAM_AUTH_FAILED'
  | 'TOO_MANY_CONNECTS'
  | 'SESSION_TOO_SHORT'
  | 'PRINCIPAL_CHANGED'
  | 'SASL_FAILED'
  | 'TOPIC_AUTHORIZATION_FAILED'
  | 'GROUP_AUTHORIZATION_FAILED'
  | 'CLUSTER_AUTHORIZATION_FAILED'
  | 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'
  | 'TOPIC_NOT_FOUND'
  | 'REQUEST_TIMEOUT'
  | 'KAFKA_ERROR'
  | 'UNKNOWN';

/** What the step was doing when it failed: selects the missing action named for authorization failures. */
export type Operation =
  | 'connect'
  | 'metadata'
  | 'create-topic'
  | 'produce'
  | 'consume'
  | 'delete-topic'
  | 'describe-topic'
  | 'describe-group';

export interface FailureContext {
  auth: AuthMode;
  /** TLS on the connection */
  tls: boolean;
  operation?: Operation;
  port?: number;
  host?: string;
  topic?: string;
  group?: string;
  /** the region the IAM token was signed for */
  region?: string;
  /** the cluster name from a Provisioned broker host name */
  clusterName?: string;
  timeoutMs?: number;
}

export interface Diagnosis {
  cause: CauseCode;
  /** one line: what the client saw, redacted */
  detail: string;
  hint: string;
}

/** The facts of an error, gathered from it and its causes (kafkajs wraps errors in .cause / .originalError). */
export interface ErrorFacts {
  /** Node error codes (ECONNREFUSED, ENOTFOUND, ERR_SSL_…, DEPTH_ZERO_SELF_SIGNED_CERT, …) */
  codes: string[];
  /** Kafka protocol error types from kafkajs (ILLEGAL_SASL_STATE, TOPIC_AUTHORIZATION_FAILED, …) */
  types: string[];
  /** error class names (KafkaJSConnectionError, …) */
  names: string[];
  messages: string[];
}

export function errorFacts(error: unknown): ErrorFacts {
  const facts: ErrorFacts = { codes: [], types: [], names: [], messages: [] };
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): void => {
    if (e === undefined || e === null || seen.has(e) || depth > 6) return;
    seen.add(e);
    if (typeof e !== 'object') {
      facts.messages.push(String(e));
      return;
    }
    const o = e as { code?: unknown; type?: unknown; name?: unknown; message?: unknown; Code?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    if (typeof o.code === 'string') facts.codes.push(o.code);
    if (typeof o.Code === 'string') facts.codes.push(o.Code);
    if (typeof o.type === 'string') facts.types.push(o.type);
    if (typeof o.name === 'string') facts.names.push(o.name);
    if (typeof o.message === 'string' && o.message !== '') facts.messages.push(o.message);
    visit(o.originalError, depth + 1);
    visit(o.cause, depth + 1);
    if (Array.isArray(o.errors)) for (const inner of o.errors.slice(0, 3)) visit(inner, depth + 1);
  };
  visit(error, 0);
  return facts;
}

/** kafka-cluster actions (IAM) and Kafka ACL operations (SCRAM, mutual TLS) an operation needs. */
const NEEDED: Record<Operation, { iam: string[]; acl: string }> = {
  connect: { iam: ['kafka-cluster:Connect'], acl: 'none beyond authentication' },
  metadata: { iam: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], acl: 'Describe on the cluster' },
  'create-topic': { iam: ['kafka-cluster:Connect', 'kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'], acl: 'Create and Describe on the topic' },
  produce: { iam: ['kafka-cluster:Connect', 'kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], acl: 'Write and Describe on the topic' },
  consume: {
    iam: ['kafka-cluster:Connect', 'kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData', 'kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
    acl: 'Read and Describe on the topic, Read on the group',
  },
  'delete-topic': { iam: ['kafka-cluster:Connect', 'kafka-cluster:DeleteTopic'], acl: 'Delete on the topic' },
  'describe-topic': { iam: ['kafka-cluster:Connect', 'kafka-cluster:DescribeTopic'], acl: 'Describe on the topic' },
  'describe-group': { iam: ['kafka-cluster:Connect', 'kafka-cluster:DescribeGroup'], acl: 'Describe on the group' },
};

function resourceOf(ctx: FailureContext, kind: 'topic' | 'group' | 'cluster' | 'transactional-id'): string {
  if (kind === 'topic') return ctx.topic ? `topic ${ctx.topic}` : 'the topic';
  if (kind === 'group') return ctx.group ? `group ${ctx.group}` : 'the group';
  if (kind === 'transactional-id') return 'the transactional id';
  return 'the cluster';
}

function authorizationHint(ctx: FailureContext, kind: 'topic' | 'group' | 'cluster' | 'transactional-id'): string {
  const op = ctx.operation ?? (kind === 'group' ? 'describe-group' : kind === 'topic' ? 'describe-topic' : 'metadata');
  const need = NEEDED[op];
  const resource = resourceOf(ctx, kind);
  if (ctx.auth === 'iam') {
    const arnKind = kind === 'cluster' ? 'cluster' : kind;
    const actions = need.iam.filter((a) => kind === 'cluster' || !/Connect|DescribeCluster/.test(a) || need.iam.length === 1);
    return (
      `the IAM policy of this identity lacks ${actions.join(', ')} on ${resource} ` +
      `(resource arn:aws:kafka:${ctx.region ?? '<region>'}:<account>:${arnKind}/${ctx.clusterName ?? '<cluster>'}/<uuid>${kind === 'cluster' ? '' : `/${kind === 'topic' ? (ctx.topic ?? '<topic>') : kind === 'group' ? (ctx.group ?? '<group>') : '<id>'}`}); ` +
      'generate one with `mskctl auth policy`'
    );
  }
  return `the principal lacks the ACL ${need.acl} (${resource}); add it with kafka-acls --add --allow-principal User:<name>`;
}

function first<T>(items: T[]): T | undefined {
  return items[0];
}

function describeError(facts: ErrorFacts): string {
  const message = first(facts.messages) ?? first(facts.types) ?? first(facts.codes) ?? 'unknown error';
  // the innermost message is often the informative one (kafkajs wraps: "Connection error: …")
  const inner = facts.messages.length > 1 ? facts.messages[facts.messages.length - 1] : undefined;
  const text = inner && !message.includes(inner) ? `${message} (${inner})` : message;
  return redactString(text.split('\n')[0]!).slice(0, 300);
}

const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

export function tlsExpectedHint(ctx: Pick<FailureContext, 'auth'>): string {
  return `the broker closed the plaintext connection: the port expects TLS. MSK serves plaintext on 9092 only; ${ctx.auth === 'plaintext' ? 'TLS' : ctx.auth} over TLS is on ${portsFor(ctx.auth === 'plaintext' ? 'tls' : ctx.auth)} (--auth tls or iam, or scram without --no-tls)`;
}

export function saslExpectedHint(ctx: Pick<FailureContext, 'auth'>): string {
  return `the broker closed the connection before any request was answered: the listener expects SASL authentication${ctx.auth === 'scram' ? ' with another mechanism' : ''} (MSK: SCRAM on ${portsFor('scram')}, IAM on ${portsFor('iam')}); give the matching --auth`;
}

/** The failure → cause → hint table. */
export function classifyFailure(error: unknown, ctx: FailureContext): Diagnosis {
  const facts = errorFacts(error);
  const detail = describeError(facts);
  const text = facts.messages.join(' | ');
  const has = (code: string): boolean => facts.codes.includes(code) || facts.types.includes(code);
  const d = (cause: CauseCode, hint: string): Diagnosis => ({ cause, detail, hint });
  const timeout = ctx.timeoutMs !== undefined ? `${ctx.timeoutMs} ms` : 'the timeout';

  // --- Kafka protocol errors first: they are the most specific
  if (has('ILLEGAL_SASL_STATE') || /not valid given the current SASL state/i.test(text)) {
    return d('ILLEGAL_SASL_STATE', `this listener does not take SASL (it is the plaintext or TLS listener): MSK IAM is served on ${portsFor('iam')}`);
  }
  if (has('UNSUPPORTED_SASL_MECHANISM') || /unsupported sasl mechanism|mechanism .* (is )?not enabled/i.test(text)) {
    return d(
      'UNSUPPORTED_SASL_MECHANISM',
      ctx.auth === 'iam'
        ? `this listener does not offer OAUTHBEARER: IAM is not enabled on it (or the cluster runs Kafka < 2.7.1); MSK IAM is served on ${portsFor('iam')}`
        : `this listener does not offer SCRAM-SHA-512: SCRAM is served on ${portsFor('scram')}`,
    );
  }
  if (/too many connects/i.test(text)) {
    return d('TOO_MANY_CONNECTS', 'MSK limits new IAM connections per broker (a connection storm): reuse clients and connections, add reconnect back-off (reconnect.backoff.ms), and retry later');
  }
  if (/session too short/i.test(text)) {
    return d('SESSION_TOO_SHORT', 'the AWS credentials expire within minutes, so the broker refuses the session: refresh the credentials (new role session, aws sso login) before connecting');
  }
  if (/cannot change principals? during re-?authentication/i.test(text)) {
    return d('PRINCIPAL_CHANGED', 'the identity changed between tokens (a different role session name or credentials): pin the role session name (--session-name) so re-authentication keeps the same principal');
  }
  if (has('TOPIC_AUTHORIZATION_FAILED')) return d('TOPIC_AUTHORIZATION_FAILED', authorizationHint(ctx, 'topic'));
  if (has('GROUP_AUTHORIZATION_FAILED')) return d('GROUP_AUTHORIZATION_FAILED', authorizationHint(ctx, 'group'));
  if (has('CLUSTER_AUTHORIZATION_FAILED')) return d('CLUSTER_AUTHORIZATION_FAILED', authorizationHint(ctx, 'cluster'));
  if (has('TRANSACTIONAL_ID_AUTHORIZATION_FAILED')) return d('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', authorizationHint(ctx, 'transactional-id'));
  if (has('UNKNOWN_TOPIC_OR_PARTITION') || /does not host this topic-partition|unknown topic/i.test(text)) {
    return d('TOPIC_NOT_FOUND', `${resourceOf(ctx, 'topic')} does not exist (MSK does not create topics on first use by default); create it, or check its name`);
  }
  if (has('SASL_AUTHENTICATION_FAILED') || facts.names.includes('KafkaJSSASLAuthenticationError') || /authentication failed|access denied/i.test(text)) {
    if (ctx.auth === 'iam') {
      return d(
        'ACCESS_DENIED',
        'MSK refused the IAM token. Likely: the identity lacks kafka-cluster:Connect on this cluster (kafka:* is not kafka-cluster:*), ' +
          `the token was signed for another region${ctx.region ? ` (it was signed for ${ctx.region})` : ''}, the policy names another cluster ARN, ` +
          'the access key or secret is wrong, the clock is skewed, or a cross-account client lacks the cluster policy. ' +
          'Compare with `mskctl auth token --inspect` and `mskctl auth policy`',
      );
    }
    if (ctx.auth === 'scram') {
      return d('SCRAM_AUTH_FAILED', 'the user name or password is wrong, or the user is not associated with this cluster (MSK: the Secrets Manager secret AmazonMSK_… must be associated, encrypted with a customer-managed KMS key)');
    }
    return d('SASL_FAILED', 'authentication failed: check the credentials for this listener');
  }

  // --- DNS
  if (has('ENOTFOUND') || has('EAI_NONAME')) {
    return d('DNS_NOT_FOUND', `${ctx.host ?? 'the host'} does not resolve: check the name (copy the bootstrap string from \`aws kafka get-bootstrap-brokers\`) and that this machine uses the VPC's DNS (private names resolve only inside the VPC or through its resolver)`);
  }
  if (has('EAI_AGAIN') || has('ESERVFAIL')) return d('DNS_FAILED', 'the DNS server did not answer: check the resolver configuration and the network');

  // --- timeouts (before TLS: a handshake that times out is not a protocol mismatch)
  if (has('ETIMEDOUT') || has('ESOCKETTIMEDOUT') || /connection timeout|connect(ion)? timed out|timed out connecting/i.test(text)) {
    return d(
      'CONNECTION_TIMEOUT',
      `no answer within ${timeout}: the port is filtered or unreachable. Check the security group (inbound ${ctx.port ?? 'the port'} from this client), NACLs, routing/peering, and that this machine is inside the VPC (private broker names resolve to private IPs)`,
    );
  }

  // --- TLS
  if (has('CERT_HAS_EXPIRED')) return d('TLS_CERT_EXPIRED', 'the broker certificate has expired (or this machine\'s clock is far off): renew the certificate or fix the clock');
  if (has('ERR_TLS_CERT_ALTNAME_INVALID') || /Hostname\/IP does not match certificate/i.test(text)) {
    return d('TLS_HOSTNAME_MISMATCH', 'the certificate does not name this host: connect with the broker name from the bootstrap string, not an IP address or an alias');
  }
  if (facts.codes.some((c) => TLS_VERIFY_CODES.has(c)) || /unable to verify|self[- ]signed certificate|certificate signature failure/i.test(text)) {
    return d('TLS_UNTRUSTED', 'the broker certificate is not signed by a trusted CA: give the CA that signed it with --ca (PEM); MSK\'s public certificates are trusted by the system roots. --insecure-skip-verify only as a last resort');
  }
  // TLS alerts from the broker about OUR certificate (mutual TLS): bad_certificate 42, certificate_unknown 46,
  // unknown_ca 48, certificate_required 116
  if (
    facts.codes.some((c) => /ALERT_(BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNKNOWN_CA|CERTIFICATE_REQUIRED)$/.test(c)) ||
    /alert (bad certificate|certificate unknown|unknown ca|certificate required)|SSL alert number (42|46|48|116)\b/i.test(text)
  ) {
    return d('TLS_CLIENT_CERT_REJECTED', 'the broker requires a client certificate it trusts (mutual TLS): give --cert and --key signed by the cluster\'s private CA');
  }
  const tlsProtocolError =
    facts.codes.some((c) => /^ERR_SSL_|^ERR_TLS_/.test(c)) ||
    /wrong version number|packet length too long|unknown protocol|Client network socket disconnected before secure TLS connection|tls handshake|ssl routines/i.test(text);
  if (tlsProtocolError || (ctx.tls && (has('ECONNRESET') || has('EPIPE')) && (ctx.operation === undefined || ctx.operation === 'connect'))) {
    return d(
      'TLS_NOT_SPOKEN',
      `the port did not complete a TLS handshake: it is probably a plaintext listener (MSK 9092). ${ctx.auth === 'plaintext' ? '' : `${ctx.auth === 'tls' ? 'TLS' : `${ctx.auth} over TLS`} is served on ${portsFor(ctx.auth)}`}`.trim(),
    );
  }

  // --- TCP
  if (has('ECONNREFUSED')) return d('CONNECTION_REFUSED', `nothing listens on port ${ctx.port ?? '?'} of ${ctx.host ?? 'the host'}: check the port (${ctx.auth} on MSK: ${portsFor(ctx.auth)}) and that this auth mode is enabled on the cluster`);
  if (has('EHOSTUNREACH') || has('ENETUNREACH')) return d('CONNECTION_FAILED', 'no route to the broker: check routing, VPC peering/transit gateway, or the VPN');
  if (has('ECONNRESET') || /Connection closed|Closed connection|closed the connection|has closed connection|socket hang up/i.test(text)) {
    if (!ctx.tls) return d('TLS_EXPECTED', tlsExpectedHint(ctx));
    return d('CONNECTION_FAILED', 'the broker closed the connection: check the listener (port) and its auth mode');
  }

  // --- AWS credentials (signer / STS)
  if (/Could not load credentials|credentials cannot be empty|no AWS credentials/i.test(text) || has('AWS_NO_CREDENTIALS')) {
    return d('CREDENTIALS_MISSING', 'no AWS credentials: set AWS_PROFILE or --profile, run `aws sso login`, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY');
  }
  if (has('ExpiredToken') || has('ExpiredTokenException') || has('AWS_CREDENTIALS_EXPIRED')) return d('CREDENTIALS_EXPIRED', 'the AWS credentials have expired: refresh them (aws sso login, a new role session)');
  if (has('InvalidClientTokenId') || has('SignatureDoesNotMatch') || has('AWS_CREDENTIALS_INVALID')) {
    return d('CREDENTIALS_INVALID', 'AWS rejected the credentials: the access key id or the secret is wrong, or the key is deactivated');
  }

  // --- Kafka request-level
  if (/request timed out|KafkaJSRequestTimeoutError/i.test(text) || facts.names.includes('KafkaJSRequestTimeoutError')) {
    return d('REQUEST_TIMEOUT', `the broker accepted the connection but did not answer a request within ${timeout}: the broker may be overloaded, or the port is not a Kafka listener`);
  }
  if (facts.types.length > 0 || facts.names.some((n) => n.startsWith('KafkaJS'))) {
    return d('KAFKA_ERROR', 'the broker returned an error: run with --verbose for the client log');
  }
  return d('UNKNOWN', 'run with --verbose for details');
}

/** Hints for token lint findings (src/auth/token-inspect.ts codes) → cause. */
export function tokenFindingCause(code: string): CauseCode {
  switch (code) {
    case 'EXPIRED':
    case 'EXPIRES_TOO_SHORT':
      return 'TOKEN_EXPIRED';
    case 'NOT_YET_VALID':
      return 'TOKEN_NOT_YET_VALID';
    case 'UNEXPECTED_REGION':
    case 'REGION_MISMATCH':
      return 'TOKEN_WRONG_REGION';
    default:
      return 'TOKEN_INVALID';
  }
}
