import { describe, expect, it } from 'vitest';
import { isRetryable, MIN_RETRY_WAIT_MS, planRetry, RETRY_JITTER } from '@/utils/queue/retry';
import type { FailureKind } from '@/utils/queue/types';

describe('retry eligibility: only what can succeed later', () => {
  it.each([
    ['reset', undefined, true],
    ['timeout', undefined, true],
    ...[408, 429, 500, 502, 503, 504].map((status) => ['http', status, true] as const),
    ...[400, 401, 403, 404, 409, 413, 415, 422, 501, 505, 507].map((status) => ['http', status, false] as const),
    ['unreadable', 200, false],
    ['file', undefined, false],
    ['cancelled', undefined, false],
  ] as [FailureKind, number | undefined, boolean][])('%s %s -> %s', (kind, httpStatus, expected) => {
    expect(isRetryable({ kind, httpStatus })).toBe(expected);
  });
});

describe('planRetry', () => {
  const base = {
    failure: { kind: 'reset' as FailureKind },
    retriesDone: 0,
    maxRetries: 1,
    finishedAt: 100_000,
    gapMs: 20_000,
    random: 0,
  };

  it.each([
    { case: 'twice the gap, no jitter at 0', input: {}, expected: 100_000 + 40_000 },
    {
      case: 'the jitter stretches the wait by at most a fifth',
      input: { random: 0.999_999 },
      expected: 100_000 + Math.ceil(40_000 * (1 + RETRY_JITTER * 0.999_999)),
    },
    {
      case: 'Retry-After longer than twice the gap wins',
      input: { retryAfterAt: 100_000 + 90_000 },
      expected: 190_000,
    },
    {
      case: 'twice the gap wins over a shorter Retry-After',
      input: { retryAfterAt: 100_000 + 5_000 },
      expected: 140_000,
    },
    { case: 'a zero gap still waits the minimum', input: { gapMs: 0 }, expected: 100_000 + MIN_RETRY_WAIT_MS },
    { case: 'a second retry when allowed', input: { retriesDone: 1, maxRetries: 2 }, expected: 140_000 },
    { case: 'not after the allowed number', input: { retriesDone: 1, maxRetries: 1 }, expected: null },
    { case: 'never with 0 retries allowed', input: { maxRetries: 0 }, expected: null },
    { case: 'never more than 3, whatever the setting', input: { retriesDone: 3, maxRetries: 10 }, expected: null },
    { case: 'never for a 400', input: { failure: { kind: 'http' as FailureKind, httpStatus: 400 } }, expected: null },
    {
      case: 'a 503 is retried',
      input: { failure: { kind: 'http' as FailureKind, httpStatus: 503 } },
      expected: 140_000,
    },
  ])('$case', ({ input, expected }) => {
    expect(planRetry({ ...base, ...input })).toBe(expected);
  });

  it('the jitter never brings a retry sooner than the rule, for any random number', () => {
    for (let index = 0; index < 100; index += 1) {
      const at = planRetry({ ...base, random: index / 100, retryAfterAt: 100_000 + 60_000 }) as number;
      expect(at).toBeGreaterThanOrEqual(160_000);
      expect(at).toBeLessThanOrEqual(100_000 + Math.ceil(60_000 * (1 + RETRY_JITTER)));
    }
  });
});
