/**
 * The harness itself, end to end with plain kafkajs through mskctl's client factory: every listener of both
 * clusters carries a produce/consume round trip; SCRAM, MSK IAM (real signer, our broker-side validator),
 * mutual TLS and the ACLs accept and refuse what they should.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Kafka } from 'kafkajs';
import { createKafka, type KafkaClientOptions } from '../../src/kafka/client.js';
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import { harnessEndpoints, iamDenialReason, type ClusterEndpoints } from '../kafka/harness.js';
import { craftToken, signTestToken, testTokenProvider } from '../kafka/iam-token.js';
import { createTopicsReady } from '../kafka/topics.js';

const h = harnessEndpoints();

type ListenerKind = 'plaintext' | 'scram' | 'scramTls' | 'iam' | 'tls';

function clientOptions(cluster: ClusterEndpoints, kind: ListenerKind): KafkaClientOptions {
  switch (kind) {
    case 'plaintext':
      return { brokers: [cluster.plaintext], auth: 'plaintext' };
    case 'scram':
      return { brokers: [cluster.scram], auth: 'scram', ssl: false, username: h.scram.admin.username, password: h.scram.admin.password };
    case 'scramTls':
      return { brokers: [cluster.scramTls], auth: 'scram', caFile: h.tls.caFile, username: h.scram.admin.username, password: h.scram.admin.password };
    case 'iam':
      return { brokers: [cluster.iam], auth: 'iam', caFile: h.tls.caFile, region: h.iam.region, tokenProvider: testTokenProvider(h.iam.admin, h.iam.region) };
    case 'tls':
      return { brokers: [cluster.tls], auth: 'tls', caFile: h.tls.caFile, certFile: h.tls.clientCertFile, keyFile: h.tls.clientKeyFile };
  }
}

/** connect + describeCluster; resolves to the error message, or undefined on success */
async function connectError(kafka: Kafka): Promise<string | undefined> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const opened: Array<{ disconnect(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(opened.map((c) => c.disconnect().catch(() => undefined)));
});

async function roundTrip(kafka: Kafka, topic: string, group: string): Promise<string[]> {
  const admin = kafka.admin();
  opened.push(admin);
  await admin.connect();
  await createTopicsReady(admin, { topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  opened.push(producer);
  await producer.connect();
  const sent = ['one', 'two', 'three'].map((v) => `${v}-${randomUUID()}`);
  await producer.send({ topic, messages: sent.map((value) => ({ value })) });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  opened.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${received.length} of ${sent.length} messages within 30 s`)), 30_000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          received.push(message.value?.toString() ?? '');
          if (received.length >= sent.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  await admin.disconnect();
  expect(received).toEqual(sent);
  return received;
}

describe(`Kafka ${h.kafkaVersion} harness`, () => {
  for (const clusterName of ['source', 'target'] as const) {
    for (const kind of ['plaintext', 'scram', 'scramTls', 'iam', 'tls'] as const) {
      it(`${clusterName}: produce and consume on the ${kind} listener`, async () => {
        const cluster = h[clusterName];
        const kafka = await createKafka({ ...clientOptions(cluster, kind), clientId: `harness-test-${kind}` });
        const id = randomUUID().slice(0, 8);
        await roundTrip(kafka, `harness-${kind}-${id}`, `harness-${kind}-${id}`);
      });
    }
  }

  it('the two clusters are independent', async () => {
    const topic = `only-on-source-${randomUUID().slice(0, 8)}`;
    const source = (await createKafka({ brokers: [h.source.plaintext], auth: 'plaintext' })).admin();
    const target = (await createKafka({ brokers: [h.target.plaintext], auth: 'plaintext' })).admin();
    opened.push(source, target);
    await Promise.all([source.connect(), target.connect()]);
    await source.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    expect(await source.listTopics()).toContain(topic);
    expect(await target.listTopics()).not.toContain(topic);
    const [s, t] = await Promise.all([source.describeCluster(), target.describeCluster()]);
    expect(s.clusterId).not.toBe(t.clusterId);
  });

  describe('SCRAM-SHA-512', () => {
    it('rejects a wrong password', async () => {
      const kafka = await createKafka({ ...clientOptions(h.source, 'scram'), password: 'not-the-password', retry: { retries: 0 } });
      expect(await connectError(kafka)).toMatch(/SASL SCRAM SHA512 authentication failed/i);
    });

    it('rejects an unknown user', async () => {
      const kafka = await createKafka({ ...clientOptions(h.target, 'scram'), username: 'nobody', retry: { retries: 0 } });
      expect(await connectError(kafka)).toMatch(/authentication failed/i);
    });
  });

  describe('MSK IAM (SASL_SSL/OAUTHBEARER)', () => {
    const iamKafka = (token: () => Promise<{ token: string; expiryTime: number }>, cluster = h.source) =>
      createKafka({ brokers: [cluster.iam], auth: 'iam', caFile: h.tls.caFile, tokenProvider: token, retry: { retries: 0 } });
    const fixed = (token: string) => async () => ({ token, expiryTime: Date.now() + 60_000 });

    /** the client sees MSK's "[uuid]: Access denied"; the broker log names the reason under that uuid */
    async function expectDenied(token: () => Promise<{ token: string; expiryTime: number }>, reason: RegExp, cluster = h.source): Promise<void> {
      const message = await connectError(await iamKafka(token, cluster));
      expect(message).toMatch(/\[[0-9a-f-]{36}\]: Access denied/);
      if (cluster.logFile) expect(iamDenialReason(cluster, message!)).toMatch(reason);
    }

    it('accepts a token signed with temporary credentials and their session token', async () => {
      expect(await connectError(await iamKafka(testTokenProvider(h.iam.role, h.iam.region)))).toBeUndefined();
    });

    it('denies an expired token', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - 16 * 60_000);
      const old = await signTestToken(h.iam.admin, h.iam.region);
      vi.useRealTimers();
      expect(old.expiryTime).toBeLessThan(Date.now());
      await expectDenied(async () => old, /token expired/);
    });

    it('denies a token that is not yet valid (signed 10 minutes ahead)', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 10 * 60_000);
      const early = await signTestToken(h.iam.admin, h.iam.region);
      vi.useRealTimers();
      await expectDenied(async () => early, /not yet valid/);
    });

    it('denies a token signed with the wrong secret', async () => {
      const wrong = { ...h.iam.admin, secretAccessKey: h.iam.admin.secretAccessKey.replace(/.$/, 'X') };
      await expectDenied(testTokenProvider(wrong, h.iam.region), /signature does not match/);
    });

    it('denies a token for another region', async () => {
      await expectDenied(testTokenProvider(h.iam.admin, 'eu-west-1'), /token is for region eu-west-1/);
    });

    it('denies temporary credentials without their session token', async () => {
      const { sessionToken: _dropped, ...withoutToken } = h.iam.role;
      await expectDenied(testTokenProvider(withoutToken, h.iam.region), /session token missing/, h.target);
    });

    it('denies an unknown access key', async () => {
      const unknown = { accessKeyId: 'AKIAMSKCTLUNKNOWN999', secretAccessKey: 'whatever-not-real' };
      await expectDenied(testTokenProvider(unknown, h.iam.region), /unknown access key/, h.target);
    });

    it('denies a fractional X-Amz-Expires (the signer makes one when credentials expire within 15 minutes)', async () => {
      const expiring = await generateAuthTokenFromCredentialsProvider({
        region: h.iam.region,
        awsCredentialsProvider: async () => ({ ...h.iam.admin, expiration: new Date(Date.now() + 600_500) }),
      });
      const url = Buffer.from(expiring.token, 'base64url').toString();
      expect(url).toMatch(/X-Amz-Expires=\d+\.\d+/);
      await expectDenied(fixed(expiring.token), /not a whole number/);
    });

    describe('tokens presigned with @smithy/signature-v4 and one aspect changed', () => {
      const craft = (changes: Partial<Parameters<typeof craftToken>[0]> = {}) => craftToken({ identity: h.iam.admin, region: h.iam.region, ...changes });

      it('control: with nothing changed the token is accepted', async () => {
        expect(await connectError(await iamKafka(fixed(await craft())))).toBeUndefined();
      });
      it('X-Amz-Expires over 900', async () => {
        await expectDenied(fixed(await craft({ expiresIn: 901 })), /X-Amz-Expires outside 1\.\.900/);
      });
      it('an action other than kafka-cluster:Connect', async () => {
        await expectDenied(fixed(await craft({ action: 'kafka-cluster:DescribeCluster' })), /Action is kafka-cluster:DescribeCluster/);
      });
      it('signed for the service kafka instead of kafka-cluster', async () => {
        await expectDenied(fixed(await craft({ service: 'kafka' })), /service is not kafka-cluster/);
      });
      it('host region different from the signing region', async () => {
        await expectDenied(fixed(await craft({ hostRegion: 'eu-west-1' })), /differs from host region/);
      });
    });

    it('refuses an IAM client on the plaintext listener', async () => {
      const kafka = await createKafka({
        brokers: [h.source.plaintext],
        auth: 'iam',
        caFile: h.tls.caFile,
        tokenProvider: testTokenProvider(h.iam.admin, h.iam.region),
        retry: { retries: 0 },
        connectionTimeoutMs: 5000,
      });
      expect(await connectError(kafka)).toBeDefined();
    });
  });

  describe('TLS', () => {
    it('verifies the broker certificate: a client trusting another CA fails', async () => {
      const kafka = await createKafka({ ...clientOptions(h.source, 'iam'), caFile: h.tls.otherCaFile, retry: { retries: 0 } });
      expect(await connectError(kafka)).toMatch(/certificate|self[- ]signed|unable to (get|verify)/i);
    });

    it('the TLS listener refuses a client certificate from another CA', async () => {
      const kafka = await createKafka({
        ...clientOptions(h.target, 'tls'),
        certFile: h.tls.untrustedClientCertFile,
        keyFile: h.tls.untrustedClientKeyFile,
        retry: { retries: 0 },
      });
      expect(await connectError(kafka)).toBeDefined();
    });

    it('the TLS listener also serves clients without a certificate (MSK 9094 with unauthenticated access)', async () => {
      const kafka = await createKafka({ brokers: [h.target.tls], auth: 'plaintext', ssl: true, caFile: h.tls.caFile, retry: { retries: 0 } });
      expect(await connectError(kafka)).toBeUndefined();
    });
  });

  describe('a client on the wrong listener gets what it would get from MSK', () => {
    const iamOn = (address: string) =>
      createKafka({ brokers: [address], auth: 'iam', caFile: h.tls.caFile, tokenProvider: testTokenProvider(h.iam.admin, h.iam.region), retry: { retries: 0 } });

    it('IAM client on the TLS listener (9094): ILLEGAL_SASL_STATE', async () => {
      expect(await connectError(await iamOn(h.source.tls))).toMatch(/Request is not valid given the current SASL state/);
    });

    it('IAM client on the SASL_SSL/SCRAM listener (9096): UNSUPPORTED_SASL_MECHANISM', async () => {
      expect(await connectError(await iamOn(h.source.scramTls))).toMatch(/The broker does not support the requested SASL mechanism/);
    });

    it('SCRAM client on the IAM listener (9098): UNSUPPORTED_SASL_MECHANISM', async () => {
      const kafka = await createKafka({ ...clientOptions(h.source, 'scramTls'), brokers: [h.source.iam], retry: { retries: 0 } });
      expect(await connectError(kafka)).toMatch(/The broker does not support the requested SASL mechanism/);
    });
  });

  describe('authorization (StandardAuthorizer, ACLs for the restricted principals)', () => {
    for (const kind of ['scram', 'iam'] as const) {
      it(`${kind}: the restricted principal may use ${h.restrictedAllowedPrefix}* topics but not others`, async () => {
        const id = randomUUID().slice(0, 8);
        const allowed = `${h.restrictedAllowedPrefix}${kind}-${id}`;
        const forbidden = `forbidden-${kind}-${id}`;
        const admin = (await createKafka(clientOptions(h.target, 'plaintext'))).admin();
        opened.push(admin);
        await admin.connect();
        await createTopicsReady(admin, { topics: [allowed, forbidden].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });

        const restricted =
          kind === 'scram'
            ? await createKafka({ ...clientOptions(h.target, 'scram'), ...h.scram.restricted, retry: { retries: 0 } })
            : await createKafka({ ...clientOptions(h.target, 'iam'), tokenProvider: testTokenProvider(h.iam.restricted, h.iam.region), retry: { retries: 0 } });
        const producer = restricted.producer();
        opened.push(producer);
        await producer.connect();
        await expect(producer.send({ topic: allowed, messages: [{ value: 'ok' }] })).resolves.toBeDefined();
        await expect(producer.send({ topic: forbidden, messages: [{ value: 'no' }] })).rejects.toThrow(/not authorized/i);
        await producer.disconnect();
      });
    }
  });
});
