import type { QueueItem, QueuePlan } from '../queue/types';

/** What the estimate reads from the plan: the pace of the next item's destination. */
export type PacePlan = Pick<QueuePlan, 'mode' | 'paused' | 'nextStartAt' | 'gapMs' | 'concurrency'>;

export type TimeLeft =
  /** Nothing queued or uploading. */
  | { kind: 'none' }
  /** Paused: nothing starts until the user resumes, so no time can be given. */
  | { kind: 'paused' }
  /**
   * About `ms` left. `measured` is false while no upload has finished yet:
   * then uploads count as instant and the figure is the pace alone (a floor).
   */
  | { kind: 'estimate'; ms: number; measured: boolean };

/** The mean upload time of the finished uploads (done items), or undefined before the first. */
export function averageUploadMs(items: readonly Pick<QueueItem, 'status' | 'startedAt' | 'finishedAt'>[]) {
  let total = 0;
  let count = 0;
  for (const item of items) {
    if (item.status !== 'done' || item.startedAt === undefined || item.finishedAt === undefined) continue;
    total += item.finishedAt - item.startedAt;
    count += 1;
  }
  return count === 0 ? undefined : total / count;
}

/**
 * Time left for the batch, from the pace and the uploads so far:
 * - sequential: the upload in flight finishes (average minus its elapsed
 *   time), then each queued item waits the delay and uploads:
 *   N left x (delay + average upload); with nothing in flight the first
 *   waits only until the planned next start;
 * - staggered and adaptive: starts are the gap apart, or further when the
 *   concurrency cap binds (average upload / cap); the last one then uploads.
 * One pace for the whole batch (the next item's destination): items bound
 * for a destination with another pace make this an approximation.
 */
export function estimateTimeLeft(
  items: readonly Pick<QueueItem, 'status' | 'startedAt' | 'finishedAt'>[],
  plan: PacePlan,
  now: number,
): TimeLeft {
  const queued = items.filter((item) => item.status === 'queued').length;
  const inFlight = items.filter((item) => item.status === 'uploading');
  if (queued === 0 && inFlight.length === 0) return { kind: 'none' };
  if (plan.paused && queued > 0) return { kind: 'paused' };
  const average = averageUploadMs(items);
  const upload = average ?? 0;
  // What the uploads in flight still need, by the average (never below zero).
  const inFlightLeft = Math.max(0, ...inFlight.map((item) => upload - (now - (item.startedAt ?? now))));
  const untilNextStart = plan.nextStartAt === null ? 0 : Math.max(0, plan.nextStartAt - now);
  let ms: number;
  if (queued === 0) {
    ms = inFlightLeft;
  } else if (plan.mode === 'sequential') {
    ms =
      inFlight.length > 0
        ? inFlightLeft + queued * (plan.gapMs + upload)
        : untilNextStart + upload + (queued - 1) * (plan.gapMs + upload);
  } else {
    const interval = Math.max(plan.gapMs, upload / Math.max(1, plan.concurrency));
    const firstStart = plan.nextStartAt === null ? inFlightLeft : untilNextStart;
    ms = Math.max(inFlightLeft, firstStart + (queued - 1) * interval + upload);
  }
  return { kind: 'estimate', ms: Math.round(ms), measured: average !== undefined };
}
