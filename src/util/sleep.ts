/** Waiting that a Ctrl-C ends: rejects with interrupted() (exit 130) as soon as the signal aborts. */
import { interrupted } from '../output/errors.js';

export function sleepOrInterrupt(ms: number, signal: AbortSignal, message?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(interrupted(message));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(interrupted(message));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waiting that a Ctrl-C cuts short without an error, for loops that check the signal themselves and shut down
 * cleanly; leaves no listener behind on a long-lived signal.
 */
export function sleepUntilAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
