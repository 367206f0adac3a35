import { describe, expect, it } from 'vitest';
import { validateDestination } from '@/utils/destinations/model';
import {
  BODY_LIMIT_WAIT_MS,
  bodyPatternProblem,
  bodySaysLimited,
  readRateLimit,
  readRateLimitHeaders,
  readReset,
} from '@/utils/pacing/rate-limit';
import { parseReply } from '@/utils/upload/parse-reply';
import type { ReplyInfo } from '@/utils/upload/read-reply';
import { makeSnapshot } from '../factories/destination';

const NOW = 1_700_000_000_000;
const headers = (values: Record<string, string>) => new Headers(values);

describe('rate-limit headers, each style', () => {
  it('IETF draft: RateLimit-Policy names the quota and window, RateLimit the state (structured fields)', () => {
    expect(
      readRateLimitHeaders(headers({ 'RateLimit-Policy': '"burst";q=100;w=60', RateLimit: '"burst";r=50;t=30' }), NOW),
    ).toEqual({ source: 'ietf', remaining: 50, resetAt: NOW + 30_000, limit: 100, windowMs: 60_000 });
  });

  it('IETF draft with two policies: the tighter one paces (none left beats some left)', () => {
    const signal = readRateLimitHeaders(
      headers({
        'RateLimit-Policy': '"burst";q=100;w=60, "daily";q=1000;w=86400',
        RateLimit: '"burst";r=50;t=30, "daily";r=0;t=3600',
      }),
      NOW,
    );
    expect(signal).toEqual({
      source: 'ietf',
      remaining: 0,
      resetAt: NOW + 3_600_000,
      limit: 1000,
      windowMs: 86_400_000,
    });
  });

  it('IETF draft: a state without t assumes its whole window is ahead', () => {
    expect(
      readRateLimitHeaders(headers({ 'RateLimit-Policy': '"default";q=10;w=2', RateLimit: '"default";r=3' }), NOW),
    ).toMatchObject({ remaining: 3, resetAt: NOW + 2_000 });
  });

  it("the earlier draft's dictionary (limit=, remaining=, reset=) and its bare-number policy", () => {
    expect(
      readRateLimitHeaders(
        headers({ RateLimit: 'limit=100, remaining=7, reset=20', 'RateLimit-Policy': '100;w=60' }),
        NOW,
      ),
    ).toEqual({ source: 'ietf', remaining: 7, resetAt: NOW + 20_000, limit: 100, windowMs: 60_000 });
  });

  it('RateLimit-Limit / -Remaining / -Reset (seconds from now)', () => {
    expect(
      readRateLimitHeaders(
        headers({ 'RateLimit-Limit': '10', 'RateLimit-Remaining': '4', 'RateLimit-Reset': '12' }),
        NOW,
      ),
    ).toEqual({ source: 'ratelimit-fields', remaining: 4, resetAt: NOW + 12_000, limit: 10 });
  });

  it('X-RateLimit-* with the reset as seconds, or as an epoch time (GitHub)', () => {
    expect(
      readRateLimitHeaders(
        headers({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '59', 'X-RateLimit-Reset': '60' }),
        NOW,
      ),
    ).toEqual({ source: 'x-ratelimit', remaining: 59, resetAt: NOW + 60_000, limit: 60 });
    const epochSeconds = String((NOW + 600_000) / 1000);
    expect(
      readRateLimitHeaders(headers({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': epochSeconds }), NOW),
    ).toEqual({ source: 'x-ratelimit', remaining: 0, resetAt: NOW + 600_000 });
  });

  it("imgur's post limit is known without a setting, as a limit per hour", () => {
    expect(
      readRateLimitHeaders(
        headers({
          'X-Post-Rate-Limit-Limit': '50',
          'X-Post-Rate-Limit-Remaining': '0',
          'X-Post-Rate-Limit-Reset': '1800',
        }),
        NOW,
      ),
    ).toEqual({ source: 'host', remaining: 0, resetAt: NOW + 1_800_000, limit: 50, windowMs: 3_600_000 });
  });

  it("a host's own trio, named by the destination's header prefix", () => {
    const own = headers({ 'X-Upload-Quota-Limit': '5', 'X-Upload-Quota-Remaining': '2', 'X-Upload-Quota-Reset': '9' });
    expect(readRateLimitHeaders(own, NOW)).toBeUndefined();
    expect(readRateLimitHeaders(own, NOW, { headerPrefix: 'X-Upload-Quota-', bodyPattern: '' })).toEqual({
      source: 'host',
      remaining: 2,
      resetAt: NOW + 9_000,
      limit: 5,
    });
  });

  it('unreadable values are skipped, never guessed', () => {
    expect(readRateLimitHeaders(headers({ RateLimit: '"x";r=oops' }), NOW)).toBeUndefined();
    expect(
      readRateLimitHeaders(headers({ 'X-RateLimit-Remaining': 'many', 'X-RateLimit-Reset': '5' }), NOW),
    ).toBeUndefined();
    expect(readRateLimitHeaders(headers({ 'RateLimit-Remaining': '3' }), NOW)).toBeUndefined();
    expect(readReset('-4', NOW)).toBeUndefined();
    expect(readReset('tomorrow', NOW)).toBeUndefined();
  });

  it('a reset in epoch milliseconds, or already past, never lands before now', () => {
    expect(readReset(String(NOW + 5_000), NOW)).toBe(NOW + 5_000);
    expect(readReset(String((NOW - 60_000) / 1000), NOW)).toBe(NOW);
  });
});

describe('a limit reported in a 200 body', () => {
  it('a JSON field (json:FIELD, or the bare path) is a refusal when truthy', () => {
    expect(bodySaysLimited('{"ratelimited": true}', 'json:ratelimited')).toBe(true);
    expect(bodySaysLimited('{"error": {"ratelimited": 1}}', 'error.ratelimited')).toBe(true);
    expect(bodySaysLimited('{"ratelimited": false, "url": "x"}', 'json:ratelimited')).toBe(false);
    expect(bodySaysLimited('not json', 'json:ratelimited')).toBe(false);
  });

  it('a /regex/ with flags', () => {
    expect(bodySaysLimited('{"status":"Rate Limit exceeded"}', '/rate limit/i')).toBe(true);
    expect(bodySaysLimited('{"url":"x"}', '/rate limit/i')).toBe(false);
  });

  it('a broken pattern never matches, and the editor names it', () => {
    expect(bodySaysLimited('anything', '/(/')).toBe(false);
    expect(bodyPatternProblem('/(/')).toBe('not a valid regular expression');
    expect(bodyPatternProblem('json:a b')).toBe('write json:FIELD or /REGEX/');
    expect(bodyPatternProblem('json:ratelimited')).toBeUndefined();
    expect(bodyPatternProblem('')).toBeUndefined();
  });

  it("waits until the headers' reset, else the Retry-After, else BODY_LIMIT_WAIT_MS", () => {
    const setting = { headerPrefix: '', bodyPattern: 'json:ratelimited' };
    const body = '{"ratelimited": true}';
    const withReset = headers({ 'X-RateLimit-Remaining': '3', 'X-RateLimit-Reset': '40' });
    expect(readRateLimit({ headers: withReset, body, success: true }, NOW, setting, undefined)).toEqual({
      source: 'body',
      remaining: 0,
      resetAt: NOW + 40_000,
    });
    expect(readRateLimit({ headers: headers({}), body, success: true }, NOW, setting, NOW + 7_000)).toMatchObject({
      resetAt: NOW + 7_000,
    });
    expect(readRateLimit({ headers: headers({}), body, success: true }, NOW, setting, undefined)).toMatchObject({
      resetAt: NOW + BODY_LIMIT_WAIT_MS,
    });
  });
});

describe('parseReply carries the signal; a matching 200 is never "Done"', () => {
  const reply = (status: number, body: string, values: Record<string, string> = {}): ReplyInfo => ({
    status,
    body,
    headers: headers({ 'content-type': 'application/json', ...values }),
    url: 'https://img.example/upload',
  });

  it('a 200 whose body matches the pattern is a rate-limited refusal, retried at the reset', () => {
    const spec = makeSnapshot({ rateLimit: { headerPrefix: '', bodyPattern: 'json:ratelimited' } });
    const outcome = parseReply(
      spec,
      reply(200, '{"ratelimited": true, "url": "https://img.example/x.jpg"}', {
        'RateLimit-Reset': '30',
        'RateLimit-Remaining': '0',
      }),
      'a.jpg',
      NOW,
    );
    expect(outcome).toMatchObject({
      ok: false,
      kind: 'http',
      httpStatus: 200,
      problem: 'rate-limited',
      retryAfterAt: NOW + 30_000,
      rateLimit: { source: 'body', remaining: 0, resetAt: NOW + 30_000 },
    });
  });

  it('a "rate limited" body without a URL waits for the Retry-After of the 200', () => {
    const spec = makeSnapshot({ rateLimit: { headerPrefix: '', bodyPattern: 'json:ratelimited' } });
    expect(parseReply(spec, reply(200, '{"ratelimited": true}', { 'Retry-After': '2' }), 'a.jpg', NOW)).toMatchObject({
      ok: false,
      problem: 'rate-limited',
      retryAfterAt: NOW + 2_000,
    });
  });

  it('without a body pattern the same 200 is done, and its headers ride along', () => {
    const outcome = parseReply(
      makeSnapshot(),
      reply(200, '{"ratelimited": true, "url": "https://img.example/x.jpg"}', {
        'X-RateLimit-Remaining': '9',
        'X-RateLimit-Reset': '30',
      }),
      'a.jpg',
      NOW,
    );
    expect(outcome).toMatchObject({
      ok: true,
      resultUrl: 'https://img.example/x.jpg',
      rateLimit: { source: 'x-ratelimit', remaining: 9, resetAt: NOW + 30_000 },
    });
  });

  it('a 429 with a used-up quota and no Retry-After comes back at the reset', () => {
    const outcome = parseReply(
      makeSnapshot(),
      reply(429, '{"error":"slow down"}', { 'RateLimit-Policy': '"p";q=5;w=10', RateLimit: '"p";r=0;t=8' }),
      'a.jpg',
      NOW,
    );
    expect(outcome).toMatchObject({ ok: false, httpStatus: 429, retryAfterAt: NOW + 8_000 });
  });
});

describe('the destination setting', () => {
  it('the editor names a bad body pattern and a bad header prefix', () => {
    const problems = validateDestination(
      makeSnapshot({ name: 'Host', rateLimit: { headerPrefix: 'X Bad:', bodyPattern: '/(/' } }),
    );
    expect(problems.map((problem) => problem.field)).toEqual(['rateLimit.headerPrefix', 'rateLimit.bodyPattern']);
    expect(
      validateDestination(
        makeSnapshot({
          name: 'Host',
          rateLimit: { headerPrefix: 'X-Post-Rate-Limit-', bodyPattern: 'json:ratelimited' },
        }),
      ),
    ).toEqual([]);
  });
});
