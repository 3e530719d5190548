/**
 * `cutover run` reaches clusters that need authentication through contexts: an MSK IAM (SASL_SSL,
 * OAUTHBEARER validated like MSK) or mutual-TLS target of the harness, from a plaintext source. The preview's
 * preflight runs against both (it fails on the missing flow, which proves both connections worked); a wrong
 * IAM secret is an operational error (exit 3) that never prints the secret.
 * (The harness' SCRAM listener is SASL_PLAINTEXT, and the shared endpoint resolver always uses TLS with SCRAM.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { harnessEndpoints } from '../kafka/harness.js';
import { mskctl } from '../cli/run-cli.js';

const h = harnessEndpoints();
const dir = mkdtempSync(join(tmpdir(), 'mskctl-cutover-auth-'));
const config = join(dir, 'config.yaml');
writeFileSync(
  config,
  stringify({
    contexts: {
      old: { bootstrap: h.source.plaintext, auth: 'plaintext' },
      'new-iam': { bootstrap: h.target.iam, auth: 'iam', caFile: h.tls.caFile, region: h.iam.region },
      'new-tls': { bootstrap: h.target.tls, auth: 'tls', caFile: h.tls.caFile, certFile: h.tls.clientCertFile, keyFile: h.tls.clientKeyFile },
    },
  }),
);
const env = {
  MSKCTL_CONFIG: config,
  AWS_ACCESS_KEY_ID: h.iam.admin.accessKeyId,
  AWS_SECRET_ACCESS_KEY: h.iam.admin.secretAccessKey,
  AWS_REGION: h.iam.region,
};

function planFor(target: string): string {
  const plan = mskctl(['cutover', 'plan', '--source', 'old', '--target', target, '--flow-id', 'no-such-flow', '--groups', 'g', '--topics', 'no-such-topic'], { env });
  expect(plan.status).toBe(0);
  const file = join(dir, `${target}.yaml`);
  writeFileSync(file, plan.stdout);
  return file;
}

describe('cutover run through authenticated contexts (real brokers)', () => {
  it.each(['new-iam', 'new-tls'])('runs the preflight against the %s target', (target) => {
    const run = mskctl(['cutover', 'run', planFor(target), '--output', 'json'], { env });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const checks = (JSON.parse(run.stdout) as { preflight: Array<{ name: string; ok: boolean; detail: string }> }).preflight;
    expect(checks.find((c) => c.name === 'topics')).toMatchObject({ ok: false, detail: 'no-such-topic missing on the source' });
    expect(checks.find((c) => c.name === 'replication running')).toMatchObject({ ok: false, detail: 'flow no-such-flow is not running' });
  });

  it('a wrong IAM secret is an operational error, without the secret in the output', () => {
    const file = planFor('new-iam');
    const run = mskctl(['cutover', 'run', file], { env: { ...env, AWS_SECRET_ACCESS_KEY: 'wrong-secret-key-1234567890' } });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/cannot connect to the clusters/);
    expect(run.stderr).not.toContain('wrong-secret-key-1234567890');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
