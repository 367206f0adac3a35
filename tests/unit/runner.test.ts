import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HeldLevel } from '@/utils/pacing/adaptive-controller';
import type { GlobalPace } from '@/utils/pacing/destination-pace';
import { DEFAULT_PACE } from '@/utils/pacing/pace';
import { MIN_RETRY_WAIT_MS } from '@/utils/queue/retry';
import { QueueRunner } from '@/utils/queue/runner';
import { openQueueStore, type QueueStore } from '@/utils/queue/store';
import type { QueueItem, QueuePlan } from '@/utils/queue/types';
import { UPLOAD_TIMEOUT_MS } from '@/utils/upload/send-request';
import { makeSnapshot } from '../factories/destination';
import { settle, tick } from '../factories/fake-clock';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';
import { makeRunnerEffects, okReply } from '../factories/runner-effects';

const DELAY_MS = 20_000;
const UPLOAD_MS = 1_000;
const T0 = 1_000_000;

type Event = { at: number; what: string };
/** How the fake server answers one request: after how long, and what. */
type Reply = { afterMs?: number; response?: () => Response; error?: Error };

/**
 * A runner over a real (fake-indexeddb) store, a fake clock and a fake
 * server. `reply` gets the request and its 1-based number and decides the
 * answer; by default every upload takes UPLOAD_MS and succeeds.
 */
async function setUp(
  settings: Partial<GlobalPace> = {},
  reply: (request: Request, count: number) => Reply = () => ({}),
  originAccess = true,
  /** The adaptive levels remembered per destination, as the background keeps them in storage. */
  remembered?: Record<string, HeldLevel>,
) {
  const store = await openQueueStore(`runner-${crypto.randomUUID()}`);
  const pacing: GlobalPace = { ...DEFAULT_PACE, delayMs: DELAY_MS, paused: false, ...settings };
  const events: Event[] = [];
  const notified: QueueItem[] = [];
  const plans: QueuePlan[] = [];
  /** The plan each notify carried, index for index with `notified`. */
  const notifiedPlans: QueuePlan[] = [];
  const pending: boolean[] = [];
  const requests: Request[] = [];
  const runner = new QueueRunner(
    makeRunnerEffects(store, {
      readPacing: async () => ({ ...pacing }),
      async setPaused(paused) {
        pacing.paused = paused;
      },
      hasOriginAccess: async () => originAccess,
      async fetch(request) {
        requests.push(request);
        const key = request.headers.get('idempotency-key');
        events.push({ at: Date.now() - T0, what: `request ${key}` });
        const answer = reply(request, requests.length);
        await new Promise((resolve, reject) => {
          const handle = setTimeout(resolve, answer.afterMs ?? UPLOAD_MS);
          request.signal.addEventListener('abort', () => {
            clearTimeout(handle);
            reject(request.signal.reason);
          });
        });
        if (answer.error) throw answer.error;
        return (answer.response ?? okReply)();
      },
      notify(item, plan) {
        notified.push(item);
        notifiedPlans.push(plan);
        plans.push(plan);
        events.push({ at: Date.now() - T0, what: `${item.id} ${item.status}` });
      },
      onPlanChange: (plan) => plans.push(plan),
      onPendingChange: (isPending) => pending.push(isPending),
      ...(remembered
        ? {
            adaptiveMemory: {
              read: async () => structuredClone(remembered),
              async remember(destinationKey: string, level: HeldLevel) {
                remembered[destinationKey] = structuredClone(level);
              },
            },
          }
        : {}),
    }),
  );
  const requestTimes = () => events.filter((event) => event.what.startsWith('request')).map((event) => event.at);
  const requestKeys = () => requests.map((request) => request.headers.get('idempotency-key'));
  return {
    store,
    runner,
    events,
    notified,
    notifiedPlans,
    plans,
    pending,
    requests,
    pacing,
    requestTimes,
    requestKeys,
  };
}

/** Moves the fake clock in small steps, so every timer fires at its own time and the store keeps up. */
async function run(ms: number, step = 100): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) await tick(Math.min(step, ms - elapsed));
}

/** A reply whose body arrives in these chunks, one per read, then ends, breaks, or never ends. */
function dripping(chunks: string[], end: 'error' | 'never'): Response {
  const queue = [...chunks];
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = queue.shift();
        if (chunk !== undefined) return controller.enqueue(new TextEncoder().encode(chunk));
        if (end === 'error') controller.error(new TypeError('network error'));
        return new Promise(() => {});
      },
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );
}

const status =
  (code: number, body = '', headers: Record<string, string> = {}) =>
  () =>
    new Response(body, { status: code, headers });

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
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('sequential', () => {
    it('starts each upload the delay after the previous one finished, and reports each finish before the next start', async () => {
      const { store, runner, events, plans, notified, notifiedPlans, requestTimes } = await setUp();
      await enqueue(store, ['a', 'b', 'c']);
      await runner.pump();
      for (let round = 0; round < 3; round += 1) {
        await tick(UPLOAD_MS);
        await tick(DELAY_MS);
      }

      expect(requestTimes()).toEqual([0, UPLOAD_MS + DELAY_MS, 2 * (UPLOAD_MS + DELAY_MS)]);
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
      expect(notifiedPlans[aDone]).toMatchObject({
        mode: 'sequential',
        nextStartAt: T0 + UPLOAD_MS + DELAY_MS,
        waitingOn: 'pace',
        itemId: 'b',
      });
      expect(plans.at(-1)).toMatchObject({ nextStartAt: null, waitingOn: 'nothing' });
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
        attemptLog: [{ startedAt: T0, finishedAt: T0 + UPLOAD_MS, result: 'ok', httpStatus: 200 }],
      });
      expect(await store.getBlob('a')).toBeUndefined();
    });
  });

  describe('staggered', () => {
    it('starts item k at k intervals whether or not earlier ones finished; the cap holds a third start', async () => {
      const interval = 5_000;
      const slow = 12_000;
      const { store, runner, requestTimes, plans } = await setUp(
        { mode: 'staggered', delayMs: interval, concurrency: 2 },
        () => ({ afterMs: slow }),
      );
      await enqueue(store, ['a', 'b', 'c', 'd']);
      await runner.pump();
      await run(interval + 100);
      // b started while a was still uploading: overlap is the point of staggering.
      expect(requestTimes()).toEqual([0, interval]);
      await run(interval);
      // c was due at 10 s, but two are in flight: it waits for a slot.
      expect(requestTimes()).toEqual([0, interval]);
      expect(plans.at(-1)).toMatchObject({ waitingOn: 'slot', inFlight: 2, itemId: 'c' });
      await run(30_000);
      // a finished at 12 s and freed a slot; d keeps a full interval after c.
      expect(requestTimes()).toEqual([0, interval, slow, slow + interval]);
      expect((await store.list()).map((item) => item.status)).toEqual(['done', 'done', 'done', 'done']);
    });

    it('reports each completion on its own, the moment it happens', async () => {
      const { store, runner, events } = await setUp({ mode: 'staggered', delayMs: 1_000 }, (_, count) => ({
        afterMs: count === 1 ? 5_000 : 500,
      }));
      await enqueue(store, ['a', 'b']);
      await runner.pump();
      await run(6_000);
      const doneAt = (id: string) => events.find((event) => event.what === `${id} done`)?.at;
      // b, started second but quicker, is shown done first, at its own finish.
      expect(doneAt('b')).toBe(1_500);
      expect(doneAt('a')).toBe(5_000);
    });
  });

  describe('adaptive', () => {
    /** A server that resets an upload arriving while `limit` are being received; each upload takes 200 ms. */
    function fragileServer(limit: number) {
      const ends: number[] = [];
      const resets: number[] = [];
      const reply = (): Reply => {
        const now = Date.now();
        if (ends.filter((end) => end > now).length >= limit) {
          resets.push(now - T0);
          return { afterMs: 10, error: new TypeError('Failed to fetch') };
        }
        ends.push(now + 200);
        return { afterMs: 200 };
      };
      const mostInFlight = (from: number) => {
        let most = 0;
        for (const start of ends.map((end) => end - 200).filter((start) => start - T0 >= from)) {
          most = Math.max(most, ends.filter((end) => end - 200 <= start && end > start).length);
        }
        return most;
      };
      return { reply, resets, mostInFlight };
    }

    it('probes up while clean, backs off once at a reset, resends it at once, and remembers the level', async () => {
      const server = fragileServer(1);
      const remembered: Record<string, HeldLevel> = {};
      const { store, runner, requestKeys, events } = await setUp(
        { mode: 'adaptive', adaptiveFloorMs: 0, concurrency: 4, maxRetries: 1 },
        server.reply,
        true,
        remembered,
      );
      await enqueue(store, ['a', 'b', 'c', 'd', 'e', 'f']);
      await runner.pump();
      await run(10_000, 10);
      expect((await store.list()).map((item) => item.status)).toEqual(Array(6).fill('done'));
      // One probe beyond the server's limit, then never again.
      expect(server.resets).toHaveLength(1);
      expect(server.mostInFlight((server.resets[0] as number) + 10)).toBe(1);
      // The reset item went again as soon as a slot was free, not after the usual minimum retry wait.
      const resetKey = requestKeys().find((key, index) => requestKeys().indexOf(key) !== index) as string;
      const resent = events.filter((event) => event.what === `request ${resetKey}`).map((event) => event.at);
      expect((resent[1] as number) - (resent[0] as number)).toBeLessThan(MIN_RETRY_WAIT_MS);
      expect(remembered['destination-1']?.state).toMatchObject({ ceiling: 1, concurrency: 1 });

      // The next batch starts at the remembered level: no probe, no reset.
      await enqueue(store, ['g', 'h', 'i', 'j']);
      await runner.pump();
      await run(10_000, 10);
      expect(server.resets).toHaveLength(1);
      expect((await store.list()).filter((item) => item.status === 'done')).toHaveLength(10);
    });

    it('without a reset, grows to the cap and the plan shows it', async () => {
      const server = fragileServer(99);
      const { store, runner, plans } = await setUp(
        { mode: 'adaptive', adaptiveFloorMs: 0, concurrency: 2, maxRetries: 0 },
        server.reply,
      );
      await enqueue(store, ['a', 'b', 'c', 'd', 'e']);
      await runner.pump();
      await run(5_000, 10);
      expect(server.resets).toHaveLength(0);
      expect(server.mostInFlight(0)).toBe(2);
      expect(plans.filter((plan) => plan.mode === 'adaptive').map((plan) => plan.concurrency)).toContain(2);
      expect(plans.find((plan) => plan.mode === 'adaptive')?.concurrency).toBe(1);
    });
  });

  describe('retry, only as the last resort', () => {
    it('a reset is retried once, with the same key, no sooner than twice the gap, and then succeeds', async () => {
      const { store, runner, requestKeys, requestTimes, notified } = await setUp({}, (_, count) =>
        count === 1 ? { error: new TypeError('Failed to fetch') } : {},
      );
      await enqueue(store, ['a']);
      await runner.pump();
      await tick(UPLOAD_MS);
      expect(await store.get('a')).toMatchObject({
        status: 'queued',
        failureKind: 'reset',
        error: 'Network error (connection failed or reset): Failed to fetch',
        retryAt: T0 + UPLOAD_MS + 2 * DELAY_MS,
        autoRetries: 1,
      });
      await tick(2 * DELAY_MS - 1);
      expect(requestKeys()).toEqual(['key-a']);
      await tick(1);
      await tick(UPLOAD_MS);
      expect(requestKeys()).toEqual(['key-a', 'key-a']);
      expect(requestTimes()).toEqual([0, UPLOAD_MS + 2 * DELAY_MS]);
      expect(await store.get('a')).toMatchObject({
        status: 'done',
        attempts: 2,
        error: undefined,
        failureKind: undefined,
      });
      // The row was told about the waiting retry.
      expect(notified.some((item) => item.id === 'a' && item.status === 'queued' && item.retryAt !== undefined)).toBe(
        true,
      );
    });

    it('at most one automatic retry by default: a second reset fails the item, named', async () => {
      const { store, runner, requests } = await setUp({}, () => ({ error: new TypeError('Failed to fetch') }));
      await enqueue(store, ['a']);
      await runner.pump();
      await run(5 * DELAY_MS, 1_000);
      expect(requests).toHaveLength(2);
      expect(await store.get('a')).toMatchObject({ status: 'failed', failureKind: 'reset', autoRetries: 1 });
      expect(await store.getBlob('a')).toBeDefined();
    });

    it.each([0, 1, 2, 3])(
      'with %i retries allowed, a server that keeps failing gets that many more tries',
      async (maxRetries) => {
        const { store, runner, requests } = await setUp({ maxRetries, delayMs: 1_000 }, () => ({
          response: status(502),
        }));
        await enqueue(store, ['a']);
        await runner.pump();
        await run(60_000, 500);
        expect(requests).toHaveLength(1 + maxRetries);
        expect((await store.get('a'))?.status).toBe('failed');
      },
    );

    it.each([400, 401, 403, 404, 413, 422])(
      'a %i is not retried, and the next item goes on at the same pace',
      async (code) => {
        const { store, runner, requestKeys } = await setUp({}, (request) =>
          request.headers.get('idempotency-key') === 'key-a' ? { response: status(code, 'bad request') } : {},
        );
        await enqueue(store, ['a', 'b']);
        await runner.pump();
        await tick(UPLOAD_MS);
        await tick(DELAY_MS);
        await tick(UPLOAD_MS);
        await run(3 * DELAY_MS, 1_000);
        expect(requestKeys()).toEqual(['key-a', 'key-b']);
        expect(await store.get('a')).toMatchObject({
          status: 'failed',
          failureKind: 'http',
          httpStatus: code,
          error: `HTTP ${code}: bad request`,
        });
        expect(await store.getBlob('a')).toBeDefined();
        expect((await store.get('b'))?.status).toBe('done');
      },
    );

    it('a waiting retry holds no slot: the next item starts while it waits', async () => {
      const { store, runner, requestKeys } = await setUp({ delayMs: 2_000 }, (_, count) =>
        count === 1 ? { response: status(500) } : {},
      );
      await enqueue(store, ['a', 'b']);
      await runner.pump();
      await tick(UPLOAD_MS);
      await tick(2_000);
      await tick(UPLOAD_MS);
      // b went at the normal pace; a's retry waits for 2 x 2 s after its failure.
      expect(requestKeys()).toEqual(['key-a', 'key-b']);
      await run(5_000);
      expect(requestKeys()).toEqual(['key-a', 'key-b', 'key-a']);
    });

    it('a stalled reply times out and counts as a failure that may be retried', async () => {
      const { store, runner, requests } = await setUp({ maxRetries: 0 }, () => ({ afterMs: 10 * UPLOAD_TIMEOUT_MS }));
      await enqueue(store, ['a']);
      await runner.pump();
      await tick(UPLOAD_TIMEOUT_MS - 1);
      expect((await store.get('a'))?.status).toBe('uploading');
      await tick(1);
      expect(await store.get('a')).toMatchObject({ status: 'failed', failureKind: 'timeout' });
      expect(requests[0]?.signal.aborted).toBe(true);
    });

    it('a reply that never finishes: named after the reply timeout (a user setting), retried as a timeout', async () => {
      const { store, runner, requests } = await setUp({ maxRetries: 1, delayMs: 1_000, replyTimeoutMs: 3_000 }, () => ({
        response: () => dripping(['{"url":'], 'never'),
      }));
      await enqueue(store, ['a']);
      await runner.pump();
      await tick(UPLOAD_MS + 3_000 - 1);
      expect((await store.get('a'))?.status).toBe('uploading');
      await tick(1);
      expect(await store.get('a')).toMatchObject({
        status: 'queued',
        failureKind: 'timeout',
        problem: 'reply-never-finished',
        excerpt: '{"url":',
        error: 'Reply never finished: HTTP 200, then nothing more within 3 s',
      });
      await run(30_000, 500);
      expect(requests).toHaveLength(2);
      expect(await store.get('a')).toMatchObject({ status: 'failed', autoRetries: 1, attempts: 2 });
    });

    it.each([
      {
        case: 'a connection closed mid-reply',
        response: () => dripping(['{"url":"https://cdn'], 'error'),
        problem: 'closed-mid-reply',
        excerpt: '{"url":"https://cdn',
      },
      {
        case: 'a 50 MB reply',
        response: () => new Response(new Blob([new Uint8Array(50 * 1024 * 1024).fill(0x61)])),
        problem: 'reply-too-large',
        excerpt: 'a'.repeat(300),
      },
    ])('$case: named, the excerpt kept, never retried by itself (the upload probably landed)', async (hostile) => {
      const { store, runner, requests } = await setUp({ maxRetries: 3, delayMs: 1_000 }, () => ({
        response: hostile.response,
      }));
      await enqueue(store, ['a']);
      await runner.pump();
      await run(30_000, 500);
      expect(requests).toHaveLength(1);
      expect(await store.get('a')).toMatchObject({
        status: 'failed',
        failureKind: 'unreadable',
        problem: hostile.problem,
        excerpt: hostile.excerpt,
        httpStatus: 200,
      });
    });

    it('a retry by hand clears the named problem and its excerpt', async () => {
      const { store, runner } = await setUp({ maxRetries: 0 }, (_, count) => ({
        response: count === 1 ? status(401, 'token expired') : okReply,
      }));
      await enqueue(store, ['a']);
      await runner.pump();
      await run(2_000);
      expect(await store.get('a')).toMatchObject({
        status: 'failed',
        problem: 'sign-in-required',
        excerpt: 'token expired',
      });
      await runner.control({ kind: 'retry', itemId: 'a' });
      await run(DELAY_MS + 2_000, 500);
      const done = await store.get('a');
      expect(done?.status).toBe('done');
      expect([done?.problem, done?.excerpt]).toEqual([undefined, undefined]);
    });
  });

  describe('per destination', () => {
    const OWN = { mode: 'sequential', delayMs: 2_000, concurrency: 1, adaptiveFloorMs: 500, maxRetries: 0 } as const;
    /** a-items go to a destination with its own pace (OWN); b-items follow the global settings. */
    async function enqueueTwoDestinations(store: QueueStore, ids: string[]): Promise<void> {
      for (const id of ids) {
        const own = id.startsWith('a');
        await store.add(
          withoutSeq(
            makeQueueItem({
              id,
              idempotencyKey: `key-${id}`,
              destinationKey: own ? 'own' : 'global',
              destination: makeSnapshot({ pacing: own ? OWN : null }),
            }),
          ),
          new Blob([id], { type: 'image/jpeg' }),
        );
      }
    }

    it("each destination's items go at its own pace, counted from its own finishes", async () => {
      const { store, runner, requests, requestTimes } = await setUp();
      await enqueueTwoDestinations(store, ['a1', 'b1', 'a2', 'b2', 'a3']);
      await runner.pump();
      await run(2 * (UPLOAD_MS + DELAY_MS), 100);
      const keys = requests.map((request) => request.headers.get('idempotency-key'));
      expect(keys).toEqual(['key-a1', 'key-b1', 'key-a2', 'key-a3', 'key-b2']);
      // The own destination: 2 s after each of its finishes; the other: the global 20 s, from its own finish.
      expect(requestTimes()).toEqual([0, 0, UPLOAD_MS + 2_000, 2 * (UPLOAD_MS + 2_000), UPLOAD_MS + DELAY_MS]);
    });

    it("retries follow the item's destination: none where it allows none, one where the global setting allows one", async () => {
      const { store, runner, requestKeys } = await setUp({ maxRetries: 1 }, () => ({ response: status(502) }));
      await enqueueTwoDestinations(store, ['a1', 'b1']);
      await runner.pump();
      await run(5 * (UPLOAD_MS + DELAY_MS), 500);
      expect(requestKeys()).toEqual(['key-a1', 'key-b1', 'key-b1']);
      expect(await store.get('a1')).toMatchObject({ status: 'failed', autoRetries: 0 });
      expect(await store.get('b1')).toMatchObject({ status: 'failed', autoRetries: 1 });
    });
  });

  describe('Retry-After', () => {
    it.each([
      ['seconds', (now: number) => String((90_000 - (now - T0)) / 1000)],
      ['an HTTP date', () => new Date(T0 + 90_000).toUTCString()],
    ])('a 429 with Retry-After in %s holds every item to that destination until then', async (_, retryAfter) => {
      const { store, runner, requestTimes, plans } = await setUp(
        { mode: 'staggered', delayMs: 1_000, concurrency: 2 },
        (_, count) =>
          count === 1 ? { response: () => status(429, 'slow down', { 'retry-after': retryAfter(Date.now()) })() } : {},
      );
      await enqueue(store, ['a', 'b', 'c']);
      await runner.pump();
      await run(2_000);
      // b started at 1 s (before the 429 arrived); c was due at 2 s but the server said 90 s.
      expect(requestTimes()).toEqual([0, 1_000]);
      const held = plans.at(-1);
      expect(held).toMatchObject({ waitingOn: 'server', serverHoldUntil: T0 + 90_000, nextStartAt: T0 + 90_000 });
      await run(88_000 - 1, 1_000);
      expect(requestTimes()).toEqual([0, 1_000]);
      await run(60_000, 500);
      const later = requestTimes().slice(2);
      expect(later.length).toBe(2);
      expect(Math.min(...later)).toBeGreaterThanOrEqual(90_000);
      expect(await store.get('a')).toMatchObject({ status: 'done', autoRetries: 1 });
    });

    it('a 503 with Retry-After pauses the destination even when the item is out of retries', async () => {
      const { store, runner, requestTimes } = await setUp({ maxRetries: 0, delayMs: 1_000 }, (_, count) =>
        count === 1 ? { response: status(503, '', { 'retry-after': '30' }) } : {},
      );
      await enqueue(store, ['a', 'b']);
      await runner.pump();
      await run(40_000, 500);
      expect(requestTimes()).toEqual([0, UPLOAD_MS + 30_000]);
      expect((await store.get('a'))?.status).toBe('failed');
    });
  });

  describe('control', () => {
    it('pause stops new starts, the upload in flight finishes; resume goes on at the pace', async () => {
      const { store, runner, requestTimes, pending, plans } = await setUp({ delayMs: 2_000 });
      await enqueue(store, ['a', 'b']);
      await runner.pump();
      await tick(UPLOAD_MS / 2);
      await runner.control({ kind: 'pause' });
      await tick(UPLOAD_MS / 2);
      expect((await store.get('a'))?.status).toBe('done');
      await run(60_000, 1_000);
      expect(requestTimes()).toEqual([0]);
      expect(plans.at(-1)).toMatchObject({ paused: true, waitingOn: 'paused' });
      // Nothing in flight and paused: the worker may sleep.
      expect(pending.at(-1)).toBe(false);
      await runner.control({ kind: 'resume' });
      await tick(UPLOAD_MS);
      expect(requestTimes()).toEqual([0, 61_000]);
    });

    it('cancel one queued item: it never starts and its bytes are dropped', async () => {
      const { store, runner, requestKeys } = await setUp({ delayMs: 1_000 });
      await enqueue(store, ['a', 'b', 'c']);
      await runner.pump();
      await runner.control({ kind: 'cancel', itemId: 'b' });
      await run(10_000);
      expect(requestKeys()).toEqual(['key-a', 'key-c']);
      expect((await store.get('b'))?.status).toBe('cancelled');
      expect(await store.getBlob('b')).toBeUndefined();
    });

    it('cancel an upload in flight aborts its request', async () => {
      const { store, runner, requests } = await setUp({ delayMs: 1_000 }, () => ({ afterMs: 60_000 }));
      await enqueue(store, ['a', 'b']);
      await runner.pump();
      await tick(100);
      await runner.control({ kind: 'cancel', itemId: 'a' });
      await settle();
      expect(requests[0]?.signal.aborted).toBe(true);
      expect(await store.get('a')).toMatchObject({ status: 'cancelled', failureKind: 'cancelled' });
      // A cancel is not a failure to retry; the queue goes on.
      await tick(1_000);
      expect(requests.map((request) => request.headers.get('idempotency-key'))).toEqual(['key-a', 'key-b']);
    });

    it('cancel all: in flight aborted, queued and waiting retries dropped', async () => {
      const { store, runner, requests } = await setUp({ mode: 'staggered', delayMs: 1_000 }, (_, count) =>
        count === 1 ? { response: status(503) } : { afterMs: 60_000 },
      );
      await enqueue(store, ['a', 'b', 'c', 'd']);
      await runner.pump();
      await run(1_500);
      expect((await store.get('a'))?.status).toBe('queued'); // waiting to retry
      await runner.control({ kind: 'cancel-all' });
      await run(120_000, 2_000);
      expect(requests).toHaveLength(2);
      expect((await store.list()).map((item) => item.status)).toEqual([
        'cancelled',
        'cancelled',
        'cancelled',
        'cancelled',
      ]);
    });

    it('retry one failed item by hand: it goes again with the same key and a fresh retry allowance', async () => {
      const { store, runner, requestKeys } = await setUp({ delayMs: 1_000 }, (_, count) =>
        count === 1 ? { response: status(400) } : {},
      );
      await enqueue(store, ['a']);
      await runner.pump();
      await tick(UPLOAD_MS);
      expect((await store.get('a'))?.status).toBe('failed');
      await runner.control({ kind: 'retry', itemId: 'a' });
      await run(3_000);
      expect(requestKeys()).toEqual(['key-a', 'key-a']);
      expect(await store.get('a')).toMatchObject({ status: 'done', autoRetries: 0 });
    });

    it('retry all failed: every failed item goes again, done and cancelled ones do not', async () => {
      const { store, runner, requestKeys } = await setUp({ delayMs: 1_000, maxRetries: 0 }, (request, count) =>
        count <= 3 && request.headers.get('idempotency-key') !== 'key-b' ? { response: status(500) } : {},
      );
      await enqueue(store, ['a', 'b', 'c', 'd']);
      await runner.control({ kind: 'cancel', itemId: 'd' });
      await run(10_000);
      expect((await store.list()).map((item) => item.status)).toEqual(['failed', 'done', 'failed', 'cancelled']);
      await runner.control({ kind: 'retry-failed' });
      await run(10_000);
      expect(requestKeys()).toEqual(['key-a', 'key-b', 'key-c', 'key-a', 'key-c']);
      expect((await store.list()).map((item) => item.status)).toEqual(['done', 'done', 'done', 'cancelled']);
    });
  });

  describe('durability', () => {
    it('on wake, sends an item caught mid-upload again with the same idempotency key, not counted as a retry', async () => {
      const { store, runner, requests } = await setUp();
      await enqueue(store, ['a']);
      await store.update('a', { status: 'uploading', startedAt: Date.now(), attempts: 1 });
      await runner.resume();
      await tick(UPLOAD_MS);
      expect(requests.map((request) => request.headers.get('idempotency-key'))).toEqual(['key-a']);
      expect(await store.get('a')).toMatchObject({ status: 'done', attempts: 2 });
      expect((await store.get('a'))?.autoRetries ?? 0).toBe(0);
    });

    it('a waiting retry and a Retry-After hold survive a new runner (a restarted worker)', async () => {
      const first = await setUp({ delayMs: 1_000 }, () => ({ response: status(429, '', { 'retry-after': '60' }) }));
      await enqueue(first.store, ['a']);
      await first.runner.pump();
      await tick(UPLOAD_MS);
      const retryAt = (await first.store.get('a'))?.retryAt as number;
      expect(retryAt).toBeGreaterThanOrEqual(T0 + UPLOAD_MS + 60_000);
      // The worker dies: its timers go with it. A second runner over the same store is the restarted worker.
      vi.clearAllTimers();
      const requests: number[] = [];
      const second = new QueueRunner(
        makeRunnerEffects(first.store, {
          readPacing: async () => ({ ...DEFAULT_PACE, delayMs: 1_000, paused: false }),
          fetch: async () => {
            requests.push(Date.now());
            return okReply();
          },
        }),
      );
      await second.resume();
      expect(second.plan).toMatchObject({ waitingOn: 'server', nextStartAt: T0 + UPLOAD_MS + 60_000 });
      await run(70_000, 1_000);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toBeGreaterThanOrEqual(retryAt);
    });
  });

  it('names a missing host permission, and does not retry it by itself', async () => {
    const { store, runner, requests } = await setUp(
      { maxRetries: 3 },
      () => ({ error: new TypeError('Failed to fetch') }),
      false,
    );
    await enqueue(store, ['a']);
    await runner.pump();
    await tick(UPLOAD_MS);
    await tick(10 * DELAY_MS);
    expect(requests).toHaveLength(1);
    expect(await store.get('a')).toMatchObject({
      status: 'failed',
      failureKind: 'permission',
      error: `No permission to reach ${new URL(requests[0]?.url as string).origin}`,
    });
  });

  it('names a connection failure', async () => {
    const { store, runner } = await setUp({ maxRetries: 0 }, () => ({ error: new TypeError('Failed to fetch') }));
    await enqueue(store, ['a']);
    await runner.pump();
    await tick(UPLOAD_MS);
    expect((await store.get('a'))?.error).toBe('Network error (connection failed or reset): Failed to fetch');
  });

  it('asks to stay awake only while work is pending', async () => {
    const { store, runner, pending } = await setUp();
    await enqueue(store, ['a']);
    await runner.pump();
    expect(pending.at(-1)).toBe(true);
    await tick(UPLOAD_MS);
    expect(pending.at(-1)).toBe(false);
  });

  it('never retries sooner than the minimum, even with no delay', async () => {
    const { store, runner, requestTimes } = await setUp({ delayMs: 0 }, (_, count) =>
      count === 1 ? { response: status(503) } : {},
    );
    await enqueue(store, ['a']);
    await runner.pump();
    await run(5_000);
    expect(requestTimes()).toEqual([0, UPLOAD_MS + MIN_RETRY_WAIT_MS]);
  });
});
