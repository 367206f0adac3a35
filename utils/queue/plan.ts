import {
  currentGapMs,
  type PacingPolicy,
  type SchedulerDecision,
  type SchedulerItem,
  serverHoldUntil,
} from './scheduler';
import type { QueueItem, QueuePlan, WaitingOn } from './types';

/** Turns a scheduler decision into what the panel and popup show: mode, next start, what waits on what. */
export function describePlan(
  decision: SchedulerDecision,
  items: readonly (SchedulerItem & Pick<QueueItem, 'name'>)[],
  policy: PacingPolicy,
): QueuePlan {
  const itemId = 'itemId' in decision ? decision.itemId : undefined;
  const next = itemId === undefined ? undefined : items.find((item) => item.id === itemId);
  // With nothing queued, the gap shown is the one for the latest destination used.
  const destinationKey = next?.destinationKey ?? items.at(-1)?.destinationKey;
  const hold = destinationKey === undefined ? Number.NEGATIVE_INFINITY : serverHoldUntil(items, destinationKey);
  return {
    mode: policy.mode,
    paused: policy.paused,
    nextStartAt: decision.kind === 'wait' ? decision.at : null,
    waitingOn: waitingOn(decision, policy),
    ...(next ? { itemId: next.id, itemName: next.name } : {}),
    inFlight: items.filter((item) => item.status === 'uploading').length,
    concurrency: policy.mode === 'sequential' ? 1 : Math.max(1, Math.floor(policy.concurrency)),
    gapMs: destinationKey === undefined ? policy.delayMs : currentGapMs(items, destinationKey, policy),
    ...(Number.isFinite(hold) ? { serverHoldUntil: hold } : {}),
  };
}

function waitingOn(decision: SchedulerDecision, policy: PacingPolicy): WaitingOn {
  switch (decision.kind) {
    case 'idle':
      return 'nothing';
    case 'paused':
      return 'paused';
    case 'busy':
      if (decision.itemId === undefined) return 'uploads';
      return policy.mode === 'sequential' ? 'finish' : 'slot';
    case 'start':
      return 'pace';
    case 'wait':
      return decision.on;
  }
}
