import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueRunner } from '@/utils/queue/runner';
import { openQueueStore, type QueueStore } from '@/utils/queue/store';
import type { QueueItem } from '@/utils/queue/types';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';

const DELAY_MS = 20_000;
const UPLOAD_MS = 1_000;

type Event = { at: number; what: string };

/** A runner over a real (fake-indexeddb) store, a fake clock and a fake server that answers after UPLOAD_MS. */
async function setUp(reply: (request: Request) => Response | Promise<Response> = okReply) {
  const store = await openQueueStore(`runner-${crypto.randomUUID()}`);
  const events: Event[] = [];
  const notified: QueueItem[] = [];
  const nextStarts: (number | null)[] = [];
  const pending: boolean[] = [];
  const requests: Request[] = [];
  const runner = new QueueRunner({
    store,
    now: () => Date.now(),
    setTimer(callback, ms) {
      const handle = setTimeout(callback, ms);
      return () => clearTimeout(handle);
    },
    readDelayMs: async () => DELAY_MS,
    async fetch(request) {
      requests.push(request);
      events.push({ at: Date.now(), what: `request ${request.headers.get('idempotency-key')}` });
      await new Promise((resolve) => setTimeout(resolve, UPLOAD_MS));
      return reply(request);
    },
    notify(item, nextStartAt) {
      notified.push(item);
      nextStarts.push(nextStartAt);
      events.push({ at: Date.now(), what: `${item.id} ${item.status}` });
    },
    onPendingChange: (isPending) => pending.push(isPending),
  });
  return { store, runner, events, notified, nextStarts, pending, requests };
}

/**
 * fake-indexeddb completes requests on real macrotasks (setImmediate, not
 * faked here), so let the store settle before and after moving the fake clock:
 * a timer the runner sets after a store write then exists before time moves.
 */
async function settle(): Promise<void> {
  for (let round = 0; round < 50; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

async function tick(ms: number): Promise<void> {
  await settle();
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}

function okReply(): Response {
  return new Response(JSON.stringify({ url: 'https://cdn.example/x.jpg' }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

async function enqueue(store: QueueStore, ids: string[]): Promise<void> {
  for (const id of ids) {
    await store.add(
      withoutSeq(makeQueueItem({ id, idempotencyKey: `key-${id}` })),
      new Blob([id], { type: 'image/jpeg' }),
    );
  }
}

describe('QueueRunner (fake clock, real store logic)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts each upload the delay after the previous one finished, and reports each finish before the next start', async () => {
    const { store, runner, events, nextStarts, notified } = await setUp();
    await enqueue(store, ['a', 'b', 'c']);
    await runner.pump();
    for (let round = 0; round < 3; round += 1) {
      await tick(UPLOAD_MS);
      await tick(DELAY_MS);
    }

    const t0 = 1_000_000;
    const requestTimes = events.filter((event) => event.what.startsWith('request')).map((event) => event.at - t0);
    expect(requestTimes).toEqual([0, UPLOAD_MS + DELAY_MS, 2 * (UPLOAD_MS + DELAY_MS)]);
    expect(events.map((event) => event.what)).toEqual([
      'a uploading',
      'request key-a',
      'a done',
      'b uploading',
      'request key-b',
      'b done',
      'c uploading',
      'request key-c',
      'c done',
    ]);
    // The finish message carries the countdown to the next start.
    const aDone = notified.findIndex((item) => item.id === 'a' && item.status === 'done');
    expect(nextStarts[aDone]).toBe(t0 + UPLOAD_MS + DELAY_MS);
    expect(nextStarts.at(-1)).toBeNull();
  });

  it('does not start the next upload one millisecond early', async () => {
    const { store, runner, requests } = await setUp();
    await enqueue(store, ['a', 'b']);
    await runner.pump();
    await tick(UPLOAD_MS);
    await tick(DELAY_MS - 1);
    expect(requests).toHaveLength(1);
    await tick(1);
    expect(requests).toHaveLength(2);
  });

  it('records the result link and drops the bytes of a done item', async () => {
    const { store, runner } = await setUp();
    await enqueue(store, ['a']);
    await runner.pump();
    await tick(UPLOAD_MS);
    expect(await store.get('a')).toMatchObject({
      status: 'done',
      httpStatus: 200,
      resultUrl: 'https://cdn.example/x.jpg',
      attempts: 1,
    });
    expect(await store.getBlob('a')).toBeUndefined();
  });

  it('names a server error in the item, keeps its bytes, and goes on with the next at the same pace', async () => {
    const { store, runner, requests } = await setUp((request) =>
      request.headers.get('idempotency-key') === 'key-a' ? new Response('disk full', { status: 507 }) : okReply(),
    );
    await enqueue(store, ['a', 'b']);
    await runner.pump();
    await tick(UPLOAD_MS);
    await tick(DELAY_MS);
    await tick(UPLOAD_MS);
    expect(await store.get('a')).toMatchObject({ status: 'failed', httpStatus: 507, error: 'HTTP 507: disk full' });
    expect(await store.getBlob('a')).toBeDefined();
    expect(await store.get('b')).toMatchObject({ status: 'done' });
    expect(requests).toHaveLength(2);
  });

  it('names a connection failure', async () => {
    const { store, runner } = await setUp(() => {
      throw new TypeError('Failed to fetch');
    });
    await enqueue(store, ['a']);
    await runner.pump();
    await tick(UPLOAD_MS);
    expect((await store.get('a'))?.error).toBe('Network error (connection failed or reset): Failed to fetch');
  });

  it('on wake, sends an item caught mid-upload again with the same idempotency key', async () => {
    const { store, runner, requests } = await setUp();
    await enqueue(store, ['a']);
    await store.update('a', { status: 'uploading', startedAt: Date.now(), attempts: 1 });
    await runner.resume();
    await tick(UPLOAD_MS);
    expect(requests.map((request) => request.headers.get('idempotency-key'))).toEqual(['key-a']);
    expect(await store.get('a')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('asks to stay awake only while work is pending', async () => {
    const { store, runner, pending } = await setUp();
    await enqueue(store, ['a']);
    await runner.pump();
    expect(pending.at(-1)).toBe(true);
    await tick(UPLOAD_MS);
    expect(pending.at(-1)).toBe(false);
  });
});
