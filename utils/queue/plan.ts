import type { PaceMode } from '../pacing/pace';
import type { QuotaState } from '../pacing/rate-limit-quota';
import {
  allowedInFlight,
  asPacing,
  capOf,
  currentGapMs,
  type Pacing,
  type PacingPolicy,
  type SchedulerDecision,
  type SchedulerItem,
  serverHoldUntil,
} from './scheduler';
import type { PlanQuota, QueueItem, QueuePlan, WaitingOn } from './types';

/**
 * Turns a scheduler decision into what the panel and popup show: the pace of
 * the next item's destination (its mode, gap and cap, and how many uploads to
 * it are in flight), the next start, and what waits on what.
 */
export function describePlan(
  decision: SchedulerDecision,
  items: readonly (SchedulerItem & Pick<QueueItem, 'name'> & Partial<Pick<QueueItem, 'destination'>>)[],
  pacing: PacingPolicy | Pacing,
): QueuePlan {
  const { paused, global, policyFor, memory } = asPacing(pacing);
  const itemId = 'itemId' in decision ? decision.itemId : undefined;
  const next = itemId === undefined ? undefined : items.find((item) => item.id === itemId);
  // With nothing queued, the pace shown is the one of the latest item handed over, or the global one.
  const shown = next ?? items.at(-1);
  const destinationKey = shown?.destinationKey;
  const policy = shown ? policyFor(shown) : global;
  const hold = destinationKey === undefined ? Number.NEGATIVE_INFINITY : serverHoldUntil(items, destinationKey);
  const uploading = items.filter((item) => item.status === 'uploading');
  return {
    mode: policy.mode,
    paused,
    nextStartAt: decision.kind === 'wait' ? decision.at : null,
    waitingOn: waitingOn(decision, policy.mode),
    ...(next ? { itemId: next.id, itemName: next.name } : {}),
    ...(shown?.destination ? { destinationName: shown.destination.name } : {}),
    // The cap is per destination, so "2 of 2 in flight" counts the next item's destination's uploads.
    inFlight: next ? uploading.filter((item) => item.destinationKey === destinationKey).length : uploading.length,
    concurrency: destinationKey === undefined ? capOf(policy) : allowedInFlight(items, destinationKey, policy, memory),
    gapMs: destinationKey === undefined ? policy.delayMs : currentGapMs(items, destinationKey, policy, memory),
    ...(Number.isFinite(hold) ? { serverHoldUntil: hold } : {}),
    ...(decision.kind === 'wait' && decision.quota ? { quota: planQuota(decision.quota) } : {}),
  };
}

function planQuota({ reading, left }: QuotaState): PlanQuota {
  return {
    source: reading.source,
    left,
    resetAt: reading.resetAt,
    ...(reading.limit === undefined ? {} : { limit: reading.limit }),
    ...(reading.windowMs === undefined ? {} : { windowMs: reading.windowMs }),
  };
}

function waitingOn(decision: SchedulerDecision, mode: PaceMode): WaitingOn {
  switch (decision.kind) {
    case 'idle':
      return 'nothing';
    case 'paused':
      return 'paused';
    case 'busy':
      if (decision.itemId === undefined) return 'uploads';
      return mode === 'sequential' ? 'finish' : 'slot';
    case 'start':
      return 'pace';
    case 'wait':
      return decision.on;
  }
}
