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

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the runner drives the page's uploader like any destination", () => {
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

describe("closing the page holds that uploader's batch by name; other destinations go on", () => {
  it('the cut-off hand-over and the waiting files wait as "closed", the API batch is sent, "Go on here" hands them to the new tab', async () => {
    const store = await openQueueStore(`runner-page-gone-${crypto.randomUUID()}`);
    const goneTabs = new Map<number, 'closed' | 'left'>();
    const handed: { id: string; tabId: number | undefined; key: string }[] = [];
    const fetched: string[] = [];
    let resolveCutOff: ((outcome: UploadOutcome) => void) | undefined;
    const runner = new QueueRunner(
      makeRunnerEffects(store, {
        readPacing: async () => ({ ...DEFAULT_PACE, mode: 'sequential', delayMs: 300, paused: false }),
        pageGoneFor: (tabId) => goneTabs.get(tabId),
        async fetch(request) {
          fetched.push(new URL(request.url).pathname);
          return new Response(JSON.stringify({ url: 'https://cdn.example/x.jpg' }), { status: 200 });
        },
        handToPage: (item) => {
          handed.push({ id: item.id, tabId: item.destination.pageUploader?.tabId, key: item.destinationKey });
          // The first hand-over is cut off by the closing tab; after "Go on here" the new page takes each at once.
          if (handed.length === 1) return new Promise((resolve) => (resolveCutOff = resolve));
          return Promise.resolve({ ok: true, httpStatus: 200 });
        },
      }),
    );
    const origin = 'https://shop.example';
    for (const id of ['p1', 'p2', 'p3']) {
      await store.add(
        withoutSeq(makeQueueItem({ id, destination: PAGE, destinationKey: PAGE.id, source: { tabId: 7, origin } })),
        new Blob([id]),
      );
    }
    const api = makeQueueItem();
    for (const id of ['a1', 'a2']) {
      await store.add(
        withoutSeq(
          makeQueueItem({
            id,
            destination: { ...api.destination, id: 'api', url: `https://api.example/${id}` },
            destinationKey: 'api',
            source: { tabId: 7, origin },
          }),
        ),
        new Blob([id]),
      );
    }
    await runner.pump();
    await tick(10);
    expect(handed.map((record) => record.id)).toEqual(['p1']);

    // The tab closes: the runner hears it, and the hand-over in flight breaks (in either order).
    goneTabs.set(7, 'closed');
    await runner.pageGone(7, 'closed');
    resolveCutOff?.({ ok: false, kind: 'unreadable', problem: 'page-unreachable', error: 'The page is gone' });
    for (let step = 0; step < 30; step += 1) await tick(200);
    expect(fetched).toEqual(['/a1', '/a2']);
    expect(handed.map((record) => record.id)).toEqual(['p1']);
    const waiting = (await store.list()).filter((item) => item.id.startsWith('p'));
    expect(waiting.map((item) => [item.id, item.status, item.pageGone, item.problem])).toEqual([
      ['p1', 'queued', 'closed', undefined],
      ['p2', 'queued', 'closed', undefined],
      ['p3', 'queued', 'closed', undefined],
    ]);

    // The site open again in tab 9, "Go on here": each goes once, to that tab's uploader, in order.
    expect(await runner.goOnHere(9, origin)).toBe(3);
    for (let step = 0; step < 30; step += 1) await tick(200);
    expect(handed.slice(1)).toEqual([
      { id: 'p1', tabId: 9, key: 'page-uploader:9:0' },
      { id: 'p2', tabId: 9, key: 'page-uploader:9:0' },
      { id: 'p3', tabId: 9, key: 'page-uploader:9:0' },
    ]);
    expect((await store.list()).map((item) => item.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });
});
