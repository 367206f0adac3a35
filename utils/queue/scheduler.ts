import type { QueueItem } from './types';

/**
 * The pacing rule, kept pure: state and the current time in, what to do out.
 * No timers, no clock, no browser API here; the runner performs the decision.
 */

export type SchedulerItem = Pick<QueueItem, 'id' | 'seq' | 'status' | 'finishedAt'>;

export interface SequentialPolicy {
  /** Pause between one upload's finish and the next one's start. */
  delayMs: number;
}

export type SchedulerDecision =
  /** Nothing waits. */
  | { kind: 'idle' }
  /** An upload is in flight; the next start depends on when it finishes. */
  | { kind: 'busy' }
  /** Start this item now. */
  | { kind: 'start'; itemId: string }
  /** Start this item at `at` (absolute ms), not before. */
  | { kind: 'wait'; itemId: string; at: number };

/**
 * Sequential with a delay: item k+1 starts only after item k finished and
 * `delayMs` has passed since that finish.
 */
export function decideNext(items: readonly SchedulerItem[], now: number, policy: SequentialPolicy): SchedulerDecision {
  let next: SchedulerItem | undefined;
  let lastFinishedAt: number | undefined;
  for (const item of items) {
    if (item.status === 'uploading') return { kind: 'busy' };
    if (item.status === 'queued' && (next === undefined || item.seq < next.seq)) next = item;
    if (item.finishedAt !== undefined && (lastFinishedAt === undefined || item.finishedAt > lastFinishedAt)) {
      lastFinishedAt = item.finishedAt;
    }
  }
  if (next === undefined) return { kind: 'idle' };
  const startAt = lastFinishedAt === undefined ? now : lastFinishedAt + policy.delayMs;
  return startAt <= now ? { kind: 'start', itemId: next.id } : { kind: 'wait', itemId: next.id, at: startAt };
}
