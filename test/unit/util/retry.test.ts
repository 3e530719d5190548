import { describe, expect, it } from 'vitest';
import { retry } from '../../../src/util/retry.js';

function failing(times: number, error: Error = new Error('busy')): { call: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    call: async () => {
      calls += 1;
      if (calls <= times) throw error;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('retry', () => {
  it('retries a retriable error with the policy’s pauses until the call succeeds', async () => {
    const f = failing(2);
    const pauses: number[] = [];
    const result = await retry(f.call, { retriable: () => true, delayMs: (attempt) => attempt, onRetry: (_e, attempt) => pauses.push(attempt) });
    expect(result).toBe('ok');
    expect(f.calls()).toBe(3);
    expect(pauses).toEqual([1, 2]);
  });

  it('rethrows at once an error that is not retriable', async () => {
    const f = failing(5, new Error('bad input'));
    await expect(retry(f.call, { retriable: () => false, delayMs: () => 1 })).rejects.toThrow('bad input');
    expect(f.calls()).toBe(1);
  });

  it('rethrows the last error once the policy gives up', async () => {
    const f = failing(10);
    await expect(retry(f.call, { retriable: () => true, delayMs: (attempt) => (attempt < 3 ? 1 : null) })).rejects.toThrow('busy');
    expect(f.calls()).toBe(3);
  });
});
