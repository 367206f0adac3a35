import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PACE } from '@/utils/pacing/pace';
import { QueueRunner } from '@/utils/queue/runner';
import { openQueueStore } from '@/utils/queue/store';
import type { QueueItem } from '@/utils/queue/types';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';
import { makeRunnerEffects, okReply } from '../factories/runner-effects';

const T0 = 5_000_000;
const DELAY_MS = 10_000;

/** Items sent through the page itself are bound to its tab; others are not. */
async function queueOf(items: Partial<QueueItem>[]) {
  const store = await openQueueStore(`page-bound-${crypto.randomUUID()}`);
  for (const [index, overrides] of items.entries()) {
    await store.add(
      withoutSeq(makeQueueItem({ id: `item-${index}`, status: 'queued', ...overrides })),
      new Blob(['b']),
    );
  }
  const sent: string[] = [];
  const runner = new QueueRunner(
    makeRunnerEffects(store, {
      readPacing: async () => ({ ...DEFAULT_PACE, delayMs: DELAY_MS, paused: false }),
      async fetch(request) {
        sent.push(new URL(request.url).pathname);
        return okReply();
      },
    }),
  );
  return { store, runner, sent };
}

/** Lets the queue run for `ms` of fake time, in steps, so storage work between timers completes. */
async function runFor(ms: number) {
  for (let elapsed = 0; elapsed < ms; elapsed += 1000) await vi.advanceTimersByTimeAsync(1000);
}

const pageForm = (tabId: number, origin = 'https://blog.example') => {
  const item = makeQueueItem();
  return {
    destination: { ...item.destination, url: `${origin}/form-${tabId}`, page: { kind: 'form' as const } },
    source: { tabId, origin },
  };
};

describe('a batch sent through the page itself needs its page', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("closing its tab holds only that tab's page-bound queued items; going on from the site sends them", async () => {
    const api = makeQueueItem();
    const { store, runner, sent } = await queueOf([
      pageForm(7),
      pageForm(7),
      pageForm(8),
      { destination: { ...api.destination, url: 'https://api.example/up' }, source: { tabId: 7 } },
    ]);
    await runner.pageGone(7, 'closed');
    const held = (await store.list()).map((item) => [item.id, item.pageGone ?? null]);
    expect(held).toEqual([
      ['item-0', 'closed'],
      ['item-1', 'closed'],
      ['item-2', null],
      ['item-3', null],
    ]);
    // Only the others go out, in order and at the pace; the held ones wait however long.
    await runner.resume();
    await runFor(DELAY_MS * 10);
    expect(sent).toEqual(['/form-8', '/up']);
    expect((await store.list()).filter((item) => item.status === 'queued').map((item) => item.id)).toEqual([
      'item-0',
      'item-1',
    ]);

    // Another site's panel takes nothing; a panel on the same site takes them into its tab.
    expect(await runner.goOnHere(9, 'https://other.example')).toBe(0);
    expect(await runner.goOnHere(9, 'https://blog.example')).toBe(2);
    await runFor(DELAY_MS * 3);
    expect(sent).toEqual(['/form-8', '/up', '/form-7', '/form-7']);
    const rebound = (await store.list()).filter((item) => item.id === 'item-0' || item.id === 'item-1');
    expect(rebound.map((item) => [item.status, item.source?.tabId, item.pageGone])).toEqual([
      ['done', 9, undefined],
      ['done', 9, undefined],
    ]);
  });

  it('an upload already in flight when the page goes finishes', async () => {
    const { store, runner, sent } = await queueOf([pageForm(3), pageForm(3)]);
    await runner.resume();
    await runner.pageGone(3, 'left');
    await runFor(DELAY_MS * 5);
    expect(sent).toEqual(['/form-3']);
    expect((await store.list()).map((item) => [item.status, item.pageGone ?? null])).toEqual([
      ['done', null],
      ['queued', 'left'],
    ]);
  });
});
