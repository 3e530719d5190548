import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionOptions } from 'node:tls';
import { DEFAULT_CONNECTION_TIMEOUT_MS, kafkaConfig } from '../../../src/kafka/client.js';
import { MskctlError } from '../../../src/output/errors.js';
import { memoryLogger } from '../../../src/output/log.js';

const dir = mkdtempSync(join(tmpdir(), 'mskctl-client-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const token = async () => ({ token: 'aHR0cHM6Ly9rYWZrYS51cy1lYXN0LTEuYW1hem9uYXdzLmNvbS8', expiryTime: Date.now() + 900_000 });

async function usageFailure(promise: Promise<unknown>): Promise<MskctlError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MskctlError);
  expect((error as MskctlError).exitCode).toBe(2);
  return error as MskctlError;
}

describe('kafkaConfig', () => {
  it('plaintext: no TLS, no SASL, a connection timeout of at least 5 s', async () => {
    const config = await kafkaConfig({ brokers: ['b1:9092'], auth: 'plaintext' });
    expect(config.ssl).toBe(false);
    expect(config.sasl).toBeUndefined();
    expect(config.connectionTimeout).toBe(DEFAULT_CONNECTION_TIMEOUT_MS);
    expect(DEFAULT_CONNECTION_TIMEOUT_MS).toBeGreaterThanOrEqual(5000);
  });

  it('scram: SCRAM-SHA-512 over verified TLS by default', async () => {
    const config = await kafkaConfig({ brokers: ['b1:9096'], auth: 'scram', username: 'u', password: 'p', caFile });
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    const tls = config.ssl as ConnectionOptions;
    expect(tls.rejectUnauthorized).toBe(true);
    expect(tls.ca).toEqual([expect.stringContaining('BEGIN CERTIFICATE')]);
  });

  it('scram without TLS only when asked, and never without a password', async () => {
    expect((await kafkaConfig({ brokers: ['b1:9092'], auth: 'scram', ssl: false, username: 'u', password: 'p' })).ssl).toBe(false);
    await usageFailure(kafkaConfig({ brokers: ['b1:9096'], auth: 'scram', username: 'u' }));
  });

  it('iam: OAUTHBEARER whose provider hands kafkajs the token value, TLS always on', async () => {
    const config = await kafkaConfig({ brokers: ['b1:9098'], auth: 'iam', tokenProvider: token });
    expect(config.ssl).toMatchObject({ rejectUnauthorized: true });
    const sasl = config.sasl as { mechanism: string; oauthBearerProvider: () => Promise<{ value: string }> };
    expect(sasl.mechanism).toBe('oauthbearer');
    expect(await sasl.oauthBearerProvider()).toEqual({ value: (await token()).token });
    expect(sasl).not.toHaveProperty('authorizationIdentity');
    await usageFailure(kafkaConfig({ brokers: ['b1:9098'], auth: 'iam' }));
    await usageFailure(kafkaConfig({ brokers: ['b1:9098'], auth: 'iam', ssl: false, tokenProvider: token }));
  });

  it('tls: needs a client certificate and key', async () => {
    await usageFailure(kafkaConfig({ brokers: ['b1:9094'], auth: 'tls', caFile }));
    const config = await kafkaConfig({ brokers: ['b1:9094'], auth: 'tls', caFile, certFile: caFile, keyFile: caFile });
    expect(config.ssl).toMatchObject({ rejectUnauthorized: true, cert: expect.any(String), key: expect.any(String) });
  });

  it('an unreadable CA file is an input error naming the file', async () => {
    const error = await usageFailure(kafkaConfig({ brokers: ['b1:9098'], auth: 'iam', tokenProvider: token, caFile: join(dir, 'missing.pem') }));
    expect(error.message).toContain('missing.pem');
    expect(error.message).toContain('ENOENT');
  });

  it('skipping certificate verification is explicit and warned about', async () => {
    const logger = memoryLogger();
    const config = await kafkaConfig({ brokers: ['b1:9098'], auth: 'iam', tokenProvider: token, insecureSkipVerify: true, logger });
    expect(config.ssl).toMatchObject({ rejectUnauthorized: false });
    expect(logger.lines.some((l) => l.startsWith('warning:') && l.includes('verification is OFF'))).toBe(true);
  });

  it('no brokers is a usage error', async () => {
    await usageFailure(kafkaConfig({ brokers: [], auth: 'plaintext' }));
  });

  it('routes kafkajs log lines to the logger: errors as warnings, the rest as debug, extra fields redacted', async () => {
    const logger = memoryLogger();
    const config = await kafkaConfig({ brokers: ['b1:9092'], auth: 'plaintext', logger, logLevel: 'debug' });
    expect(config.logLevel).toBe(5);
    const write = config.logCreator!(5);
    write({ namespace: 'Connection', level: 1, label: 'ERROR', log: { timestamp: 't', message: 'Connection error', broker: 'b1:9092', password: 'hunter2' } });
    write({ namespace: 'BrokerPool', level: 4, label: 'INFO', log: { timestamp: 't', message: 'Refreshing metadata' } });
    expect(logger.lines).toContain('warning: kafkajs Connection: Connection error {"broker":"b1:9092","password":"***"}');
    expect(logger.lines).toContain('kafkajs BrokerPool: Refreshing metadata');
    expect(logger.lines.join('\n')).not.toContain('hunter2');
  });

  it('kafkajs logging is off unless the logger is verbose', async () => {
    expect((await kafkaConfig({ brokers: ['b1:9092'], auth: 'plaintext', logger: memoryLogger('normal') })).logLevel).toBe(0);
    expect((await kafkaConfig({ brokers: ['b1:9092'], auth: 'plaintext', logger: memoryLogger('verbose') })).logLevel).toBe(4);
  });
});
