import { describe, expect, it } from 'vitest';
import type { Destination } from '@/utils/destinations/model';
import { isRetryable } from '@/utils/queue/retry';
import { NO_URL_IN_REPLY, parseReply, parseRetryAfter } from '@/utils/upload/parse-reply';
import type { ReplyInfo } from '@/utils/upload/read-reply';
import { makeSnapshot } from '../factories/destination';

function makeReply(overrides: Partial<ReplyInfo> & { json?: unknown } = {}): ReplyInfo {
  const { json, ...rest } = overrides;
  return {
    status: 200,
    headers: new Headers({ 'content-type': 'application/json' }),
    url: 'https://up.example/api',
    body: json === undefined ? '{"url":"https://cdn.example/a.jpg"}' : JSON.stringify(json),
    ...rest,
  };
}

describe('parseReply', () => {
  it.each([
    {
      case: 'the default {json:url} becomes the result link',
      spec: {},
      reply: makeReply(),
      expected: { ok: true, httpStatus: 200, resultUrl: 'https://cdn.example/a.jpg' },
    },
    {
      case: 'nested JSON with thumbnail and deletion URLs',
      spec: {
        reply: {
          url: '{json:data.url}',
          thumbnailUrl: '{json:data.thumb.url}',
          deletionUrl: '{json:data.delete_url}',
          errorMessage: '',
        },
      },
      reply: makeReply({
        json: { data: { url: 'https://i/1', thumb: { url: 'https://i/t' }, delete_url: 'https://i/d' } },
      }),
      expected: {
        ok: true,
        httpStatus: 200,
        resultUrl: 'https://i/1',
        thumbnailUrl: 'https://i/t',
        deletionUrl: 'https://i/d',
      },
    },
    {
      case: 'a plain-text reply with {response}',
      spec: { reply: { url: '{response}', thumbnailUrl: '', deletionUrl: '', errorMessage: '' } },
      reply: makeReply({ body: 'https://i/plain.png\n', headers: new Headers({ 'content-type': 'text/plain' }) }),
      expected: { ok: true, httpStatus: 200, resultUrl: 'https://i/plain.png' },
    },
    {
      case: 'a Location header',
      spec: { reply: { url: '{header:Location}', thumbnailUrl: '', deletionUrl: '', errorMessage: '' } },
      reply: makeReply({ status: 201, body: '', headers: new Headers({ location: 'https://i/loc.png' }) }),
      expected: { ok: true, httpStatus: 201, resultUrl: 'https://i/loc.png' },
    },
    {
      case: 'a 2xx whose URL template finds nothing is a named error',
      spec: {},
      reply: makeReply({ json: { ok: true } }),
      expected: { ok: false, kind: 'unreadable', httpStatus: 200, error: NO_URL_IN_REPLY, excerpt: '{"ok":true}' },
    },
    {
      case: 'no URL template: success by status alone (a page form)',
      spec: { reply: { url: '', thumbnailUrl: '', deletionUrl: '', errorMessage: '' } },
      reply: makeReply({ body: '<html>thanks</html>' }),
      expected: { ok: true, httpStatus: 200 },
    },
    {
      case: 'a non-http URL is kept as text (the UI never links it)',
      spec: {},
      reply: makeReply({ json: { url: 'javascript:alert(1)' } }),
      expected: { ok: true, httpStatus: 200, resultUrl: 'javascript:alert(1)' },
    },
    {
      case: 'a status outside the success list fails with an excerpt',
      spec: { successStatuses: '200' },
      reply: makeReply({ status: 201, body: 'created\n  elsewhere' }),
      expected: {
        ok: false,
        kind: 'http',
        httpStatus: 201,
        error: 'HTTP 201: created elsewhere',
        excerpt: 'created elsewhere',
      },
    },
    {
      case: 'a 3xx listed as success succeeds',
      spec: {
        successStatuses: '2xx, 302',
        reply: { url: '{header:Location}', thumbnailUrl: '', deletionUrl: '', errorMessage: '' },
      },
      reply: makeReply({ status: 302, body: '', headers: new Headers({ location: 'https://i/r' }) }),
      expected: { ok: true, httpStatus: 302, resultUrl: 'https://i/r' },
    },
    {
      case: 'the error template reads the message',
      spec: { reply: { url: '{json:url}', thumbnailUrl: '', deletionUrl: '', errorMessage: '{json:error.message}' } },
      reply: makeReply({ status: 400, json: { error: { message: 'File too large' } } }),
      expected: {
        ok: false,
        kind: 'http',
        httpStatus: 400,
        error: 'HTTP 400: File too large',
        excerpt: '{"error":{"message":"File too large"}}',
      },
    },
    {
      case: 'an error template that finds nothing falls back to the excerpt',
      spec: { reply: { url: '{json:url}', thumbnailUrl: '', deletionUrl: '', errorMessage: '{json:error.message}' } },
      reply: makeReply({ status: 500, body: '<h1>Internal\n  error</h1>' }),
      expected: {
        ok: false,
        kind: 'http',
        httpStatus: 500,
        error: 'HTTP 500: Internal error',
        excerpt: 'Internal error',
      },
    },
    {
      case: 'an empty 404 names its status',
      spec: {},
      reply: makeReply({ status: 404, body: '' }),
      expected: { ok: false, kind: 'http', httpStatus: 404, error: 'HTTP 404' },
    },
    {
      case: 'a broken URL template is named, not a crash',
      spec: { reply: { url: '{json:url', thumbnailUrl: '', deletionUrl: '', errorMessage: '' } },
      reply: makeReply(),
      expected: {
        ok: false,
        kind: 'unreadable',
        httpStatus: 200,
        error: 'uploaded, but the URL template is broken: {json:... is not closed with "}"',
      },
    },
  ] satisfies { case: string; spec: Partial<Destination>; reply: ReplyInfo; expected: unknown }[])(
    '$case',
    ({ spec, reply, expected }) => {
      expect(parseReply(makeSnapshot(spec), reply, 'a.jpg')).toEqual(expected);
    },
  );

  it('keeps at most 300 characters of an error body', () => {
    const outcome = parseReply(makeSnapshot(), makeReply({ status: 413, body: 'x'.repeat(5_000) }));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.error.length).toBe('HTTP 413: '.length + 300);
    expect(outcome.ok === false && outcome.excerpt?.length).toBe(300);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);
  it.each([
    { case: 'whole seconds', value: '120', expected: now + 120_000 },
    { case: 'zero seconds', value: '0', expected: now },
    { case: 'seconds with spaces', value: ' 5 ', expected: now + 5_000 },
    { case: 'an HTTP date', value: 'Thu, 26 Nov 2026 12:01:30 GMT', expected: now + 90_000 },
    { case: 'an HTTP date in the past means now', value: 'Thu, 26 Nov 2026 11:00:00 GMT', expected: now },
    { case: 'absent', value: null, expected: undefined },
    { case: 'empty', value: '', expected: undefined },
    { case: 'negative seconds are unreadable', value: '-5', expected: undefined },
    { case: 'fractional seconds are unreadable', value: '1.5', expected: undefined },
    { case: 'a date without a zone is unreadable', value: '2026-11-26 12:05', expected: undefined },
    { case: 'garbage', value: 'soon', expected: undefined },
  ])('$case: $value', ({ value, expected }) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([
    ['seconds', '30', 1_000 + 30_000],
    ['an HTTP date', 'Thu, 01 Jan 1970 00:01:00 GMT', 60_000],
  ])('a 429 with Retry-After in %s carries the absolute time', (_, header, expected) => {
    const reply = makeReply({
      status: 429,
      body: 'slow down',
      headers: new Headers({ 'content-type': 'text/plain', 'retry-after': header }),
    });
    expect(parseReply(makeSnapshot(), reply, 'a.jpg', 1_000)).toEqual({
      ok: false,
      kind: 'http',
      httpStatus: 429,
      error: 'HTTP 429: slow down',
      excerpt: 'slow down',
      retryAfterAt: expected,
    });
  });
});

describe('hostile replies: each a named error with a short excerpt, retried only when later may work', () => {
  const html = () => new Headers({ 'content-type': 'text/html; charset=utf-8' });
  it.each([
    {
      case: 'an HTML error page with status 200',
      reply: makeReply({
        headers: html(),
        body: '<!doctype html><html><head><title>Service unavailable</title><style>p{}</style></head><body><p>Try later &amp; again</p><script>track()</script></body></html>',
      }),
      expected: {
        ok: false,
        kind: 'unreadable',
        httpStatus: 200,
        problem: 'html-page',
        error: 'The server answered with an HTML page, not the expected reply',
        excerpt: 'Service unavailable Try later & again',
      },
    },
    {
      case: 'invalid JSON with a JSON content type',
      reply: makeReply({ body: '{"url": "https://cdn.example/a.jpg", oops' }),
      expected: {
        ok: false,
        kind: 'unreadable',
        httpStatus: 200,
        problem: 'invalid-json',
        error: 'The reply is not valid JSON',
        excerpt: '{"url": "https://cdn.example/a.jpg", oops',
      },
    },
    {
      case: 'a redirect to a sign-in page (its query, which may carry a token, left out)',
      reply: makeReply({
        headers: html(),
        url: 'https://up.example/login?next=%2Fupload&token=abc',
        redirected: true,
        body: '<html><title>Sign in</title><form><input name=user></form></html>',
      }),
      expected: {
        ok: false,
        kind: 'unreadable',
        httpStatus: 200,
        problem: 'sign-in-redirect',
        error: 'Redirected to a sign-in page: https://up.example/login',
        excerpt: 'Sign in',
      },
    },
    {
      case: '401',
      reply: makeReply({ status: 401, body: '{"error":"token expired"}' }),
      expected: {
        ok: false,
        kind: 'http',
        httpStatus: 401,
        problem: 'sign-in-required',
        error: 'HTTP 401: {"error":"token expired"}',
        excerpt: '{"error":"token expired"}',
      },
    },
    {
      case: '403',
      reply: makeReply({ status: 403, body: 'Forbidden' }),
      expected: {
        ok: false,
        kind: 'http',
        httpStatus: 403,
        problem: 'forbidden',
        error: 'HTTP 403: Forbidden',
        excerpt: 'Forbidden',
      },
    },
    {
      case: '413',
      reply: makeReply({ status: 413, headers: html(), body: '<h1>413 Request Entity Too Large</h1>' }),
      expected: {
        ok: false,
        kind: 'http',
        httpStatus: 413,
        problem: 'too-large-for-server',
        error: 'HTTP 413: 413 Request Entity Too Large',
        excerpt: '413 Request Entity Too Large',
      },
    },
  ] satisfies { case: string; reply: ReplyInfo; expected: unknown }[])('$case', ({ reply, expected }) => {
    const outcome = parseReply(makeSnapshot(), reply, 'a.jpg');
    expect(outcome).toEqual(expected);
    // None of these can succeed by sending the same again.
    expect(isRetryable(outcome as { kind: 'http'; httpStatus: number })).toBe(false);
  });

  it('an HTML page after a redirect to a JSON reply is no problem when the URL is found', () => {
    const reply = makeReply({ redirected: true, url: 'https://up.example/api/v2' });
    expect(parseReply(makeSnapshot(), reply)).toEqual({
      ok: true,
      httpStatus: 200,
      resultUrl: 'https://cdn.example/a.jpg',
    });
  });

  it('an excerpt is one line of at most 300 characters, even from a huge page', () => {
    const reply = makeReply({ headers: html(), body: `<html><p>${'word '.repeat(10_000)}</p>` });
    const outcome = parseReply(makeSnapshot(), reply);
    expect(outcome.ok === false && outcome.excerpt?.length).toBe(300);
  });
});
