import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GlobalPace } from '@/utils/pacing/destination-pace';
import { DEFAULT_PACE } from '@/utils/pacing/pace';
import { BODY_LIMIT_WAIT_MS } from '@/utils/pacing/rate-limit';
import { type QuotaReading, quotaState } from '@/utils/pacing/rate-limit-quota';
import { QueueRunner } from '@/utils/queue/runner';
import { adaptiveFor, isQuotaRefusal } from '@/utils/queue/scheduler';
import { openQueueStore, type QueueStore } from '@/utils/queue/store';
import type { AttemptRecord, QueuePlan } from '@/utils/queue/types';
import { makeSnapshot } from '../factories/destination';
import { tick } from '../factories/fake-clock';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';
import { makeRunnerEffects, okReply } from '../factories/runner-effects';

// A real epoch time: one header style gives its reset as epoch seconds.
const T0 = 1_700_000_000_000;
const UPLOAD_MS = 100;

/** Moves the fake clock in small steps, so every timer fires at its own time and the store keeps up. */
async function run(ms: number, step = 100): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) await tick(Math.min(step, ms - elapsed));
}

type HeaderStyle = 'ietf' | 'ratelimit-fields' | 'x-ratelimit' | 'x-ratelimit-epoch' | 'imgur';

/**
 * A server with a fixed-window quota, as hosts keep one: it counts each
 * request when it arrives, answers 429 past the limit, and says what is left
 * in the header style given (reset in whole seconds, rounded up, as they do).
 */
function quotaServer(style: HeaderStyle, limit: number, windowMs: number) {
  let windowStart = T0;
  let used = 0;
  const arrivals: { at: number; status: number }[] = [];
  const answer = () => {
    const now = Date.now();
    while (now >= windowStart + windowMs) {
      windowStart += windowMs;
      used = 0;
    }
    used += 1;
    const remaining = Math.max(0, limit - used);
    const resetSeconds = Math.ceil((windowStart + windowMs - now) / 1000);
    const status = used > limit ? 429 : 200;
    arrivals.push({ at: now - T0, status });
    const values: Record<string, string> = {
      ietf: {
        'RateLimit-Policy': `"default";q=${limit};w=${windowMs / 1000}`,
        RateLimit: `"default";r=${remaining};t=${resetSeconds}`,
      },
      'ratelimit-fields': {
        'RateLimit-Limit': String(limit),
        'RateLimit-Remaining': String(remaining),
        'RateLimit-Reset': String(resetSeconds),
      },
      'x-ratelimit': {
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': String(remaining),
        'X-RateLimit-Reset': String(resetSeconds),
      },
      'x-ratelimit-epoch': {
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': String(remaining),
        'X-RateLimit-Reset': String(Math.ceil((windowStart + windowMs) / 1000)),
      },
      imgur: {
        'X-Post-Rate-Limit-Limit': String(limit),
        'X-Post-Rate-Limit-Remaining': String(remaining),
        'X-Post-Rate-Limit-Reset': String(resetSeconds),
      },
    }[style];
    const body = status === 200 ? JSON.stringify({ url: 'https://cdn.example/x.jpg' }) : '{"error":"too many"}';
    return () => new Response(body, { status, headers: { 'content-type': 'application/json', ...values } });
  };
  return { answer, arrivals };
}

interface Setup {
  settings?: Partial<GlobalPace>;
  /** Answers the request (called when it arrives). */
  reply: () => () => Response;
  /** The readings "storage" (local:rateLimitReadings); shared by two runners to play a restart. */
  memory?: Record<string, QuotaReading>;
  store?: QueueStore;
}

async function setUp({ settings = {}, reply, memory = {}, store: given }: Setup) {
  const store = given ?? (await openQueueStore(`rate-${crypto.randomUUID()}`));
  const pacing: GlobalPace = { ...DEFAULT_PACE, paused: false, ...settings };
  const plans: QueuePlan[] = [];
  const runner = new QueueRunner(
    makeRunnerEffects(store, {
      readPacing: async () => ({ ...pacing }),
      async fetch(request) {
        const response = reply();
        await new Promise((resolve) => setTimeout(resolve, UPLOAD_MS));
        void request;
        return response();
      },
      notify: (_, plan) => plans.push(plan),
      onPlanChange: (plan) => plans.push(plan),
      rateLimitMemory: {
        read: async () => structuredClone(memory),
        async remember(destinationKey, reading) {
          memory[destinationKey] = structuredClone(reading);
        },
      },
    }),
  );
  return { store, runner, plans, memory };
}

async function enqueue(store: QueueStore, ids: string[], rateLimit?: { headerPrefix: string; bodyPattern: string }) {
  for (const id of ids) {
    await store.add(
      withoutSeq(makeQueueItem({ id, idempotencyKey: `key-${id}`, destination: makeSnapshot({ rateLimit }) })),
      new Blob([id], { type: 'image/jpeg' }),
    );
  }
}

/** Requests that arrived in each server window, by window number. */
function perWindow(arrivals: { at: number }[], windowMs: number): number[] {
  const counts: number[] = [];
  for (const { at } of arrivals) {
    const index = Math.floor(at / windowMs);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts.map((count) => count ?? 0);
}

describe('the quota, pure', () => {
  const reading: QuotaReading = {
    source: 'x-ratelimit',
    remaining: 2,
    resetAt: 10_000,
    startedAt: 0,
    answeredAt: 100,
  };

  it('counts every request not answered before the reading, in flight included; never below zero', () => {
    // Answered before the reading: the server counted it already.
    expect(
      quotaState(
        reading,
        [
          { startedAt: 0, finishedAt: 100 },
          { startedAt: 0, finishedAt: 50 },
        ],
        200,
      ),
    ).toMatchObject({ left: 2 });
    // In flight across the reading: it may be counted after; so it counts.
    expect(quotaState(reading, [{ startedAt: 0, finishedAt: 100 }, { startedAt: 50 }], 200)).toMatchObject({ left: 1 });
    const spent = quotaState(
      reading,
      [{ startedAt: 0, finishedAt: 100 }, { startedAt: 300 }, { startedAt: 600, finishedAt: 700 }, { startedAt: 900 }],
      1_000,
    );
    expect(spent).toMatchObject({ left: 0, nextAt: 10_000 });
  });

  it('spreads what is left evenly up to the reset, and holds nothing once the window is over', () => {
    expect(quotaState(reading, [{ startedAt: 0, finishedAt: 100 }], 200)?.nextAt).toBe(Math.ceil(10_000 / 3));
    expect(
      quotaState(
        reading,
        [
          { startedAt: 0, finishedAt: 100 },
          { startedAt: 4_000, finishedAt: 4_100 },
        ],
        4_200,
      )?.nextAt,
    ).toBe(4_000 + 3_000);
    expect(quotaState(reading, [], 10_000)).toBeUndefined();
  });

  it('a refusal for the quota is no overload sign: the adaptive pace sets no ceiling for it', () => {
    const refusal: AttemptRecord = {
      startedAt: 0,
      finishedAt: 100,
      result: 'http',
      httpStatus: 429,
      rateLimit: { source: 'ietf', remaining: 0, resetAt: 60_000 },
    };
    const overload: AttemptRecord = { startedAt: 0, finishedAt: 100, result: 'http', httpStatus: 429 };
    expect(isQuotaRefusal(refusal)).toBe(true);
    expect(isQuotaRefusal(overload)).toBe(false);
    const policy = {
      mode: 'adaptive' as const,
      delayMs: 0,
      concurrency: 4,
      adaptive: { startGapMs: 2_000, maxGapMs: 60_000, floorMs: 0 },
    };
    const items = (attempt: AttemptRecord) =>
      ['a', 'b'].map((id, index) =>
        makeQueueItem({
          id,
          status: 'done',
          attemptLog: [{ ...attempt, startedAt: index * 10, finishedAt: 100 + index }],
        }),
      );
    expect(adaptiveFor(items(overload), 'destination-1', policy).state.gapFloorMs).toBeGreaterThan(0);
    expect(adaptiveFor(items(refusal), 'destination-1', policy).state).toMatchObject({ ceiling: null, gapFloorMs: 0 });
  });
});

describe('the runner keeps to the quota (fake clock, real store logic)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each<HeaderStyle>(['ietf', 'ratelimit-fields', 'x-ratelimit', 'x-ratelimit-epoch', 'imgur'])(
    '%s: never past the quota, the rest spread over the window (5 per 10 s, 12 items, no delay of its own)',
    async (style) => {
      const server = quotaServer(style, 5, 10_000);
      const { store, runner } = await setUp({ settings: { delayMs: 0 }, reply: server.answer });
      await enqueue(
        store,
        Array.from({ length: 12 }, (_, index) => `i${index}`),
      );
      await runner.pump();
      await run(40_000, 250);
      // Never a 429: the quota never went below zero.
      expect(server.arrivals.filter((arrival) => arrival.status === 429)).toEqual([]);
      expect(perWindow(server.arrivals, 10_000).every((count) => count <= 5)).toBe(true);
      expect((await store.list()).every((item) => item.status === 'done')).toBe(true);
      // Spread, not a burst at the window's start: no two starts closer than a share of the window.
      const gaps = server.arrivals
        .slice(1)
        .map((arrival, index) => arrival.at - (server.arrivals[index] as { at: number }).at);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
      // And not slower than the quota allows: 12 items fit in three windows.
      expect((server.arrivals.at(-1) as { at: number }).at).toBeLessThan(30_000);
    },
  );

  it('staggered with uploads in flight: those in flight count, so the quota never goes below zero', async () => {
    const server = quotaServer('x-ratelimit', 4, 10_000);
    const { store, runner, plans } = await setUp({
      settings: { mode: 'staggered', delayMs: 0, concurrency: 3 },
      reply: server.answer,
    });
    await enqueue(store, ['a', 'b', 'c', 'd', 'e', 'f']);
    await runner.pump();
    await run(1_000);
    // Three went blind (no reading yet); the fourth waits for a share of what is left.
    expect(server.arrivals.length).toBe(3);
    expect(plans.at(-1)).toMatchObject({ waitingOn: 'quota', quota: { source: 'x-ratelimit', left: 1, limit: 4 } });
    await run(30_000, 250);
    expect(server.arrivals.filter((arrival) => arrival.status === 429)).toEqual([]);
    expect(perWindow(server.arrivals, 10_000)).toEqual([4, 2]);
    expect((await store.list()).every((item) => item.status === 'done')).toBe(true);
  });

  it('a 200 whose body says "rate limited" is not done: the item waits and is sent again, not counted as a retry', async () => {
    let count = 0;
    const { store, runner, plans } = await setUp({
      settings: { delayMs: 0, maxRetries: 0 },
      reply: () => {
        count += 1;
        return count === 1 ? () => new Response('{"ratelimited": true}', { status: 200 }) : okReply;
      },
    });
    await enqueue(store, ['a'], { headerPrefix: '', bodyPattern: 'json:ratelimited' });
    await runner.pump();
    await run(1_000);
    expect(await store.get('a')).toMatchObject({ status: 'queued', problem: 'rate-limited', autoRetries: 0 });
    expect(plans.at(-1)).toMatchObject({ waitingOn: 'quota', quota: { source: 'body', left: 0 } });
    await run(BODY_LIMIT_WAIT_MS - 1_000 - UPLOAD_MS - 1, 500);
    expect(count).toBe(1);
    await run(1_000);
    expect(count).toBe(2);
    expect(await store.get('a')).toMatchObject({
      status: 'done',
      autoRetries: 0,
      resultUrl: 'https://cdn.example/x.jpg',
    });
  });

  it("a 429's plain Retry-After of an hour is kept per destination too: a cleared list and a new runner still wait", async () => {
    let count = 0;
    const memory: Record<string, QuotaReading> = {};
    const reply = () => {
      count += 1;
      return count === 1
        ? () => new Response('slow down', { status: 429, headers: { 'retry-after': '3600' } })
        : okReply;
    };
    const first = await setUp({ settings: { maxRetries: 0 }, reply, memory });
    await enqueue(first.store, ['a']);
    await first.runner.pump();
    await run(1_000);
    expect(await first.store.get('a')).toMatchObject({ status: 'failed', httpStatus: 429 });
    expect(memory['destination-1']).toMatchObject({ source: 'retry-after', resetAt: T0 + UPLOAD_MS + 3_600_000 });
    await first.store.clearFinished();
    const second = await setUp({ reply, memory, store: first.store });
    await enqueue(second.store, ['b']);
    await second.runner.resume();
    await run(1_000);
    expect(second.plans.at(-1)).toMatchObject({ waitingOn: 'quota', quota: { source: 'retry-after' } });
    await tick(3_600_000 - 2_000);
    expect(count).toBe(1);
    await run(2_000);
    expect(count).toBe(2);
    expect(await second.store.get('b')).toMatchObject({ status: 'done' });
  });

  it('an hour-long hold outlives the items and a restarted runner: the next batch waits for it', async () => {
    const server = quotaServer('imgur', 50, 3_600_000);
    // The host's quota is nearly spent: 49 uploads earlier in this hour (another client, say).
    for (let index = 0; index < 49; index += 1) server.answer();
    const memory: Record<string, QuotaReading> = {};
    const first = await setUp({ reply: server.answer, memory });
    await enqueue(first.store, ['a']);
    await first.runner.pump();
    await run(1_000);
    expect(await first.store.get('a')).toMatchObject({ status: 'done' });
    expect(memory['destination-1']).toMatchObject({ source: 'host', remaining: 0, limit: 50 });
    // The list is cleared and the worker restarts: only storage remembers the hold.
    await first.store.clearFinished();
    const second = await setUp({ reply: server.answer, memory, store: first.store });
    await enqueue(second.store, ['b']);
    await second.runner.resume();
    await run(1_000);
    expect(second.plans.at(-1)).toMatchObject({
      waitingOn: 'quota',
      nextStartAt: T0 + UPLOAD_MS + 3_600_000,
      quota: { source: 'host', left: 0, limit: 50, windowMs: 3_600_000 },
    });
    await tick(3_600_000 - 2_000);
    expect(server.arrivals.length).toBe(50);
    await run(2_000);
    expect(server.arrivals.length).toBe(51);
    expect(server.arrivals.every((arrival) => arrival.status === 200)).toBe(true);
    expect(await second.store.get('b')).toMatchObject({ status: 'done' });
  });
});
