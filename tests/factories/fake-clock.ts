import { vi } from 'vitest';

/**
 * fake-indexeddb completes requests on real macrotasks (setImmediate, not
 * faked), so the store must settle before and after the fake clock moves: a
 * timer the runner sets after a store write then exists before time moves.
 */
export async function settle(): Promise<void> {
  for (let round = 0; round < 50; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Settles the store, moves the fake clock by `ms`, settles again. */
export async function tick(ms: number): Promise<void> {
  await settle();
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}
