import { describe, expect, it } from 'vitest';
import { MskctlError } from '../../../src/output/errors.js';
import { describeSide, resolveSide, sideOptions } from '../../../src/replication/endpoints.js';

describe('replication endpoints', () => {
  it('reads per-side options from commander camelCase', () => {
    expect(sideOptions({ sourceAuth: 'scram', sourceUsername: 'u', targetAuth: 'iam', targetRegion: 'eu-west-1', sourceInsecureSkipVerify: true }, 'source')).toEqual({ auth: 'scram', username: 'u', insecureSkipVerify: true });
    expect(sideOptions({ targetAuth: 'iam', targetRegion: 'eu-west-1' }, 'target')).toMatchObject({ auth: 'iam', region: 'eu-west-1' });
    expect(sideOptions({ sourceNoTls: true }, 'source')).toMatchObject({ tls: false });
  });

  it('a bootstrap list or a context; Serverless bootstraps default to IAM', () => {
    const sls = resolveSide('target', 'boot-abc.c2.kafka-serverless.eu-west-1.amazonaws.com:9098', {}, [], {});
    expect(sls).toMatchObject({ auth: 'iam', serverless: true, region: 'eu-west-1', brokers: ['boot-abc.c2.kafka-serverless.eu-west-1.amazonaws.com:9098'] });
    const ctx = resolveSide('source', 'onprem', {}, [{ name: 'onprem', bootstrap: 'k1:9092,k2:9092', auth: 'plaintext' }], {});
    expect(ctx).toMatchObject({ side: 'source', given: 'onprem', brokers: ['k1:9092', 'k2:9092'], auth: 'plaintext', serverless: false });
    expect(ctx.context?.name).toBe('onprem');
    expect(describeSide(ctx)).toBe('context onprem k1:9092,k2:9092 (plaintext)');
    expect(resolveSide('source', 'b-1.x.a1b2.c2.kafka.eu-west-1.amazonaws.com:9098', {}, [], {}).serverless).toBe(false);
    expect(() => resolveSide('source', 'empty', {}, [{ name: 'empty' }], {})).toThrow(/context "empty" has no bootstrap/);
  });

  it('SCRAM passwords come from MSKCTL_<SIDE>_PASSWORD or a named variable, never a flag; errors name the side flags', () => {
    const ok = resolveSide('source', 'k:9096', { auth: 'scram', username: 'app' }, [], { MSKCTL_SOURCE_PASSWORD: 's3cret' });
    expect(ok.password).toBe('s3cret');
    expect(describeSide(ok)).not.toMatch(/s3cret/);
    const named = resolveSide('source', 'k:9096', { auth: 'scram', username: 'app', passwordEnv: 'PW' }, [], { PW: 'x' });
    expect(named.password).toBe('x');
    expect(() => resolveSide('source', 'k:9096', { auth: 'scram', username: 'app' }, [], {})).toThrow(/MSKCTL_SOURCE_PASSWORD is not set/);
    expect(() => resolveSide('target', 'k:9096', { auth: 'scram', username: 'app' }, [], { MSKCTL_SOURCE_PASSWORD: 'x' })).toThrow(/MSKCTL_TARGET_PASSWORD is not set/);
    expect(() => resolveSide('source', 'k:9096', { auth: 'scram' }, [], { MSKCTL_SOURCE_PASSWORD: 'x' })).toThrow(/--source-auth scram needs a user name/);
    expect(() => resolveSide('source', 'k:9094', { auth: 'tls' }, [], {})).toThrow(/--source-auth tls needs a client certificate and key/);
    expect(() => resolveSide('target', 'k:9098', { auth: 'iam', tls: false }, [], {})).toThrow(/--target-no-tls: auth iam always uses TLS/);
  });

  it('bad input is a usage error (exit 2) naming the flag', () => {
    for (const bad of ['no-port', 'host:', 'a:1,b c:2']) {
      try {
        resolveSide('source', bad, {}, [], {});
        expect.unreachable(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(MskctlError);
        expect((error as MskctlError).exitCode).toBe(2);
        expect((error as MskctlError).message).toMatch(/--source\[\d\]/);
      }
    }
    expect(() => resolveSide('source', undefined, {}, [], {})).toThrow(/--source is required/);
    expect(() => resolveSide('source', 'k:1', { auth: 'kerberos' }, [], {})).toThrow(/--source-auth "kerberos" is not an auth mode/);
  });
});
