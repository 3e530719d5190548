/**
 * `mskctl check` through the built binary, for what needs no broker: bad input is exit 2 with the flag named
 * and nothing attempted; a closed port and a silent port fail the right step with exit 1. (Checks against
 * real brokers are in test/integration/check.test.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mskctl } from './run-cli.js';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

let closedPort: number;
let silent: Server;
let silentPort: number;
beforeAll(async () => {
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise<void>((r) => probe.close(() => r()));
  // accepts TCP connections (the kernel does, even while spawnSync blocks this process) and never answers
  silent = createServer(() => undefined);
  silentPort = await listen(silent);
});
afterAll(async () => {
  await new Promise<void>((r) => silent.close(() => r()));
});

const env = { AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', MSKCTL_SCRAM_PASSWORD: '' };

describe('mskctl check: input errors (exit 2, nothing attempted)', () => {
  it.each([
    [['--bootstrap', 'broker-without-port'], '--bootstrap[0]'],
    [['--bootstrap', 'b:99999'], 'port "99999"'],
    [[], 'no bootstrap brokers'],
    [['--bootstrap', 'localhost:9098', '--auth', 'iam', '--no-tls'], '--no-tls'],
    [['--bootstrap', 'localhost:9092', '--cert', 'c.pem'], '--cert and --key are for --auth tls'],
    [['--bootstrap', 'localhost:9094', '--auth', 'tls'], 'needs a client certificate'],
    [['--bootstrap', 'localhost:9096', '--auth', 'scram'], '--username'],
    [['--bootstrap', 'localhost:9092', '--timeout', 'soon'], '--timeout'],
    [['--bootstrap', 'localhost:9092', '--test-topic', 'x'], 'need --produce-consume'],
    [['--bootstrap', 'localhost:9092', '--produce-consume', '--test-topic', 'bad topic'], '--test-topic'],
    [['--bootstrap', 'localhost:9098', '--region', 'moon-1'], 'not an AWS region'],
  ])('%j', (args, message) => {
    const run = mskctl(['check', ...args], { env });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('SCRAM without a password and without a terminal: exit 2, the variable named, no prompt', () => {
    const run = mskctl(['check', '--bootstrap', `127.0.0.1:${closedPort}`, '--auth', 'scram', '--username', 'alice'], { env });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('MSKCTL_SCRAM_PASSWORD is not set');
  });

  it('there is no flag that takes a password', () => {
    const help = mskctl(['check', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--password-env');
    expect(help.stdout).not.toMatch(/--password[ =<]/);
    const run = mskctl(['check', '--bootstrap', 'localhost:9096', '--auth', 'scram', '--username', 'a', '--password', 'secret'], { env });
    expect(run.status).toBe(2);
  });
});

describe('mskctl check: failures without a broker (exit 1, the step named)', () => {
  it('a closed port fails the TCP step with CONNECTION_REFUSED; the table says where it stopped', () => {
    const run = mskctl(['check', '--bootstrap', `127.0.0.1:${closedPort}`], { env });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/tcp\s+│ fail/);
    expect(run.stdout).toContain('cause: CONNECTION_REFUSED');
    expect(run.stdout).toContain('FAILED at step tcp (CONNECTION_REFUSED)');
    expect(run.stderr).toContain('check failed at step tcp: CONNECTION_REFUSED');
  });

  it('a name that does not resolve (.invalid, RFC 6761) fails the DNS step', () => {
    const run = mskctl(['check', '--bootstrap', 'b-1.mskctl-test.invalid:9092', '--output', 'json'], { env });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { failedStep: string; cause: string };
    expect(report.failedStep).toBe('dns');
    // NXDOMAIN where a resolver answers; a resolver that cannot be reached at all is DNS_FAILED
    expect(['DNS_NOT_FOUND', 'DNS_FAILED']).toContain(report.cause);
  });

  it('a port that accepts but never answers: the TLS handshake times out after --timeout', () => {
    const run = mskctl(['check', '--bootstrap', `127.0.0.1:${silentPort}`, '--auth', 'scram', '--username', 'alice', '--timeout', '1s', '--output', 'json'], {
      env: { ...env, MSKCTL_SCRAM_PASSWORD: 'not-used' },
    });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { failedStep: string; cause: string; steps: Array<{ step: string; status: string; hint?: string }> };
    expect(report).toMatchObject({ failedStep: 'tls', cause: 'CONNECTION_TIMEOUT' });
    expect(report.steps.find((s) => s.step === 'tcp')!.status).toBe('pass');
    expect(report.steps.find((s) => s.step === 'tls')!.hint).toContain('1000 ms');
  });

  it('yaml output renders the same report', () => {
    const run = mskctl(['check', '--bootstrap', `127.0.0.1:${closedPort}`, '--output', 'yaml'], { env });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('failedStep: tcp');
    expect(run.stdout).toContain('cause: CONNECTION_REFUSED');
  });

  it('IAM without any AWS credentials: the credentials step fails with CREDENTIALS_MISSING (--keep-going past the closed port)', () => {
    const run = mskctl(['check', '--bootstrap', `127.0.0.1:${closedPort}`, '--auth', 'iam', '--region', 'eu-west-1', '--keep-going', '--output', 'json'], { env });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { failedStep: string; steps: Array<{ step: string; status: string; cause?: string }> };
    expect(report.failedStep).toBe('tcp');
    expect(report.steps.find((s) => s.step === 'credentials')).toMatchObject({ status: 'fail', cause: 'CREDENTIALS_MISSING' });
    expect(report.steps.find((s) => s.step === 'token')).toMatchObject({ status: 'fail', cause: 'CREDENTIALS_MISSING' });
    expect(report.steps.find((s) => s.step === 'sasl')).toMatchObject({ status: 'skip' });
  });

  it('the bootstrap, auth and user come from --context; flags win over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mskctl-check-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `contexts:\n  lab:\n    bootstrap: 127.0.0.1:${closedPort}\n    auth: scram\n    username: alice\n    passwordEnv: LAB_PW\n`);
    const run = mskctl(['check', '--context', 'lab', '--no-tls', '--output', 'json'], { env: { ...env, MSKCTL_CONFIG: config, LAB_PW: 'from-the-context-variable' } });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { bootstrap: string; auth: string; failedStep: string };
    expect(report).toMatchObject({ bootstrap: `127.0.0.1:${closedPort}`, auth: 'scram', failedStep: 'tcp' });
    expect(run.stdout + run.stderr).not.toContain('from-the-context-variable');
    const flagged = mskctl(['check', '--context', 'lab', '--bootstrap', `127.0.0.1:${silentPort}`, '--auth', 'plaintext', '--timeout', '1s', '--output', 'json'], { env: { ...env, MSKCTL_CONFIG: config } });
    expect(JSON.parse(flagged.stdout)).toMatchObject({ bootstrap: `127.0.0.1:${silentPort}`, auth: 'plaintext' });
  });
});
