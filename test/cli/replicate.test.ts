import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mskctl } from './run-cli.js';

describe('mskctl replicate (without brokers)', () => {
  it('--help lists the subcommands and per-side auth options', () => {
    const r = mskctl(['replicate', '--help']);
    expect(r.status).toBe(0);
    for (const word of ['status', 'translate', 'stop', '--source-auth', '--target-password-env', '--exactly-once', '--until-caught-up', '--emit-mm2']) expect(r.stdout).toContain(word);
  });

  it('bad input exits 2 with what was wrong and no stack trace', () => {
    const cases: Array<[string[], RegExp]> = [
      [['replicate', '--target', 'k:9092', '--topics', 'x'], /--source is required/],
      [['replicate', '--source', 'k:9092', '--target', 'k:9092', '--topics', 'orders('], /--topics: invalid regular expression "orders\("/],
      [['replicate', '--source', 'nohostport', '--target', 'k:9092', '--topics', 'x'], /--source\[0\]: found "nohostport": no port/],
      [['replicate', '--source', 'k:9096', '--source-auth', 'scram', '--source-username', 'u', '--target', 'k:9092', '--topics', 'x'], /MSKCTL_SOURCE_PASSWORD is not set/],
      [['replicate', '--source', 'k:9092', '--target', 'k:9092', '--topics', 'x', '--flow-id', 'a.b'], /invalid flow id/],
      [['replicate', '--source', 'k:9092', '--target', 'k:9092', '--topics', 'x', '--refresh', 'soon'], /--refresh: found "soon"/],
      [['replicate', 'translate', '--source', 'k:9092', '--target', 'k:9092'], /--group is required/],
    ];
    for (const [args, message] of cases) {
      const env = { ...process.env };
      delete env.MSKCTL_SOURCE_PASSWORD;
      const r = mskctl(args, { env });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--emit-mm2 writes mm2.properties and the MSK Connect request without contacting a cluster', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm2-'));
    const r = mskctl(['replicate', '--source', 'k1:9092', '--target', 'boot-abc.c2.kafka-serverless.eu-west-1.amazonaws.com:9098', '--topics', 'orders.*', '--flow-id', 'orders', '--emit-mm2', dir, '--output', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files.map((f: { name: string }) => f.name)).toEqual(['mm2.properties', 'msk-connect-connector.json']);
    expect(readFileSync(join(dir, 'mm2.properties'), 'utf8')).toMatch(/^source->target.topics = orders\.\*$/m);
    expect(JSON.parse(readFileSync(join(dir, 'msk-connect-connector.json'), 'utf8')).connectorConfiguration['connector.class']).toMatch(/MirrorSourceConnector/);
  });
});
