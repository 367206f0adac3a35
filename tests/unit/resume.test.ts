import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PACE } from '@/utils/pacing/pace';
import { QueueRunner } from '@/utils/queue/runner';
import { openQueueStore } from '@/utils/queue/store';
import type { QueueItem } from '@/utils/queue/types';
import { tick } from '../factories/fake-clock';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';
import { makeRunnerEffects, okReply } from '../factories/runner-effects';

const DELAY_MS = 20_000;
const T0 = 5_000_000;

/**
 * A worker that wakes to a store written by a worker that died: every stored
 * state of an item, and what the new worker must do with it.
 */

async function wakeWith(stored: Partial<QueueItem>[]) {
  const store = await openQueueStore(`resume-${crypto.randomUUID()}`);
  for (const [index, overrides] of stored.entries()) {
    await store.add(
      withoutSeq(makeQueueItem({ id: `item-${index}`, idempotencyKey: `key-${index}`, ...overrides })),
      new Blob(['bytes']),
    );
  }
  const sent: { key: string | null; at: number }[] = [];
  const runner = new QueueRunner(
    makeRunnerEffects(store, {
      readPacing: async () => ({ ...DEFAULT_PACE, delayMs: DELAY_MS, paused: false }),
      async fetch(request) {
        sent.push({ key: request.headers.get('idempotency-key'), at: Date.now() });
        return okReply();
      },
    }),
  );
  await runner.resume();
  return { store, runner, sent };
}

describe('resume on wake, over every stored state', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    {
      case: 'queued, nothing finished before: starts at once',
      stored: [{ status: 'queued' as const }],
      expectedSends: [{ key: 'key-0', at: T0 }],
    },
    {
      case: 'queued after a finish the delay ago: starts at once',
      stored: [
        { status: 'done' as const, startedAt: T0 - 30_000, finishedAt: T0 - DELAY_MS },
        { status: 'queued' as const },
      ],
      expectedSends: [{ key: 'key-1', at: T0 }],
    },
    {
      case: 'queued, planned start still ahead: waits for that stored time, not a fresh delay',
      stored: [
        { status: 'done' as const, startedAt: T0 - 6_000, finishedAt: T0 - 5_000 },
        { status: 'queued' as const },
      ],
      expectedSends: [{ key: 'key-1', at: T0 - 5_000 + DELAY_MS }],
    },
    {
      case: 'uploading when the worker died: sent again at once with the same key',
      stored: [{ status: 'uploading' as const, startedAt: T0 - 1_000, attempts: 1 }],
      expectedSends: [{ key: 'key-0', at: T0 }],
    },
    {
      case: 'uploading, then queued behind it: the interrupted one first, the next a delay after it',
      stored: [{ status: 'uploading' as const, startedAt: T0 - 1_000, attempts: 1 }, { status: 'queued' as const }],
      expectedSends: [
        { key: 'key-0', at: T0 },
        { key: 'key-1', at: T0 + DELAY_MS },
      ],
    },
    {
      case: 'done: never sent again',
      stored: [{ status: 'done' as const, startedAt: T0 - 2_000, finishedAt: T0 - 1_000 }],
      expectedSends: [],
    },
    {
      case: 'failed: left for the user, not sent again by itself',
      stored: [{ status: 'failed' as const, startedAt: T0 - 2_000, finishedAt: T0 - 1_000, error: 'HTTP 400' }],
      expectedSends: [],
    },
  ])('$case', async ({ stored, expectedSends }) => {
    const { sent } = await wakeWith(stored);
    // One-second steps: a start is seen at the exact second it is due.
    for (let second = 0; second <= (2 * DELAY_MS) / 1000; second += 1) await tick(second === 0 ? 0 : 1_000);
    expect(sent).toEqual(expectedSends);
  });

  it('an item re-sent after the worker died keeps its idempotency key and counts the attempt', async () => {
    const { store } = await wakeWith([{ status: 'uploading', startedAt: T0 - 1_000, attempts: 1 }]);
    await tick(0);
    expect(await store.get('item-0')).toMatchObject({ status: 'done', idempotencyKey: 'key-0', attempts: 2 });
  });
});
