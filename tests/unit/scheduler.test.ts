import { describe, expect, it } from 'vitest';
import { describePlan } from '@/utils/queue/plan';
import {
  type DestinationPolicy,
  decideNext,
  type Pacing,
  type PacingPolicy,
  type SchedulerItem,
} from '@/utils/queue/scheduler';
import type { AttemptRecord } from '@/utils/queue/types';
import { makeSnapshot } from '../factories/destination';

const DELAY = 20_000;
const DEST = 'https://img.example/upload';
const OTHER = 'https://other.example/upload';

const item = (
  id: string,
  seq: number,
  status: SchedulerItem['status'],
  times: Partial<Pick<SchedulerItem, 'startedAt' | 'finishedAt' | 'retryAt' | 'attemptLog' | 'destinationKey'>> = {},
): SchedulerItem => ({ id, seq, status, destinationKey: DEST, ...times });

/** Round numbers, so the tables read easily; the shipped defaults are in utils/pacing/adaptive-controller.ts. */
const ADAPTIVE: DestinationPolicy['adaptive'] = { startGapMs: 4_000, maxGapMs: 300_000, floorMs: 0 };

function policy(overrides: Partial<PacingPolicy> = {}): PacingPolicy {
  return { mode: 'sequential', delayMs: DELAY, concurrency: 2, adaptive: ADAPTIVE, paused: false, ...overrides };
}

const ok = (startedAt: number, finishedAt: number): AttemptRecord => ({
  startedAt,
  finishedAt,
  result: 'ok',
  bytes: 100_000,
});

describe('decideNext: sequential with a delay', () => {
  it.each([
    { case: 'an empty queue is idle', items: [], now: 0, expected: { kind: 'idle' } },
    {
      case: 'only finished items is idle',
      items: [item('a', 1, 'done', { finishedAt: 10 }), item('b', 2, 'failed', { finishedAt: 20 })],
      now: 99_999,
      expected: { kind: 'idle' },
    },
    {
      case: 'the first item of a fresh queue starts at once',
      items: [item('a', 1, 'queued')],
      now: 5,
      expected: { kind: 'start', itemId: 'a' },
    },
    {
      case: 'nothing starts while one is uploading',
      items: [item('a', 1, 'uploading'), item('b', 2, 'queued')],
      now: 1e9,
      expected: { kind: 'busy', inFlight: 1, itemId: 'b' },
    },
    {
      case: 'the next waits until the previous finish plus the delay',
      items: [item('a', 1, 'done', { finishedAt: 1_000 }), item('b', 2, 'queued')],
      now: 1_001,
      expected: { kind: 'wait', itemId: 'b', at: 1_000 + DELAY, on: 'pace' },
    },
    {
      case: 'one millisecond early is still a wait',
      items: [item('a', 1, 'done', { finishedAt: 1_000 }), item('b', 2, 'queued')],
      now: 1_000 + DELAY - 1,
      expected: { kind: 'wait', itemId: 'b', at: 1_000 + DELAY, on: 'pace' },
    },
    {
      case: 'it starts exactly when the delay has passed',
      items: [item('a', 1, 'done', { finishedAt: 1_000 }), item('b', 2, 'queued')],
      now: 1_000 + DELAY,
      expected: { kind: 'start', itemId: 'b' },
    },
    {
      case: 'a failure counts as a finish for the pace',
      items: [item('a', 1, 'failed', { finishedAt: 5_000 }), item('b', 2, 'queued')],
      now: 6_000,
      expected: { kind: 'wait', itemId: 'b', at: 5_000 + DELAY, on: 'pace' },
    },
    {
      case: 'the delay runs from the latest finish, not the first',
      items: [
        item('a', 1, 'done', { finishedAt: 1_000 }),
        item('b', 2, 'done', { finishedAt: 50_000 }),
        item('c', 3, 'queued'),
      ],
      now: 60_000,
      expected: { kind: 'wait', itemId: 'c', at: 50_000 + DELAY, on: 'pace' },
    },
    {
      case: 'items go in hand-over order, whatever the array order',
      items: [item('late', 9, 'queued'), item('early', 3, 'queued'), item('mid', 5, 'queued')],
      now: 0,
      expected: { kind: 'start', itemId: 'early' },
    },
    {
      case: 'a cancelled item neither starts nor blocks',
      items: [item('a', 1, 'cancelled'), item('b', 2, 'queued')],
      now: 0,
      expected: { kind: 'start', itemId: 'b' },
    },
  ])('$case', ({ items, now, expected }) => {
    expect(decideNext(items, now, policy())).toEqual(expected);
  });

  it('with no delay the next starts right after a finish', () => {
    const items = [item('a', 1, 'done', { finishedAt: 100 }), item('b', 2, 'queued')];
    expect(decideNext(items, 100, policy({ delayMs: 0 }))).toEqual({ kind: 'start', itemId: 'b' });
  });
});

describe('decideNext: staggered starts with a concurrency cap', () => {
  const staggered = policy({ mode: 'staggered', concurrency: 2 });
  it.each([
    {
      case: 'the first starts at once',
      items: [item('a', 1, 'queued'), item('b', 2, 'queued')],
      now: 0,
      expected: { kind: 'start', itemId: 'a' },
    },
    {
      case: 'the second starts one interval after the first started, while the first is still uploading',
      items: [item('a', 1, 'uploading', { startedAt: 0 }), item('b', 2, 'queued')],
      now: 1,
      expected: { kind: 'wait', itemId: 'b', at: DELAY, on: 'pace' },
    },
    {
      case: 'on time, it starts with one in flight',
      items: [item('a', 1, 'uploading', { startedAt: 0 }), item('b', 2, 'queued')],
      now: DELAY,
      expected: { kind: 'start', itemId: 'b' },
    },
    {
      case: 'item k starts k intervals after the batch began when nothing delays it',
      items: [
        item('a', 1, 'done', { startedAt: 0, finishedAt: 3_000 }),
        item('b', 2, 'uploading', { startedAt: DELAY }),
        item('c', 3, 'queued'),
      ],
      now: DELAY + 10,
      expected: { kind: 'wait', itemId: 'c', at: 2 * DELAY, on: 'pace' },
    },
    {
      case: 'the start is not delayed by a slow earlier upload (finish time does not matter)',
      items: [item('a', 1, 'done', { startedAt: 0, finishedAt: DELAY + 15_000 }), item('b', 2, 'queued')],
      now: DELAY + 15_000,
      expected: { kind: 'start', itemId: 'b' },
    },
    {
      case: 'the cap: with two in flight the due start waits for a finish',
      items: [
        item('a', 1, 'uploading', { startedAt: 0 }),
        item('b', 2, 'uploading', { startedAt: DELAY }),
        item('c', 3, 'queued'),
      ],
      now: 5 * DELAY,
      expected: { kind: 'busy', inFlight: 2, itemId: 'c' },
    },
    {
      case: 'after the cap delayed a start, the next keeps a full interval from it (no burst to catch up)',
      items: [
        item('a', 1, 'done', { startedAt: 0, finishedAt: 90_000 }),
        item('b', 2, 'uploading', { startedAt: DELAY }),
        item('c', 3, 'uploading', { startedAt: 90_000 }),
        item('d', 4, 'queued'),
      ],
      now: 91_000,
      expected: { kind: 'busy', inFlight: 2, itemId: 'd' },
    },
    {
      case: 'a freed slot does not bring the next start forward',
      items: [
        item('a', 1, 'done', { startedAt: 0, finishedAt: 90_000 }),
        item('b', 2, 'done', { startedAt: DELAY, finishedAt: 95_000 }),
        item('c', 3, 'uploading', { startedAt: 90_000 }),
        item('d', 4, 'queued'),
      ],
      now: 95_000,
      expected: { kind: 'wait', itemId: 'd', at: 90_000 + DELAY, on: 'pace' },
    },
  ])('$case', ({ items, now, expected }) => {
    expect(decideNext(items, now, staggered)).toEqual(expected);
  });

  it.each([1, 2, 3])('a cap of %i allows exactly that many in flight', (cap) => {
    const inFlight = Array.from({ length: cap }, (_, index) =>
      item(`u${index}`, index + 1, 'uploading', { startedAt: 0 }),
    );
    const queued = item('q', 99, 'queued');
    const atCap = decideNext([...inFlight, queued], 10 * DELAY, policy({ mode: 'staggered', concurrency: cap }));
    const belowCap = decideNext(
      [...inFlight.slice(1), queued],
      10 * DELAY,
      policy({ mode: 'staggered', concurrency: cap }),
    );
    expect(atCap.kind).toBe('busy');
    expect(belowCap).toEqual({ kind: 'start', itemId: 'q' });
  });
});

describe('decideNext: adaptive (the controller: utils/pacing/adaptive-controller.ts)', () => {
  const adaptive = policy({ mode: 'adaptive', concurrency: 2 });
  it('the first start is at once; the next waits for its finish: one in flight until one finished cleanly', () => {
    expect(decideNext([item('a', 1, 'queued')], 0, adaptive)).toEqual({ kind: 'start', itemId: 'a' });
    expect(decideNext([item('a', 1, 'uploading', { startedAt: 0 }), item('b', 2, 'queued')], 60_000, adaptive)).toEqual(
      { kind: 'busy', inFlight: 1, itemId: 'b' },
    );
  });

  it('a clean finish allows two in flight, the gap halved and never longer than lets two such uploads overlap', () => {
    const items = [
      item('a', 1, 'done', { startedAt: 0, finishedAt: 500, attemptLog: [ok(0, 500)] }),
      item('b', 2, 'uploading', { startedAt: 500 }),
      item('c', 3, 'queued'),
    ];
    // 4 s halved is 2 s, but a took 500 ms: two such uploads at once start 250 ms apart, so c waits until 250 ms after b's start.
    expect(decideNext(items, 600, adaptive)).toEqual({ kind: 'wait', itemId: 'c', at: 750, on: 'pace' });
  });

  it('the floor still holds', () => {
    const items = [
      item('a', 1, 'done', { startedAt: 0, finishedAt: 500, attemptLog: [ok(0, 500)] }),
      item('b', 2, 'queued'),
    ];
    const floored = policy({ mode: 'adaptive', concurrency: 2, adaptive: { ...ADAPTIVE, floorMs: 3_000 } });
    expect(decideNext(items, 600, floored)).toEqual({ kind: 'wait', itemId: 'b', at: 3_000, on: 'pace' });
  });

  it('a reset met by the second in flight holds it at one in flight', () => {
    const reset: AttemptRecord = { startedAt: 510, finishedAt: 520, result: 'reset' };
    const items = [
      item('a', 1, 'done', { startedAt: 0, finishedAt: 500, attemptLog: [ok(0, 500)] }),
      item('b', 2, 'uploading', { startedAt: 505 }),
      item('c', 3, 'queued', { attemptLog: [reset], finishedAt: 520 }),
      item('d', 4, 'queued'),
    ];
    expect(decideNext(items, 60_000, adaptive)).toEqual({ kind: 'busy', inFlight: 1, itemId: 'c' });
  });

  it('the pace is per destination: a reset at one does not slow another', () => {
    const reset: AttemptRecord = { startedAt: 0, finishedAt: 100, result: 'reset' };
    const items = [
      item('x', 1, 'uploading', { startedAt: 0, destinationKey: OTHER }),
      item('y', 2, 'failed', { attemptLog: [reset], destinationKey: OTHER }),
      item('a', 3, 'done', { startedAt: 0, finishedAt: 500, attemptLog: [ok(0, 500)] }),
      item('b', 4, 'uploading', { startedAt: 500 }),
      item('c', 5, 'queued'),
    ];
    expect(decideNext(items, 1_000, adaptive)).toEqual({ kind: 'start', itemId: 'c' });
  });

  it("never more in flight than the user's cap", () => {
    const attemptLog = [ok(0, 100), ok(0, 100), ok(100, 200), ok(100, 200), ok(200, 300), ok(200, 300)];
    const items = [
      item('a', 1, 'done', { startedAt: 0, finishedAt: 300, attemptLog }),
      item('b', 2, 'uploading', { startedAt: 300 }),
      item('c', 3, 'uploading', { startedAt: 300 }),
      item('d', 4, 'queued'),
    ];
    expect(decideNext(items, 60_000, adaptive)).toEqual({ kind: 'busy', inFlight: 2, itemId: 'd' });
  });
});

describe('decideNext: retries and Retry-After', () => {
  it.each(['sequential', 'staggered', 'adaptive'] as const)(
    '%s: a waiting retry holds no slot; the next item goes first',
    (mode) => {
      const items = [
        item('a', 1, 'queued', { startedAt: 0, finishedAt: 100, retryAt: 500_000 }),
        item('b', 2, 'queued'),
      ];
      expect(decideNext(items, 200_000, policy({ mode }))).toEqual({ kind: 'start', itemId: 'b' });
    },
  );

  it('a retry waits for its time even when the pace would allow it', () => {
    const items = [item('a', 1, 'queued', { startedAt: 0, finishedAt: 100, retryAt: 50_000 })];
    expect(decideNext(items, 30_000, policy())).toEqual({ kind: 'wait', itemId: 'a', at: 50_000, on: 'retry' });
    expect(decideNext(items, 50_000, policy())).toEqual({ kind: 'start', itemId: 'a' });
  });

  it('a due retry goes before later items (hand-over order)', () => {
    const items = [item('a', 1, 'queued', { finishedAt: 100, retryAt: 1_000 }), item('b', 2, 'queued')];
    expect(decideNext(items, 50_000, policy())).toEqual({ kind: 'start', itemId: 'a' });
  });

  it.each(['sequential', 'staggered', 'adaptive'] as const)(
    '%s: nothing goes to a destination before its Retry-After ends, other destinations go on',
    (mode) => {
      const held: AttemptRecord = { startedAt: 0, finishedAt: 100, result: 'http', httpStatus: 429, holdUntil: 90_000 };
      const items = [
        item('a', 1, 'queued', { finishedAt: 100, retryAt: 95_000, attemptLog: [held] }),
        item('b', 2, 'queued'),
        item('c', 3, 'queued', { destinationKey: OTHER }),
      ];
      // a and b wait for the server; c, to another destination, is not held.
      expect(decideNext(items, 89_999, policy({ mode, delayMs: 0 }))).toEqual({ kind: 'start', itemId: 'c' });
      const withoutOther = items.slice(0, 2);
      expect(decideNext(withoutOther, 89_999, policy({ mode, delayMs: 0 }))).toEqual({
        kind: 'wait',
        itemId: 'b',
        at: 90_000,
        on: 'server',
      });
      expect(decideNext(withoutOther, 90_000, policy({ mode, delayMs: 0 }))).toEqual({ kind: 'start', itemId: 'b' });
    },
  );
});

describe('decideNext: each destination keeps its own pace', () => {
  /** DEST and OTHER each with their own policy, as the runner builds it from the items' snapshots. */
  const perDestination = (dest: Partial<PacingPolicy>, other: Partial<PacingPolicy>, paused = false): Pacing => ({
    paused,
    global: policy(),
    policyFor: (candidate) => policy(candidate.destinationKey === OTHER ? other : dest),
  });
  const to = (id: string, seq: number, status: SchedulerItem['status'], times: Parameters<typeof item>[3] = {}) =>
    item(id, seq, status, { ...times, destinationKey: OTHER });
  const slowAndFast = perDestination({ delayMs: 20_000 }, { delayMs: 5_000 });

  it.each([
    {
      case: 'sequential 20 s and 5 s: each counts from its own latest finish; the earlier due goes first',
      pacing: slowAndFast,
      items: [
        item('a', 1, 'done', { startedAt: 0, finishedAt: 1_000 }),
        to('b', 2, 'done', { startedAt: 1_000, finishedAt: 2_000 }),
        item('c', 3, 'queued'),
        to('d', 4, 'queued'),
      ],
      now: 3_000,
      expected: { kind: 'wait', itemId: 'd', at: 7_000, on: 'pace' },
    },
    {
      case: 'the fast one starts on its own time',
      pacing: slowAndFast,
      items: [
        item('a', 1, 'done', { startedAt: 0, finishedAt: 1_000 }),
        to('b', 2, 'done', { startedAt: 1_000, finishedAt: 2_000 }),
        item('c', 3, 'queued'),
        to('d', 4, 'queued'),
      ],
      now: 7_000,
      expected: { kind: 'start', itemId: 'd' },
    },
    {
      case: "another destination's later finish does not push this one's start",
      pacing: slowAndFast,
      items: [
        item('a', 1, 'done', { startedAt: 0, finishedAt: 1_000 }),
        to('b', 2, 'done', { startedAt: 1_000, finishedAt: 15_000 }),
        item('c', 3, 'queued'),
      ],
      now: 16_000,
      expected: { kind: 'wait', itemId: 'c', at: 21_000, on: 'pace' },
    },
    {
      case: 'sequential is one at a time per destination: an upload to one does not hold the other',
      pacing: slowAndFast,
      items: [item('a', 1, 'uploading', { startedAt: 0 }), item('b', 2, 'queued'), to('c', 3, 'queued')],
      now: 10,
      expected: { kind: 'start', itemId: 'c' },
    },
    {
      case: 'both busy: waits on a finish, naming the earliest item handed over',
      pacing: slowAndFast,
      items: [
        item('a', 1, 'uploading', { startedAt: 0 }),
        to('b', 2, 'uploading', { startedAt: 0 }),
        to('c', 3, 'queued'),
        item('d', 4, 'queued'),
      ],
      now: 10,
      expected: { kind: 'busy', inFlight: 2, itemId: 'c' },
    },
    {
      case: 'both due at once: hand-over order decides',
      pacing: slowAndFast,
      items: [to('a', 1, 'queued'), item('b', 2, 'queued')],
      now: 0,
      expected: { kind: 'start', itemId: 'a' },
    },
    {
      case: 'staggered 10 s (cap 2) beside sequential 1 s: the staggered one starts on its interval while the other waits for its finish',
      pacing: perDestination({ mode: 'staggered', delayMs: 10_000, concurrency: 2 }, { delayMs: 1_000 }),
      items: [
        item('a', 1, 'uploading', { startedAt: 0 }),
        to('b', 2, 'uploading', { startedAt: 0 }),
        to('c', 3, 'queued'),
        item('d', 4, 'queued'),
      ],
      now: 1,
      expected: { kind: 'wait', itemId: 'd', at: 10_000, on: 'pace' },
    },
    {
      case: 'the cap is per destination: a full one does not stop the other',
      pacing: perDestination(
        { mode: 'staggered', delayMs: 1_000, concurrency: 1 },
        { mode: 'staggered', delayMs: 1_000, concurrency: 3 },
      ),
      items: [
        item('a', 1, 'uploading', { startedAt: 0 }),
        to('b', 2, 'uploading', { startedAt: 0 }),
        to('c', 3, 'uploading', { startedAt: 1_000 }),
        item('d', 4, 'queued'),
        to('e', 5, 'queued'),
      ],
      now: 2_000,
      expected: { kind: 'start', itemId: 'e' },
    },
    {
      case: 'adaptive beside sequential: each its own gap',
      pacing: perDestination({ mode: 'adaptive', concurrency: 2 }, { delayMs: 30_000 }),
      items: [
        item('a', 1, 'done', { startedAt: 0, finishedAt: 500, attemptLog: [ok(0, 500)] }),
        to('b', 2, 'done', { startedAt: 0, finishedAt: 500 }),
        to('c', 3, 'queued'),
        item('d', 4, 'queued'),
      ],
      now: 600,
      // Adaptive: the gap halved, but no longer than a took: 500 ms after a's start; the other waits 30 s.
      expected: { kind: 'start', itemId: 'd' },
    },
    {
      case: 'the pause holds every destination',
      pacing: perDestination({ delayMs: 0 }, { delayMs: 0 }, true),
      items: [item('a', 1, 'queued'), to('b', 2, 'queued')],
      now: 0,
      expected: { kind: 'paused', inFlight: 0 },
    },
  ])('$case', ({ pacing, items, now, expected }) => {
    expect(decideNext(items, now, pacing)).toEqual(expected);
  });

  it("the plan describes the next item's destination: its mode, gap, cap and uploads in flight", () => {
    const pacing = perDestination({ delayMs: 20_000 }, { mode: 'staggered', delayMs: 3_000, concurrency: 2 });
    const items = [
      item('a', 1, 'uploading', { startedAt: 0 }),
      to('b', 2, 'uploading', { startedAt: 0 }),
      item('c', 3, 'queued'),
      to('d', 4, 'queued'),
    ].map((base) => ({
      ...base,
      name: `${base.id}.jpg`,
      destination: makeSnapshot({ name: base.destinationKey === OTHER ? 'Other host' : 'Image host' }),
    }));
    expect(describePlan(decideNext(items, 10, pacing), items, pacing)).toMatchObject({
      destinationName: 'Other host',
      mode: 'staggered',
      gapMs: 3_000,
      concurrency: 2,
      inFlight: 1,
      itemId: 'd',
      waitingOn: 'pace',
      nextStartAt: 3_000,
    });
    // Only the sequential destination left: waits on its upload's finish, one at a time.
    const rest = items.filter((candidate) => candidate.destinationKey === DEST);
    expect(describePlan(decideNext(rest, 10, pacing), rest, pacing)).toMatchObject({
      destinationName: 'Image host',
      mode: 'sequential',
      gapMs: 20_000,
      concurrency: 1,
      inFlight: 1,
      itemId: 'c',
      waitingOn: 'finish',
    });
  });
});

describe('decideNext: pause', () => {
  it.each(['sequential', 'staggered', 'adaptive'] as const)(
    '%s: paused, nothing starts; in-flight uploads are left alone',
    (mode) => {
      const items = [item('a', 1, 'uploading', { startedAt: 0 }), item('b', 2, 'queued'), item('c', 3, 'queued')];
      expect(decideNext(items, 1e9, policy({ mode, paused: true }))).toEqual({ kind: 'paused', inFlight: 1 });
      expect(decideNext(items.slice(1), 1e9, policy({ mode, paused: true }))).toEqual({ kind: 'paused', inFlight: 0 });
      // Resumed: the same state starts the next item at once.
      expect(decideNext(items.slice(1), 1e9, policy({ mode }))).toEqual({ kind: 'start', itemId: 'b' });
    },
  );

  it('paused with nothing queued is simply idle', () => {
    expect(decideNext([item('a', 1, 'done', { finishedAt: 5 })], 10, policy({ paused: true }))).toEqual({
      kind: 'idle',
    });
  });
});

describe('describePlan: what waits on what', () => {
  const named = (base: SchedulerItem) => ({ ...base, name: `${base.id}.jpg` });
  it.each([
    {
      case: 'sequential, one uploading: waits on its finish',
      mode: 'sequential' as const,
      items: [item('a', 1, 'uploading', { startedAt: 0 }), item('b', 2, 'queued')],
      waitingOn: 'finish',
    },
    {
      case: 'staggered at the cap: waits on a slot',
      mode: 'staggered' as const,
      items: [
        item('a', 1, 'uploading', { startedAt: 0 }),
        item('b', 2, 'uploading', { startedAt: 1 }),
        item('c', 3, 'queued'),
      ],
      waitingOn: 'slot',
    },
    {
      case: 'a retry that is the next start',
      mode: 'sequential' as const,
      items: [item('a', 1, 'queued', { finishedAt: 0, retryAt: 90_000 })],
      waitingOn: 'retry',
    },
    {
      case: 'nothing queued, one uploading',
      mode: 'staggered' as const,
      items: [item('a', 1, 'uploading', { startedAt: 0 })],
      waitingOn: 'uploads',
    },
  ])('$case', ({ mode, items, waitingOn }) => {
    const pacing = policy({ mode });
    const plan = describePlan(decideNext(items, 10, pacing), items.map(named), pacing);
    expect(plan.waitingOn).toBe(waitingOn);
    expect(plan.mode).toBe(mode);
  });

  it('a server hold shows its end and the item it holds', () => {
    const held: AttemptRecord = { startedAt: 0, finishedAt: 100, result: 'http', httpStatus: 503, holdUntil: 60_000 };
    const items = [item('a', 1, 'failed', { finishedAt: 100, attemptLog: [held] }), item('b', 2, 'queued')].map(named);
    const pacing = policy({ delayMs: 1_000 });
    expect(describePlan(decideNext(items, 200, pacing), items, pacing)).toMatchObject({
      waitingOn: 'server',
      nextStartAt: 60_000,
      serverHoldUntil: 60_000,
      itemId: 'b',
      itemName: 'b.jpg',
    });
  });
});
