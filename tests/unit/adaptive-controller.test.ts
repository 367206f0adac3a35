import { describe, expect, it } from 'vitest';
import {
  type AdaptiveLevel,
  type AdaptiveParams,
  type AttemptSample,
  adaptiveLevel,
  destinationTarget,
  HELD_LEVEL_TTL_MS,
  type HeldLevel,
  heldLevelApplies,
  MIN_BACKOFF_GAP_MS,
} from '@/utils/pacing/adaptive-controller';

const PARAMS: AdaptiveParams = { startGapMs: 2_000, floorMs: 0, cap: 6, maxGapMs: 300_000 };

/** Compressed sizes like the 14 corpus images (3.43 MB in all), in bytes. */
const BATCH = [420, 180, 150, 60, 300, 250, 220, 90, 330, 280, 310, 200, 400, 240].map((kb) => kb * 1000);

interface Link {
  /** Bytes per second, all uploads together; Infinity for no cap. */
  ingress: number;
  /** The receiver resets an upload that arrives while this many are being received. */
  resetBeyond: number;
  /** From the last body byte to the reply, in ms (the server's own work and the round trip). */
  replyMs: number;
  /** The client's own work between a reply and the next start it allows, in ms. */
  turnaroundMs: number;
}

interface Run {
  wallMs: number;
  resets: number;
  /** The level after each finished attempt. */
  levels: AdaptiveLevel[];
  held: HeldLevel;
}

/**
 * A link in simulated time: uploads share the ingress equally while their
 * bodies are read; one that arrives while `resetBeyond` are read is reset;
 * the reply comes `replyMs` after the last byte, when the server already
 * counts the upload as done. The client follows the controller the way the
 * scheduler does (starts at least the gap apart, at most the concurrency in
 * flight) and sends a reset item again when its retry is due.
 */
function simulate(link: Link, held?: HeldLevel, sizes = BATCH): Run {
  interface Flight {
    size: number;
    startedAt: number;
    remaining: number;
    /** Set once the body is read (or refused): the reply arrives then. */
    replyAt?: number;
    reset: boolean;
  }
  const queue = sizes.map((size) => ({ size, retryAt: 0 }));
  const attempts: AttemptSample[] = [];
  const flights: Flight[] = [];
  const levels: AdaptiveLevel[] = [];
  let now = 0;
  let lastStart = Number.NEGATIVE_INFINITY;
  let readyAt = 0;
  let resets = 0;
  const decide = () =>
    adaptiveLevel({ attempts, inFlightSince: flights.map((flight) => flight.startedAt), held, params: PARAMS });
  for (let steps = 0; queue.length > 0 || flights.length > 0; steps += 1) {
    if (steps > 100_000) throw new Error('the simulation does not end');
    // Start whatever the controller allows now.
    for (;;) {
      const { level } = decide();
      const next = queue.find((entry) => entry.retryAt <= now);
      if (!next || flights.length >= level.concurrency || now < lastStart + level.gapMs || now < readyAt) break;
      queue.splice(queue.indexOf(next), 1);
      const reading = flights.filter((flight) => flight.replyAt === undefined).length;
      const reset = reading >= link.resetBeyond;
      flights.push({
        size: next.size,
        startedAt: now,
        remaining: reset ? 0 : next.size,
        replyAt: reset ? now + link.replyMs : undefined,
        reset,
      });
      lastStart = now;
    }
    // The next event: a body read in full, a reply, or a start the pace or a retry allows.
    const reading = flights.filter((flight) => flight.replyAt === undefined);
    const share = link.ingress / Math.max(1, reading.length);
    const candidates: number[] = [];
    for (const flight of flights) {
      candidates.push(flight.replyAt ?? now + (flight.remaining / share) * 1000);
    }
    const { level } = decide();
    if (queue.length > 0 && flights.length < level.concurrency) {
      const due = Math.min(...queue.map((entry) => entry.retryAt));
      candidates.push(Math.max(lastStart + level.gapMs, readyAt, due));
    }
    const at = Math.max(now, Math.min(...candidates));
    // Uncapped: a body is read the moment it is sent.
    for (const flight of reading)
      flight.remaining -= Number.isFinite(share) ? (share * (at - now)) / 1000 : flight.remaining;
    now = at;
    for (const flight of reading) {
      if (flight.remaining <= 1e-6) flight.replyAt = now + link.replyMs;
    }
    for (const flight of flights.filter((candidate) => candidate.replyAt !== undefined && candidate.replyAt <= now)) {
      flights.splice(flights.indexOf(flight), 1);
      attempts.push({
        startedAt: flight.startedAt,
        finishedAt: now,
        result: flight.reset ? 'reset' : 'ok',
        bytes: flight.size,
      });
      readyAt = now + link.turnaroundMs;
      const after = decide();
      levels.push(after.level);
      if (flight.reset) {
        resets += 1;
        // The runner's retry of an attempt the back-off answered: twice the gap, no more.
        queue.unshift({ size: flight.size, retryAt: now + 2 * after.level.gapMs });
      }
    }
  }
  const { state, through } = decide();
  return { wallMs: now, resets, levels, held: { state, through, target: 'T' } };
}

/** What no client can beat: the bytes at the ingress, plus one request's fixed cost for each turn the server allows. */
function floorMs(link: Link, sizes = BATCH): number {
  const bytes = sizes.reduce((total, size) => total + size, 0);
  const perRequest = link.replyMs + link.turnaroundMs;
  return (bytes / link.ingress) * 1000 + Math.ceil(sizes.length / link.resetBeyond) * perRequest;
}

/** The change from each value to the next. */
const steps = (values: readonly number[]) => values.slice(1).map((value, index) => value - (values[index] as number));

const SWEEP = [250_000, 4_000_000, 40_000_000, Number.POSITIVE_INFINITY].flatMap((ingress) =>
  [1, 2].map((resetBeyond) => ({ ingress, resetBeyond, replyMs: 4, turnaroundMs: 10 })),
);
const label = (link: Link) =>
  `${Number.isFinite(link.ingress) ? `${link.ingress / 1000} KB/s` : 'uncapped'}, resets beyond ${link.resetBeyond}`;

describe('adaptive controller on simulated links (the bench sweep)', () => {
  it.each(SWEEP.map((link) => [label(link), link] as const))('%s: converges, backs off at most once', (_, link) => {
    const run = simulate(link);
    const ratio = run.wallMs / floorMs(link);
    expect(ratio).toBeLessThanOrEqual(link.ingress <= 4_000_000 ? 1.3 : 2);
    expect(run.resets).toBeLessThanOrEqual(1);
    // Ends at the concurrency the server takes, never above it.
    const last = run.levels.at(-1) as AdaptiveLevel;
    expect(last.concurrency).toBe(link.resetBeyond);
    expect(last.gapMs).toBe(PARAMS.floorMs);
    // No oscillation: once the concurrency went down, it never moves again.
    const concurrencies = run.levels.map((level) => level.concurrency);
    const firstDrop = steps(concurrencies).findIndex((step) => step < 0);
    if (firstDrop >= 0) expect(new Set(concurrencies.slice(firstDrop + 1)).size).toBe(1);
  });

  it('grows one upload in flight at a time, up to the cap, while more in flight add throughput', () => {
    // A far server: every upload waits 1 s for its reply, which more uploads in flight hide.
    const sameSize = Array.from({ length: 40 }, () => 200_000);
    const run = simulate(
      { ingress: 40_000_000, resetBeyond: 99, replyMs: 1_000, turnaroundMs: 10 },
      undefined,
      sameSize,
    );
    const concurrencies = run.levels.map((level) => level.concurrency);
    expect(concurrencies[0]).toBe(2);
    expect(Math.max(...concurrencies)).toBe(PARAMS.cap);
    expect(Math.max(...steps(concurrencies))).toBeLessThanOrEqual(1);
    expect(run.resets).toBe(0);
  });

  it('a far server: the gap never keeps apart the uploads allowed in flight; only the first goes alone', () => {
    // Uncapped, every reply 100 ms away: two at once halve the time, from the second upload on. With the gap
    // bounded by a whole upload's duration instead, the next few starts came one reply apart (857 ms here).
    const link: Link = { ingress: Number.POSITIVE_INFINITY, resetBeyond: 2, replyMs: 100, turnaroundMs: 1 };
    const run = simulate(link);
    expect(run.resets).toBe(0);
    expect(run.wallMs).toBeLessThanOrEqual(floorMs(link) + link.replyMs + link.turnaroundMs);
  });

  it('stops growing when one more in flight adds no throughput (a full link, a lenient server)', () => {
    const run = simulate({ ingress: 250_000, resetBeyond: 99, replyMs: 4, turnaroundMs: 10 });
    expect(Math.max(...run.levels.map((level) => level.concurrency))).toBe(2);
    expect(run.resets).toBe(0);
  });

  it('halves the gap after each clean upload, never longer than lets the uploads allowed in flight overlap', () => {
    const clean = (startedAt: number, finishedAt: number): AttemptSample => ({
      startedAt,
      finishedAt,
      result: 'ok',
      bytes: 1_000_000,
    });
    const gaps = [
      [],
      [clean(0, 1_500)],
      [clean(0, 1_500), clean(1_500, 3_000)],
      [clean(0, 1_500), clean(1_500, 3_000), clean(3_000, 4_500)],
      [clean(0, 1_500), clean(1_500, 3_000), clean(3_000, 4_500), clean(4_500, 4_560)],
    ].map((attempts) => adaptiveLevel({ attempts, inFlightSince: [], params: PARAMS }).level.gapMs);
    // Two in flight after the first: at most half the last duration (750, then 30 after the 60 ms upload).
    expect(gaps).toEqual([2_000, 750, 375, 187, 30]);
  });
});

describe('adaptive controller: back-off', () => {
  const ok = (startedAt: number, finishedAt: number): AttemptSample => ({
    startedAt,
    finishedAt,
    result: 'ok',
    bytes: 100_000,
  });

  it.each([
    { result: 'reset' },
    { result: 'timeout' },
    { result: 'http', httpStatus: 429 },
    { result: 'http', httpStatus: 503 },
  ])('a $result $httpStatus met by the third upload in flight holds the pace at two', (failure) => {
    const attempts: AttemptSample[] = [
      ok(0, 100),
      ok(100, 200),
      ok(200, 300),
      { startedAt: 250, finishedAt: 260, ...failure },
    ];
    const { level, state } = adaptiveLevel({ attempts, inFlightSince: [210], params: PARAMS });
    expect(state.ceiling).toBe(2);
    expect(level.concurrency).toBe(2);
  });

  it.each([{ result: 'http', httpStatus: 500 }, { result: 'http', httpStatus: 404 }, { result: 'unreadable' }])(
    'a $result $httpStatus says nothing about load',
    (failure) => {
      const before = adaptiveLevel({ attempts: [ok(0, 100)], inFlightSince: [], params: PARAMS });
      const after = adaptiveLevel({
        attempts: [ok(0, 100), { startedAt: 100, finishedAt: 150, ...failure }],
        inFlightSince: [],
        params: PARAMS,
      });
      expect(after.level).toEqual(before.level);
    },
  );

  it('a single upload refused widens the gap instead, and keeps it wide', () => {
    const attempts: AttemptSample[] = [
      ok(0, 100),
      ok(100, 200),
      { startedAt: 200, finishedAt: 210, result: 'http', httpStatus: 429 },
    ];
    const { level } = adaptiveLevel({ attempts, inFlightSince: [], params: PARAMS });
    expect(level).toEqual({ concurrency: 1, gapMs: MIN_BACKOFF_GAP_MS });
    const later = adaptiveLevel({
      attempts: [...attempts, ok(400, 450), ok(700, 750), ok(1_000, 1_050)],
      inFlightSince: [],
      params: PARAMS,
    });
    expect(later.level).toEqual({ concurrency: 1, gapMs: MIN_BACKOFF_GAP_MS });
  });

  it('two resets of one probe back off once, not twice', () => {
    const attempts: AttemptSample[] = [
      ok(0, 100),
      ok(100, 200),
      ok(200, 400),
      { startedAt: 300, finishedAt: 305, result: 'reset' },
      { startedAt: 300, finishedAt: 306, result: 'reset' },
    ];
    const { level } = adaptiveLevel({ attempts, inFlightSince: [250], params: PARAMS });
    // Both met three or four in flight: the ceiling is the lower of their "one fewer".
    expect(level.concurrency).toBe(2);
  });

  it('overlap counts from when each request left, not from the reads before it', () => {
    // a and b read their bytes at the same time, but their requests reached the server one after the other.
    const a: AttemptSample = { startedAt: 0, sentAt: 50, finishedAt: 60, result: 'ok', bytes: 100_000 };
    const b: AttemptSample = { startedAt: 10, sentAt: 65, finishedAt: 75, result: 'ok', bytes: 100_000 };
    const level = (attempts: AttemptSample[]) =>
      adaptiveLevel({ attempts, inFlightSince: [], params: PARAMS }).level.concurrency;
    expect(level([a, b])).toBe(2);
    // Counted from the start of the reads, b seems to prove two in flight, and a third would go.
    expect(level([a, b].map(({ sentAt: _, ...rest }) => rest))).toBe(3);
  });

  it("never goes above the user's cap or below the user's floor", () => {
    const attempts = Array.from({ length: 20 }, (_, index) => ok(index * 10, index * 10 + 5));
    expect(adaptiveLevel({ attempts, inFlightSince: [], params: { ...PARAMS, cap: 2, floorMs: 300 } }).level).toEqual({
      concurrency: 2,
      gapMs: 300,
    });
  });
});

describe('adaptive controller: the remembered level', () => {
  const LINK: Link = { ingress: 4_000_000, resetBeyond: 2, replyMs: 4, turnaroundMs: 10 };

  it('a second batch starts at the level the first found, with no reset, and faster', () => {
    const first = simulate({ ...LINK, ingress: Number.POSITIVE_INFINITY, resetBeyond: 1 });
    expect(first.resets).toBe(1);
    // Stored as JSON, read back.
    const held = JSON.parse(JSON.stringify(first.held)) as HeldLevel;
    const fresh = adaptiveLevel({ attempts: [], inFlightSince: [], held, params: PARAMS });
    expect(fresh.level).toEqual({ concurrency: 1, gapMs: 0 });
    const second = simulate({ ...LINK, ingress: Number.POSITIVE_INFINITY, resetBeyond: 1 }, held);
    expect(second.resets).toBe(0);
  });

  it('a second batch skips the slow start: two in flight from the first start', () => {
    const first = simulate(LINK);
    expect(first.held.state.concurrency).toBe(2);
    const second = simulate(LINK, first.held);
    expect(second.levels.every((level) => level.concurrency === 2)).toBe(true);
    expect(second.wallMs).toBeLessThan(first.wallMs);
  });

  it('attempts already folded into the remembered level are not counted twice', () => {
    const first = simulate(LINK);
    const attempts: AttemptSample[] = [{ startedAt: 0, finishedAt: first.held.through, result: 'reset' }];
    const again = adaptiveLevel({ attempts, inFlightSince: [], held: first.held, params: PARAMS });
    expect(again.state).toEqual(first.held.state);
  });

  it.each([
    {
      case: 'the same destination',
      url: 'https://img.example/upload?key=s3cret',
      method: 'POST',
      age: 0,
      applies: true,
    },
    { case: 'another URL', url: 'https://img.example/upload?key=other', method: 'POST', age: 0, applies: false },
    { case: 'another method', url: 'https://img.example/upload?key=s3cret', method: 'PUT', age: 0, applies: false },
    {
      case: 'a week later',
      url: 'https://img.example/upload?key=s3cret',
      method: 'POST',
      age: HELD_LEVEL_TTL_MS + 1,
      applies: false,
    },
  ])('$case: applies is $applies', ({ url, method, age, applies }) => {
    const held: HeldLevel = {
      state: simulate(LINK).held.state,
      target: destinationTarget({ url: 'https://img.example/upload?key=s3cret', method: 'POST' }),
      through: 1_000,
    };
    expect(heldLevelApplies(held, destinationTarget({ url, method }), 1_000 + age)).toBe(applies);
  });

  it('keeps no part of the URL in what it stores', () => {
    expect(destinationTarget({ url: 'https://img.example/upload?key=s3cret', method: 'POST' })).not.toMatch(
      /img|s3cret|example/,
    );
  });
});
