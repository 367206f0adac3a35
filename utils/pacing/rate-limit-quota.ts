import type { RateLimitSignal } from './rate-limit';

/**
 * A destination's quota as the scheduler keeps to it: the latest reading a
 * reply carried, less the requests sent since, spread over what is left of
 * the window. Pure: readings, starts and the time in. Why these rules:
 * docs/pacing.md, "Rate limits".
 */

/** A signal with the request that carried it: a reply counts the requests that reached the server before it. */
export interface QuotaReading extends RateLimitSignal {
  /** When the request carrying it started (the queue's start of that attempt). */
  startedAt: number;
  /** When its reply arrived. */
  answeredAt: number;
}

/** One request to the destination: finished (an attempt record) or still in flight. */
export interface QuotaStart {
  startedAt: number;
  finishedAt?: number;
}

export interface QuotaState {
  reading: QuotaReading;
  /** Requests the quota still allows before `reading.resetAt`, after those sent since the reading. */
  left: number;
  /** No request to the destination before this (absolute ms). */
  nextAt: number;
}

/** The latest reading: the one whose reply arrived last. */
export function latestReading(readings: readonly (QuotaReading | undefined)[]): QuotaReading | undefined {
  let latest: QuotaReading | undefined;
  for (const reading of readings) {
    if (reading && (!latest || reading.answeredAt > latest.answeredAt)) latest = reading;
  }
  return latest;
}

/**
 * What the quota allows now, or undefined once the reading's window is over
 * (the next reply brings a new one).
 *
 * Every request that was not answered before the reading's reply counts
 * against it, those in flight included: the server may count them after.
 * Counting too many wastes a little quota; counting too few would send a
 * request past zero. The rest is spread evenly up to the reset, the last
 * share of the gap falling on the reset itself, so a long run of windows
 * goes at the quota's own rate instead of a burst at each reset.
 */
export function quotaState(
  reading: QuotaReading | undefined,
  starts: readonly QuotaStart[],
  now: number,
): QuotaState | undefined {
  if (!reading || now >= reading.resetAt) return undefined;
  let used = 0;
  let lastStart = reading.startedAt;
  for (const start of starts) {
    const isCarrier = start.startedAt === reading.startedAt && start.finishedAt === reading.answeredAt;
    if (isCarrier) continue;
    if (start.finishedAt !== undefined && start.finishedAt <= reading.answeredAt) continue;
    used += 1;
    if (start.startedAt > lastStart) lastStart = start.startedAt;
  }
  const left = reading.remaining - used;
  const nextAt = left <= 0 ? reading.resetAt : lastStart + (reading.resetAt - lastStart) / (left + 1);
  return { reading, left: Math.max(0, left), nextAt: Math.ceil(nextAt) };
}
