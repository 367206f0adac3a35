import { type AdaptiveParams, adaptiveGapMs, attemptsTo } from './adaptive-gap';
import type { PacingMode, QueueItem } from './types';

/**
 * The pacing rule, kept pure: state and the current time in, what to do out.
 * No timers, no clock, no browser API here; the runner performs the decision.
 * Every time it reads is absolute and comes from the store, so a worker that
 * died and woke again decides the same.
 */

export type SchedulerItem = Pick<
  QueueItem,
  'id' | 'seq' | 'status' | 'startedAt' | 'finishedAt' | 'retryAt' | 'destinationKey' | 'attemptLog'
>;

export interface PacingPolicy {
  mode: PacingMode;
  /** Sequential: pause between one finish and the next start. Staggered: time between starts. */
  delayMs: number;
  /** Staggered and adaptive: most uploads in flight at once. Sequential is always 1. */
  concurrency: number;
  adaptive: AdaptiveParams;
  /** No new starts; uploads in flight finish. */
  paused: boolean;
}

export type SchedulerDecision =
  /** Nothing waits. */
  | { kind: 'idle' }
  /** Queued items wait for the user to resume. */
  | { kind: 'paused'; inFlight: number }
  /** Uploads are in flight; the next start depends on a finish (`itemId` is the next to go, if any). */
  | { kind: 'busy'; inFlight: number; itemId?: string }
  /** Start this item now. */
  | { kind: 'start'; itemId: string }
  /** Start this item at `at` (absolute ms), not before; `on` says what holds it. */
  | { kind: 'wait'; itemId: string; at: number; on: 'pace' | 'retry' | 'server' };

/**
 * - sequential: the next starts `delayMs` after the latest finish, one at a time;
 * - staggered: starts are `delayMs` apart whether or not earlier ones finished,
 *   at most `concurrency` in flight. A start the cap delayed shifts the later
 *   ones instead of letting them burst to catch up: catching up would put
 *   back the very load the cap held off;
 * - adaptive: like staggered, with the gap derived from the outcomes so far.
 * Whatever the mode, an automatic retry waits for its `retryAt` (holding no
 * slot meanwhile: other items go first), and nothing goes to a destination
 * before the end of its latest Retry-After.
 */
export function decideNext(items: readonly SchedulerItem[], now: number, policy: PacingPolicy): SchedulerDecision {
  const inFlight = items.filter((item) => item.status === 'uploading').length;
  const queued = items.filter((item) => item.status === 'queued').sort((a, b) => a.seq - b.seq);
  if (queued.length === 0) return inFlight > 0 ? { kind: 'busy', inFlight } : { kind: 'idle' };
  if (policy.paused) return { kind: 'paused', inFlight };
  const cap = policy.mode === 'sequential' ? 1 : Math.max(1, Math.floor(policy.concurrency));

  const holds = new Map<string, number>();
  const gaps = new Map<string, number>();
  let best: { item: SchedulerItem; at: number; on: 'pace' | 'retry' | 'server' } | undefined;
  for (const item of queued) {
    let at = paceAt(items, item.destinationKey, policy, gaps);
    let on: 'pace' | 'retry' | 'server' = 'pace';
    if (item.retryAt !== undefined && item.retryAt > at) {
      at = item.retryAt;
      on = 'retry';
    }
    const hold = cached(holds, item.destinationKey, () => serverHoldUntil(items, item.destinationKey));
    // A retry timed to the Retry-After is held by the server, and is shown so.
    if (hold >= at && Number.isFinite(hold)) {
      at = hold;
      on = 'server';
    }
    // `queued` is in hand-over order, so a tie keeps the earlier item.
    if (best === undefined || at < best.at) best = { item, at, on };
  }
  const next = best as NonNullable<typeof best>;
  if (inFlight >= cap) return { kind: 'busy', inFlight, itemId: next.item.id };
  return next.at <= now
    ? { kind: 'start', itemId: next.item.id }
    : { kind: 'wait', itemId: next.item.id, at: next.at, on: next.on };
}

/** The gap the pace keeps now for one destination: the delay, the interval, or the adaptive gap. */
export function currentGapMs(items: readonly SchedulerItem[], destinationKey: string, policy: PacingPolicy): number {
  return policy.mode === 'adaptive'
    ? adaptiveGapMs(attemptsTo(items, destinationKey), policy.adaptive)
    : policy.delayMs;
}

/** The end of the latest Retry-After a destination sent; -Infinity when there is none. */
export function serverHoldUntil(items: readonly SchedulerItem[], destinationKey: string): number {
  let until = Number.NEGATIVE_INFINITY;
  for (const attempt of attemptsTo(items, destinationKey)) {
    if (attempt.holdUntil !== undefined && attempt.holdUntil > until) until = attempt.holdUntil;
  }
  return until;
}

function paceAt(
  items: readonly SchedulerItem[],
  destinationKey: string,
  policy: PacingPolicy,
  gaps: Map<string, number>,
): number {
  if (policy.mode === 'sequential') {
    const lastFinishedAt = latest(items, 'finishedAt');
    return lastFinishedAt === undefined ? Number.NEGATIVE_INFINITY : lastFinishedAt + policy.delayMs;
  }
  const lastStartedAt = latest(items, 'startedAt');
  if (lastStartedAt === undefined) return Number.NEGATIVE_INFINITY;
  return lastStartedAt + cached(gaps, destinationKey, () => currentGapMs(items, destinationKey, policy));
}

function latest(items: readonly SchedulerItem[], field: 'startedAt' | 'finishedAt'): number | undefined {
  let value: number | undefined;
  for (const item of items) {
    const time = item[field];
    if (time !== undefined && (value === undefined || time > value)) value = time;
  }
  return value;
}

function cached(cache: Map<string, number>, key: string, compute: () => number): number {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    cache.set(key, value);
  }
  return value;
}
