import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PACE } from '@/utils/pacing/pace';
import { snapshotFromPageUploader } from '@/utils/page-uploaders/snapshot';
import { QueueRunner } from '@/utils/queue/runner';
import { openQueueStore } from '@/utils/queue/store';
import type { QueueItem } from '@/utils/queue/types';
import type { UploadOutcome } from '@/utils/upload/parse-reply';
import { UPLOAD_TIMEOUT_MS } from '@/utils/upload/send-request';
import { tick } from '../factories/fake-clock';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';
import { makeRunnerEffects } from '../factories/runner-effects';

const T0 = 1_000_000;
const PAGE = snapshotFromPageUploader(
  { index: 0, label: 'Gallery: Drop here', way: 'drop', inFrame: false, multiple: true },
  7,
  'https://shop.example/admin',
);

/** A runner whose page transport answers each hand-over after `afterMs`, or never (the test aborts it). */
async function setUp(answer: (item: QueueItem) => { afterMs: number; outcome: UploadOutcome } | 'never') {
  const store = await openQueueStore(`runner-page-${crypto.randomUUID()}`);
  const handed: { id: string; at: number; blob: string; aborted?: unknown }[] = [];
  const fetch = vi.fn(async () => new Response('{}'));
  const runner = new QueueRunner(
    makeRunnerEffects(store, {
      readPacing: async () => ({ ...DEFAULT_PACE, mode: 'sequential', delayMs: 300, paused: false }),
      fetch,
      handToPage: async (item, blob, signal) => {
        const record: (typeof handed)[number] = { id: item.id, at: Date.now() - T0, blob: await blob.text() };
        handed.push(record);
        const reply = answer(item);
        return new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            record.aborted = signal.reason;
            resolve({ ok: false, kind: 'timeout', error: 'timed out' });
          });
          if (reply !== 'never') setTimeout(() => resolve(reply.outcome), reply.afterMs);
        });
      },
    }),
  );
  for (const id of ['a', 'b']) {
    await store.add(
      withoutSeq(makeQueueItem({ id, destination: PAGE, destinationKey: PAGE.id })),
      new Blob([`bytes of ${id}`], { type: 'image/jpeg' }),
    );
  }
  return { store, runner, handed, fetch };
}

describe("the runner drives the page's uploader like any destination", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands each stored file to the page, never fetches, and starts the next only after the pause', async () => {
    const { store, runner, handed, fetch } = await setUp(() => ({
      afterMs: 1000,
      outcome: { ok: true, httpStatus: 200, resultUrl: 'https://shop.example/files/x.jpg' },
    }));
    await runner.pump();
    for (let step = 0; step < 40; step += 1) await tick(100);
    expect(fetch).not.toHaveBeenCalled();
    expect(handed.map(({ id, blob }) => [id, blob])).toEqual([
      ['a', 'bytes of a'],
      ['b', 'bytes of b'],
    ]);
    // a: 0..1000 ms, then the 300 ms pause.
    expect(handed[1]?.at).toBeGreaterThanOrEqual(1300);
    const done = await store.list();
    expect(done.map((item) => [item.id, item.status, item.resultUrl])).toEqual([
      ['a', 'done', 'https://shop.example/files/x.jpg'],
      ['b', 'done', 'https://shop.example/files/x.jpg'],
    ]);
  });

  it('a page that never answers is given up on after the upload timeout, not held forever', async () => {
    const { runner, handed } = await setUp(() => 'never');
    await runner.pump();
    await tick(UPLOAD_TIMEOUT_MS + 100);
    expect(handed[0]?.aborted).toBe('timed out');
  });

  it('cancel aborts the hand-over in flight', async () => {
    const { store, runner, handed } = await setUp(() => 'never');
    await runner.pump();
    await tick(10);
    await runner.control({ kind: 'cancel', itemId: 'a' });
    await tick(10);
    expect(handed[0]?.aborted).toBeDefined();
    expect((await store.get('a'))?.status).not.toBe('done');
  });
});
