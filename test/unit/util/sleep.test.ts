import { describe, expect, it } from 'vitest';
import { sleepOrInterrupt, sleepUntilAborted } from '../../../src/util/sleep.js';

describe('sleepUntilAborted', () => {
  it('ends early without an error when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = sleepUntilAborted(10_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('leaves no listener on the signal after a full wait (a replicator sleeps thousands of times)', async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => ((added += 1), add(...args))) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => ((removed += 1), remove(...args))) as typeof remove;
    for (let i = 0; i < 3; i += 1) await sleepUntilAborted(1, signal);
    expect(added).toBe(3);
    expect(removed).toBe(3);
  });
});

describe('sleepOrInterrupt', () => {
  it('rejects with the interrupted error (exit 130) when the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleepOrInterrupt(10_000, controller.signal, 'stopped');
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ exitCode: 130 });
  });
});
