/**
 * Authentication per side through the CLI: a SCRAM source (password from the environment) and an MSK IAM
 * target (SASL_SSL/OAUTHBEARER, tokens from mskctl's token provider and the default credential chain,
 * validated by the harness's MSK-like handler), with status read back over the same auth.
 */
import { describe, expect, it } from 'vitest';
import { mskctl } from '../cli/run-cli.js';
import { clients, createTopics, h, produce, readAll, recordShape, uniqueId } from './replication-support.js';

describe('replicate with SCRAM on the source and IAM on the target', () => {
  it('copies the records, and a wrong SCRAM password fails cleanly (exit 3, no secret in the output)', async () => {
    const { source, target } = await clients();
    const id = uniqueId();
    const topic = `auth-${id}`;
    await createTopics(source, [{ topic, partitions: 2 }]);
    await produce(source, topic, 2, 1_000);
    const env = {
      MSKCTL_SOURCE_PASSWORD: h.scram.admin.password,
      AWS_ACCESS_KEY_ID: h.iam.admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: h.iam.admin.secretAccessKey,
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    };
    const sides = [
      '--source', h.source.scram, '--source-auth', 'scram', '--source-username', h.scram.admin.username, '--source-no-tls',
      '--target', h.target.iam, '--target-auth', 'iam', '--target-region', h.iam.region, '--target-ca-file', h.tls.caFile,
      '--flow-id', `auth-${id}`,
    ];
    const run = mskctl(['replicate', ...sides, '--topics', topic, '--until-caught-up', '--output', 'json'], { env });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ records: 2_000, stoppedBy: 'caught-up' });
    const [src, tgt] = await Promise.all([readAll(source, topic), readAll(target, topic)]);
    for (const [p, records] of src) expect(tgt.get(p)!.map(recordShape)).toEqual(records.map(recordShape));
    const status = mskctl(['replicate', 'status', ...sides, '--output', 'json', '--check'], { env });
    expect(status.status, status.stderr).toBe(0);
    expect(run.stderr + status.stderr).not.toContain(h.scram.admin.password);

    const wrong = mskctl(['replicate', ...sides, '--topics', topic, '--until-caught-up'], { env: { ...env, MSKCTL_SOURCE_PASSWORD: 'not-the-password' } });
    expect(wrong.status).toBe(3);
    expect(wrong.stderr).toMatch(/source/);
    expect(wrong.stderr).not.toContain('not-the-password');
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  });
});
