import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mskctl, ROOT } from './run-cli.js';

describe('the CLI shell', () => {
  it('prints the package version', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    const run = mskctl(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it('shows help with examples and exits 0', () => {
    const run = mskctl(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--output <format>');
  });

  it('rejects an unknown flag with exit 2 and no stack trace', () => {
    const run = mskctl(['--no-such-flag']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--no-such-flag'/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an invalid --output choice with exit 2', () => {
    const run = mskctl(['--output', 'xml', '--help']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/xml/);
  });
});
