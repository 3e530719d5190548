import { describe, expect, it } from 'vitest';
import { MskctlError } from '../../../src/output/errors.js';
import { describeSide, isServerlessBootstrap, parseBootstrap, resolveSide, sideOptions } from '../../../src/replication/endpoints.js';

describe('replication endpoints', () => {
  it('reads per-side options from commander camelCase', () => {
    expect(sideOptions({ sourceAuth: 'scram', sourceUsername: 'u', targetAuth: 'iam', targetRegion: 'eu-west-1', sourceInsecureSkipVerify: true }, 'source')).toMatchObject({ auth: 'scram', username: 'u', insecureSkipVerify: true });
    expect(sideOptions({ targetAuth: 'iam', targetRegion: 'eu-west-1' }, 'target')).toMatchObject({ auth: 'iam', region: 'eu-west-1' });
  });

  it('a bootstrap list or a context; Serverless bootstraps default to IAM', () => {
    const sls = resolveSide('target', 'boot-abc.c2.kafka-serverless.eu-west-1.amazonaws.com:9098', {}, [], {});
    expect(sls).toMatchObject({ auth: 'iam', serverless: true, brokers: ['boot-abc.c2.kafka-serverless.eu-west-1.amazonaws.com:9098'] });
    const ctx = resolveSide('source', 'onprem', {}, [{ name: 'onprem', bootstrap: 'k1:9092,k2:9092', auth: 'plaintext' }], {});
    expect(ctx).toMatchObject({ context: 'onprem', brokers: ['k1:9092', 'k2:9092'], auth: 'plaintext', serverless: false });
    expect(describeSide(ctx)).toBe('context onprem k1:9092,k2:9092 (plaintext)');
    expect(isServerlessBootstrap(['b-1.x.kafka.eu-west-1.amazonaws.com:9098'])).toBe(false);
  });

  it('SCRAM passwords come from the environment, never a flag; the error says which variable', () => {
    const ok = resolveSide('source', 'k:9096', { auth: 'scram', username: 'app' }, [], { MSKCTL_SOURCE_PASSWORD: 's3cret' });
    expect(ok.password).toBe('s3cret');
    expect(describeSide(ok)).not.toMatch(/s3cret/);
    const named = resolveSide('source', 'k:9096', { auth: 'scram', username: 'app', passwordEnv: 'PW' }, [], { PW: 'x' });
    expect(named.password).toBe('x');
    expect(() => resolveSide('source', 'k:9096', { auth: 'scram', username: 'app' }, [], {})).toThrow(/MSKCTL_SOURCE_PASSWORD is not set/);
    expect(() => resolveSide('source', 'k:9096', { auth: 'scram' }, [], { MSKCTL_SOURCE_PASSWORD: 'x' })).toThrow(/user name/);
    expect(() => resolveSide('source', 'k:9094', { auth: 'tls' }, [], {})).toThrow(/certificate and key/);
  });

  it('bad input is a usage error (exit 2) naming the flag', () => {
    for (const bad of ['', 'no-port', 'host:', 'a:1,b c:2']) {
      try {
        parseBootstrap(bad, '--source');
        expect.unreachable(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(MskctlError);
        expect((error as MskctlError).exitCode).toBe(2);
        expect((error as MskctlError).message).toMatch(/--source/);
      }
    }
    expect(parseBootstrap('a:1,,b:2', '--source')).toEqual(['a:1', 'b:2']);
    expect(() => resolveSide('source', undefined, {}, [], {})).toThrow(/--source is required/);
    expect(() => resolveSide('source', 'k:1', { auth: 'kerberos' }, [], {})).toThrow(/not an auth mode/);
  });
});
