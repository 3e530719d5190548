import { describe, expect, it } from 'vitest';
import type { Context } from '../../../src/config/contexts.js';
import { bootstrapFlags, clientOptionsFor, defaultPasswordEnv, resolveConnection, sideFlagNames, type ConnectionRequest } from '../../../src/kafka/connection.js';
import type { MskctlError } from '../../../src/output/errors.js';
import { inputFailure } from '../input-failure.js';

const PROVISIONED = 'b-1.orders.a1b2c3.c2.kafka.eu-west-1.amazonaws.com';

function resolve(request: Partial<ConnectionRequest>) {
  return resolveConnection({ flags: {}, env: {}, ...request });
}

function usageFailure(request: Partial<ConnectionRequest>): MskctlError {
  return inputFailure(() => resolve(request));
}

describe('resolveConnection: bootstrap and default auth', () => {
  it('the default auth mode is what MSK serves on the port; TLS follows the mode', () => {
    expect(resolve({ bootstrap: `${PROVISIONED}:9092` })).toMatchObject({ auth: 'plaintext', tls: false });
    expect(resolve({ bootstrap: `${PROVISIONED}:9098` })).toMatchObject({ auth: 'iam', tls: true, region: 'eu-west-1', serverless: false });
    expect(resolve({ bootstrap: 'boot-abc.c2.kafka-serverless.us-east-1.amazonaws.com:9098' })).toMatchObject({ auth: 'iam', serverless: true, region: 'us-east-1' });
    expect(resolve({ bootstrap: 'localhost:40735' })).toMatchObject({ auth: 'plaintext', tls: false });
    expect(resolve({ bootstrap: 'k:9196', flags: { username: 'app' }, env: { MSKCTL_SCRAM_PASSWORD: 'pw' } })).toMatchObject({ auth: 'scram', tls: true });
  });

  it('flag > context > default, for the bootstrap, the auth mode and the files', () => {
    const context: Context = { name: 'lab', bootstrap: 'c1:9092,c2:9092', auth: 'tls', caFile: 'ctx-ca.pem', certFile: 'c.pem', keyFile: 'k.pem' };
    expect(resolve({ context })).toMatchObject({ brokers: ['c1:9092', 'c2:9092'], auth: 'tls', tls: true, caFile: 'ctx-ca.pem', certFile: 'c.pem' });
    const flagged = resolve({ context, bootstrap: 'f:9092', flags: { auth: 'plaintext', caFile: 'flag-ca.pem' } });
    expect(flagged).toMatchObject({ brokers: ['f:9092'], auth: 'plaintext', tls: false, caFile: 'flag-ca.pem' });
  });

  it('no bootstrap anywhere, a context without one, and a bad list are usage errors naming the flag', () => {
    expect(usageFailure({}).message).toContain('no bootstrap brokers: --bootstrap is required');
    expect(usageFailure({ context: { name: 'empty' } }).message).toContain('context "empty" has no bootstrap');
    expect(usageFailure({ bootstrap: 'k:9092,no-port' }).message).toContain('--bootstrap[1]');
    expect(usageFailure({ context: { name: 'lab', bootstrap: 'nope' } }).message).toContain('context lab.bootstrap[0]');
    expect(usageFailure({ bootstrap: 'k:1', flags: { auth: 'kerberos' } }).message).toContain('--auth "kerberos" is not an auth mode');
  });
});

describe('resolveConnection: TLS and flags of other modes', () => {
  it('--no-tls turns TLS off for SCRAM, is moot for plaintext, and is refused for iam and tls', () => {
    expect(resolve({ bootstrap: 'k:1', flags: { auth: 'scram', username: 'a', tls: false }, env: { MSKCTL_SCRAM_PASSWORD: 'pw' } }).tls).toBe(false);
    expect(resolve({ bootstrap: 'k:1', flags: { auth: 'plaintext', tls: false } }).tls).toBe(false);
    expect(usageFailure({ bootstrap: 'k:9098', flags: { tls: false } }).message).toBe('--no-tls: auth iam always uses TLS');
    expect(usageFailure({ bootstrap: 'k:1', flags: { auth: 'tls', tls: false, certFile: 'c', keyFile: 'k' } }).message).toContain('always uses TLS');
  });

  it('flags of another mode are refused, all of the group named; context values are not', () => {
    expect(usageFailure({ bootstrap: 'k:9092', flags: { certFile: 'c.pem' } }).message).toBe('--cert and --key are for --auth tls');
    expect(usageFailure({ bootstrap: 'k:9092', flags: { passwordEnv: 'PW' } }).message).toBe('--username and --password-env are for --auth scram');
    expect(usageFailure({ bootstrap: 'k:9092', flags: { roleArn: 'arn:aws:iam::1:role/r' } }).message).toBe('--role-arn and --session-name are for --auth iam');
    expect(resolve({ bootstrap: 'k:9092', context: { name: 'c', username: 'u', certFile: 'c.pem' } }).auth).toBe('plaintext');
  });

  it('tls needs a certificate and key, scram a user name', () => {
    expect(usageFailure({ bootstrap: 'k:9094' }).message).toBe('--auth tls needs a client certificate and key');
    expect(usageFailure({ bootstrap: 'k:9094' }).hint).toBe('give --cert and --key (PEM files)');
    expect(usageFailure({ bootstrap: 'k:9096', env: { MSKCTL_SCRAM_PASSWORD: 'pw' } }).hint).toContain('--username');
  });
});

describe('resolveConnection: the SCRAM password comes from the environment only', () => {
  const scram = { bootstrap: 'k:9096', flags: { username: 'app' } };

  it('variable: flag > context > the command default', () => {
    const context: Context = { name: 'c', passwordEnv: 'CTX_PW' };
    const env = { MSKCTL_SCRAM_PASSWORD: 'default', CTX_PW: 'context', FLAG_PW: 'flag' };
    expect(resolve({ ...scram, env })).toMatchObject({ passwordEnv: 'MSKCTL_SCRAM_PASSWORD', password: 'default' });
    expect(resolve({ ...scram, context, env })).toMatchObject({ passwordEnv: 'CTX_PW', password: 'context' });
    expect(resolve({ ...scram, context, env, flags: { username: 'app', passwordEnv: 'FLAG_PW' } })).toMatchObject({ passwordEnv: 'FLAG_PW', password: 'flag' });
    expect(resolve({ ...scram, passwordEnv: defaultPasswordEnv('target'), env: { MSKCTL_TARGET_PASSWORD: 't' } }).password).toBe('t');
  });

  it('an unset or empty variable is an error naming it, unless the caller may prompt', () => {
    const unset = usageFailure(scram);
    expect(unset.message).toBe('SCRAM needs a password: MSKCTL_SCRAM_PASSWORD is not set');
    expect(unset.hint).toContain('never taken as a flag');
    expect(usageFailure({ ...scram, env: { MSKCTL_SCRAM_PASSWORD: '' } }).message).toContain('MSKCTL_SCRAM_PASSWORD is not set');
    const prompted = resolve({ ...scram, passwordMayBePrompted: true });
    expect(prompted).toMatchObject({ auth: 'scram', passwordEnv: 'MSKCTL_SCRAM_PASSWORD' });
    expect(prompted.password).toBeUndefined();
  });

  it('other modes read no password', () => {
    expect(resolve({ bootstrap: 'k:9092', env: { MSKCTL_SCRAM_PASSWORD: 'pw' } }).password).toBeUndefined();
  });
});

describe('resolveConnection: per-side flag names and the IAM region', () => {
  it('errors name the side flags', () => {
    const names = sideFlagNames('target');
    const noPassword = usageFailure({ bootstrap: 'k:9096', names, passwordEnv: defaultPasswordEnv('target'), flags: { username: 'u' } });
    expect(noPassword.message).toBe('SCRAM needs a password: MSKCTL_TARGET_PASSWORD is not set');
    expect(noPassword.hint).toContain('--target-password-env');
    expect(usageFailure({ bootstrap: 'k:9092', names, flags: { keyFile: 'k.pem' } }).message).toBe('--target-cert-file and --target-key-file are for --target-auth tls');
    expect(usageFailure({ bootstrap: 'k x:9092', names }).message).toContain('--target[0]');
  });

  it('region: the connection flag > the global flag > the MSK host name; profile: flag > global', () => {
    const bootstrap = `${PROVISIONED}:9098`;
    expect(resolve({ bootstrap }).region).toBe('eu-west-1');
    expect(resolve({ bootstrap, global: { region: 'us-east-1', profile: 'g' } })).toMatchObject({ region: 'us-east-1', profile: 'g' });
    expect(resolve({ bootstrap, global: { region: 'us-east-1', profile: 'g' }, flags: { region: 'ap-south-1', profile: 'f' } })).toMatchObject({ region: 'ap-south-1', profile: 'f' });
    expect(resolve({ bootstrap: 'localhost:9098' }).region).toBeUndefined();
  });
});

describe('clientOptionsFor', () => {
  it('maps a connection onto the client factory options, secrets included only where set', () => {
    const connection = resolve({ bootstrap: 'k:9096', flags: { username: 'app', tls: false, caFile: 'ca.pem' }, env: { MSKCTL_SCRAM_PASSWORD: 'pw' } });
    expect(clientOptionsFor(connection, { clientId: 'x' })).toEqual({ brokers: ['k:9096'], auth: 'scram', ssl: false, username: 'app', password: 'pw', caFile: 'ca.pem', insecureSkipVerify: false, clientId: 'x' });
    const plain = clientOptionsFor(resolve({ bootstrap: 'k:9092' }), { clientId: 'y' });
    expect(plain).toEqual({ brokers: ['k:9092'], auth: 'plaintext', ssl: false, insecureSkipVerify: false, clientId: 'y' });
  });
});

describe('bootstrapFlags', () => {
  it('maps the --bootstrap commands’ --ca/--cert/--key onto connection flags', () => {
    expect(bootstrapFlags({ bootstrap: 'k:9094', auth: 'tls', ca: 'ca.pem', cert: 'c.pem', key: 'k.pem', tls: true })).toEqual({ auth: 'tls', caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem', tls: true });
  });
});
