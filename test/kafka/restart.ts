/**
 * Restarts one harness broker in place (same command line, ports and data directory), for tests of client
 * resilience: clean (SIGTERM) or hard (SIGKILL), with an optional down time. Linux only: the broker is found by
 * the process listening on its PLAINTEXT port (/proc), so it works for brokers this process did not start.
 *
 * The new broker process is tied to its sibling cluster's broker: a tiny watchdog stops it once the sibling is
 * gone (the harness stops both at the end of a run, but only knows the original pids). A state file written
 * by `npm run kafka:start` gets the new pid.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brokerAnswers, harnessEndpoints, projectRoot, requestedVersion, stateFile, type ClusterName } from './harness.js';

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const local = cols[1] as string;
      const state = cols[3];
      if (state === '0A' && parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.add(cols[9] as string);
    }
  }
  return inodes;
}

/** The pid of the process listening on this TCP port, or undefined. */
export function pidListeningOn(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${entry}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m && inodes.has(m[1] as string)) return Number(entry);
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RestartOptions {
  /** SIGKILL instead of SIGTERM */
  hard?: boolean;
  /** how long the broker stays down, ms */
  downMs?: number;
  readyTimeoutMs?: number;
}

export interface RestartResult {
  oldPid: number;
  newPid: number;
  /** from the stop signal until the broker answered again, ms */
  unavailableMs: number;
}

export async function restartBroker(cluster: ClusterName, options: RestartOptions = {}): Promise<RestartResult> {
  const endpoints = harnessEndpoints();
  const self = cluster === 'source' ? endpoints.source : endpoints.target;
  const sibling = cluster === 'source' ? endpoints.target : endpoints.source;
  const oldPid = pidListeningOn(portOf(self.plaintext));
  if (oldPid === undefined) throw new Error(`no process listens on ${self.plaintext} (${cluster} broker)`);
  const argv = readFileSync(`/proc/${oldPid}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0);
  const cwd = readlinkSync(`/proc/${oldPid}/cwd`);
  const propsFile = argv[argv.length - 1] as string;
  const began = Date.now();
  process.kill(oldPid, options.hard ? 'SIGKILL' : 'SIGTERM');
  await waitFor(() => !alive(oldPid), 30_000, `${cluster} broker ${oldPid} to exit`).catch(() => {
    process.kill(oldPid, 'SIGKILL');
  });
  await waitFor(() => !alive(oldPid), 10_000, `${cluster} broker ${oldPid} to exit after SIGKILL`);
  if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
  const fd = openSync(join(dirname(propsFile), 'broker.log'), 'a');
  const child = spawn(argv[0] as string, argv.slice(1), { cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  const newPid = child.pid as number;
  await waitFor(() => brokerAnswers(self.plaintext, 2000), options.readyTimeoutMs ?? 120_000, `${cluster} broker to answer on ${self.plaintext}`);
  const unavailableMs = Date.now() - began;

  // stop the new broker once its sibling (still known to the harness) is gone
  const siblingPid = pidListeningOn(portOf(sibling.plaintext));
  if (siblingPid !== undefined) {
    const code = `
      const [sibling, pid] = process.argv.slice(1).map(Number);
      const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
      const timer = setInterval(() => {
        if (!alive(pid)) process.exit(0);
        if (!alive(sibling)) {
          clearInterval(timer);
          try { process.kill(pid, 'SIGTERM'); } catch {}
          setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch {} process.exit(0); }, 15000);
        }
      }, 1000);`;
    spawn(process.execPath, ['-e', code, String(siblingPid), String(newPid)], { detached: true, stdio: 'ignore' }).unref();
  }
  const file = stateFile(projectRoot(), requestedVersion());
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as { pids: number[] };
    if (state.pids.includes(oldPid)) {
      state.pids = state.pids.map((p) => (p === oldPid ? newPid : p));
      writeFileSync(file, JSON.stringify(state, null, 2) + '\n');
    }
  } catch {
    // no state file: a harness owned by a test run
  }
  return { oldPid, newPid, unavailableMs };
}
