/**
 * Retrying a call while its error is transient. Callers differ in what is transient, how long to go on and
 * how to wait; they share the loop, and turn the last error into their own message.
 */
export interface RetryPolicy {
  /** whether this error may go away by itself */
  retriable: (error: unknown) => boolean;
  /** the pause before the next attempt (attempt counts from 1), or null to give up */
  delayMs: (attempt: number) => number | null;
  onRetry?: (error: unknown, attempt: number) => void;
}

/** Calls until it succeeds; rethrows the first error that is not retriable or that the policy gives up on. */
export async function retry<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const delay = policy.retriable(error) ? policy.delayMs(attempt) : null;
      if (delay === null) throw error;
      policy.onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
