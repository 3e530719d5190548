/**
 * Runs the built CLI asynchronously (the fake AWS endpoint lives in the test process, so the event loop must
 * keep running), with static fake credentials and no shared config, pointed at the fake.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, ROOT, type CliRun } from '../cli/run-cli.js';

export const FAKE_ACCESS_KEY_ID = 'AKIAFAKEMSKCTL000001';
export const FAKE_SECRET_ACCESS_KEY = 'fakeSecretKeyForMskctlTests0000000000000';

export function awsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && !k.startsWith('MSKCTL_')) env[k] = v;
  }
  return {
    ...env,
    NO_COLOR: '1',
    AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: FAKE_SECRET_ACCESS_KEY,
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    MSKCTL_CONFIG: '/nonexistent/mskctl.yaml',
    ...extra,
  };
}

export interface AsyncRunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** called with the stderr so far after each chunk (e.g. to send a signal once progress shows) */
  onStderr?: (stderr: string, child: ChildProcess) => void;
}

export function mskctlAsync(args: string[], options: AsyncRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: options.env ?? awsEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      options.onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
