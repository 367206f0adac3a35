import type { AttemptRecord, QueueItem } from '../queue/types';

/**
 * The adaptive gap is a fold over the attempts the store holds, not state in
 * memory: the worker can die at any moment. Why additive decrease and
 * multiplicative increase: docs/pacing.md, "Adaptive mode".
 */
export interface AdaptiveParams {
  /** The gap before anything is known about the server. */
  startGapMs: number;
  /** Never closer than this. */
  floorMs: number;
  /** Subtracted after each clean, fast upload. */
  stepMs: number;
  /** Multiplies the gap on a reset, abort, timeout, 429 or 503. */
  factor: number;
  /** Never wider than this. */
  maxGapMs: number;
}

/** Why these numbers (2 s start, 0.5 s steps, doubling): docs/pacing.md, "Adaptive mode". */
export const ADAPTIVE_DEFAULTS = {
  startGapMs: 2_000,
  stepMs: 500,
  factor: 2,
  maxGapMs: 5 * 60_000,
} as const satisfies Omit<AdaptiveParams, 'floorMs'>;

/** Signs that the server or the path to it is overloaded. Other failures say nothing about load. */
export function isOverloadSign(attempt: Pick<AttemptRecord, 'result' | 'httpStatus'>): boolean {
  if (attempt.result === 'reset' || attempt.result === 'timeout') return true;
  return attempt.result === 'http' && (attempt.httpStatus === 429 || attempt.httpStatus === 503);
}

/** Shrinks only after an upload no longer than the gap, so overlap cannot build up (docs/pacing.md, "Adaptive mode"). */
export function nextGapMs(gapMs: number, attempt: AttemptRecord, params: AdaptiveParams): number {
  if (isOverloadSign(attempt)) return Math.min(params.maxGapMs, Math.max(gapMs, params.stepMs) * params.factor);
  if (attempt.result === 'ok' && attempt.finishedAt - attempt.startedAt <= gapMs) {
    return Math.max(params.floorMs, gapMs - params.stepMs);
  }
  return gapMs;
}

export function adaptiveGapMs(attempts: readonly AttemptRecord[], params: AdaptiveParams): number {
  const ordered = [...attempts].sort((a, b) => a.finishedAt - b.finishedAt || a.startedAt - b.startedAt);
  let gap = Math.max(params.floorMs, params.startGapMs);
  for (const attempt of ordered) gap = nextGapMs(gap, attempt, params);
  return gap;
}

/** Every recorded attempt to one destination. */
export function attemptsTo(
  items: readonly Pick<QueueItem, 'destinationKey' | 'attemptLog'>[],
  destinationKey: string,
): AttemptRecord[] {
  return items.flatMap((item) => (item.destinationKey === destinationKey ? (item.attemptLog ?? []) : []));
}
