import type { FailureKind, ReplyProblem } from './types';

/**
 * Retry is the last resort: only for failures that can succeed later, at
 * most a few times, and never sooner than the server asked or twice the
 * current gap, so a retry never adds to the load that caused the failure.
 */

/** Statuses that say "later may work". Every other 4xx is the request's fault and would fail again. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Automatic retries per item. */
export const MAX_RETRIES_LIMIT = 3;

/**
 * Times one item is sent again after a reply whose body said "rate limited",
 * apart from the retries: a long run of them means the destination's body
 * pattern matches replies that are no refusal, and the item fails by name.
 */
export const MAX_RATE_LIMITED_WAITS = 10;

/** Retries never come sooner than this, even with a zero delay. */
export const MIN_RETRY_WAIT_MS = 1_000;

/** The wait is stretched by up to this fraction, so items failed together do not retry together. */
export const RETRY_JITTER = 0.2;

export function isRetryable(failure: { kind: FailureKind; httpStatus?: number; problem?: ReplyProblem }): boolean {
  if (failure.kind === 'reset' || failure.kind === 'timeout' || failure.problem === 'rate-limited') return true;
  return failure.kind === 'http' && failure.httpStatus !== undefined && RETRYABLE_STATUSES.has(failure.httpStatus);
}

export interface RetryInput {
  failure: { kind: FailureKind; httpStatus?: number; problem?: ReplyProblem };
  /** Automatic retries this item already had. */
  retriesDone: number;
  /** Times this item was already sent again after a "rate limited" body (not counted as retries). */
  rateLimitedWaits?: number;
  maxRetries: number;
  finishedAt: number;
  /** From Retry-After, absolute. */
  retryAfterAt?: number;
  /** The current gap of the queue's pace (after this failure was taken into account). */
  gapMs: number;
  /** A number in [0, 1) from the caller: the scheduler stays deterministic. */
  random: number;
  /**
   * Never sooner than this; MIN_RETRY_WAIT_MS unless the adaptive pace
   * already backed off below what the failed attempt met (then the pace alone holds it).
   */
  minWaitMs?: number;
}

/** When to try again (absolute ms), or null when this failure is final. */
export function planRetry(input: RetryInput): number | null {
  if (!isRetryable(input.failure)) return null;
  const exhausted =
    input.failure.problem === 'rate-limited'
      ? (input.rateLimitedWaits ?? 0) >= MAX_RATE_LIMITED_WAITS
      : input.retriesDone >= Math.min(input.maxRetries, MAX_RETRIES_LIMIT);
  if (exhausted) return null;
  const serverWait = input.retryAfterAt === undefined ? 0 : input.retryAfterAt - input.finishedAt;
  const wait = Math.max(serverWait, 2 * input.gapMs, input.minWaitMs ?? MIN_RETRY_WAIT_MS);
  // The destination's quota already spreads what waits for it: jitter would only add to an hour's hold.
  const random = input.failure.problem === 'rate-limited' ? 0 : Math.min(Math.max(input.random, 0), 1);
  return input.finishedAt + Math.ceil(wait * (1 + RETRY_JITTER * random));
}
