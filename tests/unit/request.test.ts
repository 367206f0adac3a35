import { describe, expect, it } from 'vitest';
import { buildUploadRequest, parseRetryAfter, parseUploadResponse } from '@/utils/upload/request';

describe('buildUploadRequest', () => {
  const item = {
    destinationUrl: 'https://uploads.example/api/images?album=7',
    fileFieldName: 'image',
    name: 'cat.jpg',
    idempotencyKey: 'key-123',
  };

  it('POSTs multipart/form-data with the file in the configured field, named after the image', async () => {
    const request = buildUploadRequest(item, new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }));
    expect(request.method).toBe('POST');
    expect(request.url).toBe(item.destinationUrl);
    expect(request.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await request.formData();
    expect([...form.keys()]).toEqual(['image']);
    const file = form.get('image') as File;
    expect(file.name).toBe('cat.jpg');
    expect(file.type).toBe('image/jpeg');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('carries the item idempotency key and sends no cookies', () => {
    const request = buildUploadRequest(item, new Blob(['x']));
    expect(request.headers.get('idempotency-key')).toBe('key-123');
    expect(request.credentials).toBe('omit');
  });
});

describe('parseUploadResponse', () => {
  it.each([
    {
      case: 'a JSON url becomes the result link',
      status: 200,
      type: 'application/json',
      body: '{"url":"https://cdn.example/a.jpg"}',
      expected: { ok: true, httpStatus: 200, resultUrl: 'https://cdn.example/a.jpg' },
    },
    {
      case: 'any 2xx is success',
      status: 201,
      type: 'application/json; charset=utf-8',
      body: '{"url":"http://127.0.0.1/x"}',
      expected: { ok: true, httpStatus: 201, resultUrl: 'http://127.0.0.1/x' },
    },
    {
      case: 'a plain-text 200 succeeds without a link',
      status: 200,
      type: 'text/plain',
      body: 'ok',
      expected: { ok: true, httpStatus: 200 },
    },
    {
      case: 'a javascript: url is never a link',
      status: 200,
      type: 'application/json',
      body: '{"url":"javascript:alert(1)"}',
      expected: { ok: true, httpStatus: 200 },
    },
    {
      case: 'broken JSON on success is still success',
      status: 200,
      type: 'application/json',
      body: '{"url":',
      expected: { ok: true, httpStatus: 200 },
    },
    {
      case: 'a non-string url is ignored',
      status: 200,
      type: 'application/json',
      body: '{"url":42}',
      expected: { ok: true, httpStatus: 200 },
    },
    {
      case: 'a 500 names its status and an excerpt',
      status: 500,
      type: 'text/html',
      body: '<h1>Internal\n  error</h1>',
      expected: { ok: false, kind: 'http', httpStatus: 500, error: 'HTTP 500: <h1>Internal error</h1>' },
    },
    {
      case: 'an empty 404 names its status',
      status: 404,
      type: null,
      body: '',
      expected: { ok: false, kind: 'http', httpStatus: 404, error: 'HTTP 404' },
    },
    {
      case: 'a 3xx that reached us is not success',
      status: 302,
      type: 'text/html',
      body: '',
      expected: { ok: false, kind: 'http', httpStatus: 302, error: 'HTTP 302' },
    },
  ])('$case', ({ status, type, body, expected }) => {
    expect(parseUploadResponse(status, type, body)).toEqual(expected);
  });

  it('keeps at most 200 characters of an error body', () => {
    const outcome = parseUploadResponse(413, 'text/plain', 'x'.repeat(5_000));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.error.length).toBe('HTTP 413: '.length + 200);
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
    expect(parseUploadResponse(429, 'text/plain', 'slow down', header, 1_000)).toEqual({
      ok: false,
      kind: 'http',
      httpStatus: 429,
      error: 'HTTP 429: slow down',
      retryAfterAt: expected,
    });
  });
});
