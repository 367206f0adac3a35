import {
  type AdaptiveParams,
  adaptiveLevel,
  type ControllerOutput,
  type HeldLevel,
} from '../pacing/adaptive-controller';
import type { Pace } from '../pacing/pace';
import {
  latestReading,
  type QuotaReading,
  type QuotaStart,
  type QuotaState,
  quotaState,
} from '../pacing/rate-limit-quota';
import type { AttemptRecord, QueueItem } from './types';

/**
 * The pacing rule, kept pure: state and the current time in, what to do out.
 * No timers, no clock, no browser API here; the runner performs the decision.
 * Every time it reads is absolute and comes from the store, so a worker that
 * died and woke again decides the same.
 */

export type SchedulerItem = Pick<
  QueueItem,
  'id' | 'seq' | 'status' | 'startedAt' | 'finishedAt' | 'retryAt' | 'destinationKey' | 'attemptLog' | 'pageGone'
>;

/** How one destination is paced: its pace, with the adaptive controller's start and bounds (its cap is `concurrency`). */
export type DestinationPolicy = Pick<Pace, 'mode' | 'delayMs' | 'concurrency'> & {
  adaptive: Omit<AdaptiveParams, 'cap'>;
};

/** One policy for every destination (the global settings, as the tables and the options page state them). */
export type PacingPolicy = DestinationPolicy & {
  /** No new starts; uploads in flight finish. */
  paused: boolean;
};

/**
 * A policy per item: the global settings merged with the override its
 * destination snapshot carries (see utils/pacing/destination-pace.ts). The pause is
 * the user's, for the whole queue.
 */
export interface Pacing {
  paused: boolean;
  /** The global settings: what an item without an override follows, and what an empty queue shows. */
  global: DestinationPolicy;
  policyFor(item: SchedulerItem): DestinationPolicy;
  /** Adaptive: what is remembered per destination. Without it, every batch starts from scratch. */
  memory?: AdaptiveMemory;
  /**
   * The latest rate-limit reading remembered per destination (by destination key): a hold outlives
   * the items that met it (a cleared list, the next batch). The items' own attempts count too.
   */
  rateLimits?: Readonly<Record<string, QuotaReading>>;
}

/** The adaptive pace's memory of each destination, checked against the destination's current URL. */
export interface AdaptiveMemory {
  /** The level remembered for this destination, when it still applies. */
  held(destinationKey: string): HeldLevel | undefined;
  /** Whether this item's attempts count for its destination's pace: no, when it went to a URL since changed. */
  counts(item: SchedulerItem): boolean;
}

export function asPacing(pacing: PacingPolicy | Pacing): Pacing {
  if ('policyFor' in pacing) return pacing;
  return { paused: pacing.paused, global: pacing, policyFor: () => pacing };
}

/** Most uploads in flight to one destination under this policy, as the user set it. */
export function capOf(policy: DestinationPolicy): number {
  return policy.mode === 'sequential' ? 1 : Math.max(1, Math.floor(policy.concurrency));
}

/** Most uploads in flight to one destination now: the cap, or for adaptive the level the controller allows. */
export function allowedInFlight(
  items: readonly SchedulerItem[],
  destinationKey: string,
  policy: DestinationPolicy,
  memory?: AdaptiveMemory,
): number {
  return policy.mode === 'adaptive'
    ? adaptiveFor(items, destinationKey, policy, memory).level.concurrency
    : capOf(policy);
}

/** The adaptive controller's output for one destination: its attempts on top of what is remembered. */
export function adaptiveFor(
  items: readonly SchedulerItem[],
  destinationKey: string,
  policy: DestinationPolicy,
  memory?: AdaptiveMemory,
): ControllerOutput {
  const counted = items.filter((item) => item.destinationKey === destinationKey && (memory?.counts(item) ?? true));
  return adaptiveLevel({
    // A refusal for the quota is no overload: the quota holds the destination instead, and no ceiling is set for it.
    attempts: counted.flatMap((item) => (item.attemptLog ?? []).filter((attempt) => !isQuotaRefusal(attempt))),
    inFlightSince: counted.flatMap((item) =>
      item.status === 'uploading' && item.startedAt !== undefined ? [item.startedAt] : [],
    ),
    held: memory?.held(destinationKey),
    params: { ...policy.adaptive, cap: capOf(policy) },
  });
}

/** An attempt the host refused for its rate limit (a body saying so, or a reply whose quota was at zero). */
export function isQuotaRefusal(attempt: AttemptRecord): boolean {
  return attempt.result !== 'ok' && (attempt.problem === 'rate-limited' || (attempt.rateLimit?.remaining ?? 1) <= 0);
}

/**
 * A destination's rate limit now: the latest reading (from its items'
 * replies, or the one remembered) less every request sent to it since.
 * Undefined when no reading's window is still open.
 */
export function quotaOf(
  items: readonly SchedulerItem[],
  destinationKey: string,
  now: number,
  remembered?: QuotaReading,
): QuotaState | undefined {
  const readings: QuotaReading[] = remembered ? [remembered] : [];
  const starts: QuotaStart[] = [];
  for (const item of items) {
    if (item.destinationKey !== destinationKey) continue;
    for (const attempt of item.attemptLog ?? []) {
      starts.push({ startedAt: attempt.startedAt, finishedAt: attempt.finishedAt });
      if (attempt.rateLimit)
        readings.push({ ...attempt.rateLimit, startedAt: attempt.startedAt, answeredAt: attempt.finishedAt });
    }
    if (item.status === 'uploading' && item.startedAt !== undefined) starts.push({ startedAt: item.startedAt });
  }
  return quotaState(latestReading(readings), starts, now);
}

/** Every recorded attempt to one destination. */
export function attemptsTo(
  items: readonly Pick<QueueItem, 'destinationKey' | 'attemptLog'>[],
  destinationKey: string,
): AttemptRecord[] {
  return items.flatMap((item) => (item.destinationKey === destinationKey ? (item.attemptLog ?? []) : []));
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
  /** Start this item at `at` (absolute ms), not before; `on` says what holds it (`quota`: the destination's rate limit, told). */
  | { kind: 'wait'; itemId: string; at: number; on: 'pace' | 'retry' | 'server' | 'quota'; quota?: QuotaState };

/**
 * The next start: each destination keeps its own pace, counted from its own
 * uploads only, so a slow host never holds back a fast one; of the items
 * that may go, the earliest goes first. The rules per mode, retries and
 * Retry-After: docs/pacing.md, "How the next start is decided".
 */
export function decideNext(
  items: readonly SchedulerItem[],
  now: number,
  pacing: PacingPolicy | Pacing,
): SchedulerDecision {
  const { paused, policyFor, memory, rateLimits } = asPacing(pacing);
  const inFlight = items.filter((item) => item.status === 'uploading').length;
  // An item whose page is gone waits for the user (types.ts PageGone), like a paused one.
  const queued = items.filter((item) => item.status === 'queued' && !item.pageGone).sort((a, b) => a.seq - b.seq);
  if (queued.length === 0) return inFlight > 0 ? { kind: 'busy', inFlight } : { kind: 'idle' };
  if (paused) return { kind: 'paused', inFlight };

  const inFlightTo = new Map<string, number>();
  for (const item of items) {
    if (item.status === 'uploading')
      inFlightTo.set(item.destinationKey, (inFlightTo.get(item.destinationKey) ?? 0) + 1);
  }
  const holds = new Map<string, number>();
  const paces = new Map<string, number>();
  const caps = new Map<string, number>();
  const quotas = new Map<string, QuotaState | undefined>();
  type Candidate = { item: SchedulerItem; at: number; on: 'pace' | 'retry' | 'server' | 'quota'; quota?: QuotaState };
  // Items whose destination has a free slot, and items waiting for one there.
  let free: Candidate | undefined;
  let blocked: Candidate | undefined;
  for (const item of queued) {
    const policy = policyFor(item);
    // Items to one destination nearly always share a policy: worked out once per pair, not per item.
    const policyKey = `${item.destinationKey}\u0000${JSON.stringify(policy)}`;
    let at = cached(paces, policyKey, () => paceAt(items, item.destinationKey, policy, memory));
    let on: Candidate['on'] = 'pace';
    if (item.retryAt !== undefined && item.retryAt > at) {
      at = item.retryAt;
      on = 'retry';
    }
    if (!quotas.has(item.destinationKey))
      quotas.set(item.destinationKey, quotaOf(items, item.destinationKey, now, rateLimits?.[item.destinationKey]));
    // Never below zero: a used-up quota holds the destination until its reset, and what is left is spread to it.
    // A retry timed to the reset is held by the quota, and is shown so.
    const quota = quotas.get(item.destinationKey);
    if (quota && quota.nextAt >= at) {
      at = quota.nextAt;
      on = 'quota';
    }
    const hold = cached(holds, item.destinationKey, () => serverHoldUntil(items, item.destinationKey));
    // A retry timed to the Retry-After is held by the server, and is shown so.
    if (hold >= at && Number.isFinite(hold)) {
      at = hold;
      on = 'server';
    }
    const cap = cached(caps, policyKey, () => allowedInFlight(items, item.destinationKey, policy, memory));
    const hasSlot = (inFlightTo.get(item.destinationKey) ?? 0) < cap;
    // `queued` is in hand-over order, so a tie keeps the earlier item.
    const candidate: Candidate = { item, at, on, ...(on === 'quota' && quota ? { quota } : {}) };
    if (hasSlot && (free === undefined || at < free.at)) free = candidate;
    if (!hasSlot && (blocked === undefined || at < blocked.at)) blocked = candidate;
  }
  if (free === undefined) return { kind: 'busy', inFlight, itemId: (blocked as Candidate).item.id };
  if (free.at <= now) return { kind: 'start', itemId: free.item.id };
  return {
    kind: 'wait',
    itemId: free.item.id,
    at: free.at,
    on: free.on,
    ...(free.quota ? { quota: free.quota } : {}),
  };
}

/** The gap the pace keeps now for one destination: the delay, the interval, or the adaptive gap. */
export function currentGapMs(
  items: readonly SchedulerItem[],
  destinationKey: string,
  policy: DestinationPolicy,
  memory?: AdaptiveMemory,
): number {
  return policy.mode === 'adaptive' ? adaptiveFor(items, destinationKey, policy, memory).level.gapMs : policy.delayMs;
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
  policy: DestinationPolicy,
  memory: AdaptiveMemory | undefined,
): number {
  const sameDestination = items.filter((item) => item.destinationKey === destinationKey);
  if (policy.mode === 'sequential') {
    const lastFinishedAt = latest(sameDestination, 'finishedAt');
    return lastFinishedAt === undefined ? Number.NEGATIVE_INFINITY : lastFinishedAt + policy.delayMs;
  }
  const lastStartedAt = latest(sameDestination, 'startedAt');
  if (lastStartedAt === undefined) return Number.NEGATIVE_INFINITY;
  return lastStartedAt + currentGapMs(items, destinationKey, policy, memory);
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
