/**
 * The cutover's local effects: the state file (atomic writes), hooks run with child_process, the clock.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync, unlinkSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { stringify } from 'yaml';
import { parseYamlDocument, readInputFile } from '../input/yaml.js';
import { interrupted, usageError } from '../output/errors.js';
import { redactString } from '../output/redact.js';
import { stateFileOf, validatePlan, type CutoverPlan } from './plan.js';
import type { Clock, HookRunner, StateStore } from './ports.js';

/** The state file of a plan: its `state` field or <plan>.state.yaml, relative to the plan's folder. */
export function statePathFor(plan: CutoverPlan, planFile: string): string {
  const name = stateFileOf(plan, planFile);
  return isAbsolute(name) ? name : join(dirname(planFile), name);
}

/** YAML state file written as temp file + fsync + rename, so a crash leaves the old or the new state. */
export function fileStateStore(path: string): StateStore {
  return {
    location: path,
    load() {
      if (!existsSync(path)) return undefined;
      const text = readFileSync(path, 'utf8');
      if (text.trim() === '') return undefined;
      return parseYamlDocument(text, path).value;
    },
    save(state) {
      const temp = `${path}.${process.pid}.tmp`;
      try {
        writeFileSync(temp, `# mskctl cutover state: written by \`mskctl cutover run\`, read by \`mskctl cutover status\`; do not edit\n${stringify(state, { lineWidth: 0 })}`);
        const fd = openSync(temp, 'r');
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(temp, path);
      } catch (error) {
        try {
          unlinkSync(temp);
        } catch {
          // the temp file may not exist; the original error matters
        }
        throw error;
      }
    },
  };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(interrupted());
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(interrupted());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Runs hooks with `sh -c` in their own process group; their output goes to our stderr, prefixed.
 * Resolves when the shell exits (not when its pipes close), so a hook may start a background process;
 * such a process should redirect its own output, because the pipes are closed once the hook exits.
 */
export function shellHookRunner(stderr: NodeJS.WritableStream = process.stderr): HookRunner {
  return {
    run: (command, env, timeoutMs, signal) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn('sh', ['-c', command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        const prefix = (chunk: Buffer): void => {
          // hooks print what they like: secrets in their output are masked like every other log line
          for (const line of chunk.toString('utf8').split('\n')) if (line.length > 0) stderr.write(`  [hook] ${redactString(line)}\n`);
        };
        child.stdout.on('data', prefix);
        child.stderr.on('data', prefix);
        let reason: string | undefined;
        const killGroup = (why: string): void => {
          reason = why;
          try {
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
          } catch {
            // already gone
          }
        };
        const timer = setTimeout(() => killGroup(`timed out after ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
        const onAbort = (): void => killGroup('interrupted');
        signal.addEventListener('abort', onAbort, { once: true });
        child.on('error', (error) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          reject(error);
        });
        child.on('exit', (code, sig) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          child.stdout.destroy();
          child.stderr.destroy();
          if (reason) reject(new Error(reason));
          else if (code === 0) resolve();
          else reject(new Error(code !== null ? `exit code ${code}` : `killed by ${sig}`));
        });
      }),
  };
}

/** Reads and validates a plan file; returns the plan and the path of its state file. */
export function loadPlanFile(file: string): { plan: CutoverPlan; statePath: string } {
  const plan = validatePlan(readInputFile(file));
  return { plan, statePath: statePathFor(plan, file) };
}

/**
 * One `cutover run --execute` per state file at a time: a lock file holding the owner's pid, created with
 * O_EXCL. A lock left by a process that no longer exists (kill -9) is taken over.
 */
export function acquireRunLock(statePath: string): () => void {
  const lock = `${statePath}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw usageError(`cannot create ${lock}: ${(error as Error).message}`, 'the folder of the state file must exist and be writable (field "state" of the plan)');
      }
      const owner = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processExists(owner)) {
        throw usageError(`another cutover run (pid ${owner}) is working on ${statePath}`, `wait for it to finish, or stop it (kill -INT ${owner}); it saves its state and exits 130`, 'CUTOVER_LOCKED');
      }
      unlinkSync(lock);
    }
  }
  throw usageError(`cannot take the lock ${lock}`, 'remove it if no cutover run is active');
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
