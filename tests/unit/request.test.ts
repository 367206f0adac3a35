import { describe, expect, it } from 'vitest';
import type { Destination } from '@/utils/destinations/model';
import { TemplateError } from '@/utils/destinations/template';
import {
  buildUploadRequest,
  NO_URL_IN_REPLY,
  parseRetryAfter,
  parseUploadResponse,
  type ReplyInfo,
} from '@/utils/upload/request';
import { makeSnapshot } from '../factories/destination';

const BYTES = new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02]);
const BYTES_BASE64 = '/9j/AAEC';

function makeBlob(): Blob {
  return new Blob([BYTES], { type: 'image/jpeg' });
}

async function build(overrides: Partial<Destination>, name = 'cat "1".jpg') {
  return buildUploadRequest({ destination: makeSnapshot(overrides), name, idempotencyKey: 'key-123' }, makeBlob(), {
    random: () => 1,
  });
}

describe('buildUploadRequest, per body type', () => {
  it('multipart: the file in its field, named after the image, after the text fields (templates rendered)', async () => {
    const request = await build({
      url: 'https://up.example/api/images?album=7&name={filename}',
      body: { kind: 'multipart', fileField: 'image', fields: [{ name: 'title', value: '{filename} / {random:x|y}' }] },
    });
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://up.example/api/images?album=7&name=cat%20%221%22.jpg');
    expect(request.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await request.formData();
    expect([...form.keys()]).toEqual(['title', 'image']);
    expect(form.get('title')).toBe('cat "1".jpg / y');
    const file = form.get('image') as File;
    expect(file.name).toBe('cat "1".jpg');
    expect(file.type).toBe('image/jpeg');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(BYTES);
  });

  it('raw binary: the file is the body, its type the Content-Type', async () => {
    const request = await build(
      { method: 'PUT', url: 'https://up.example/put/{filename}', body: { kind: 'binary' } },
      'a.jpg',
    );
    expect(request.method).toBe('PUT');
    expect(request.url).toBe('https://up.example/put/a.jpg');
    expect(request.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(BYTES);
  });

  it('JSON template: {base64} is the file, values JSON-escaped', async () => {
    const request = await build({
      method: 'PATCH',
      body: { kind: 'json', template: '{"image": "{base64}", "name": "{filename}", "meta": {"n": 1}}' },
    });
    expect(request.method).toBe('PATCH');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(await request.json()).toEqual({ image: BYTES_BASE64, name: 'cat "1".jpg', meta: { n: 1 } });
  });

  it('form-urlencoded: a field with {base64} carries the file', async () => {
    const request = await build({
      body: {
        kind: 'form-urlencoded',
        fields: [
          { name: 'key', value: 'k1' },
          { name: 'image', value: '{base64}' },
        ],
      },
    });
    expect(request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const sent = new URLSearchParams(await request.text());
    expect([...sent.entries()]).toEqual([
      ['key', 'k1'],
      ['image', BYTES_BASE64],
    ]);
  });

  it.each([
    { sendCookies: false, credentials: 'omit' },
    { sendCookies: true, credentials: 'include' },
  ] as const)('sendCookies $sendCookies -> credentials $credentials', async ({ sendCookies, credentials }) => {
    expect((await build({ sendCookies })).credentials).toBe(credentials);
  });

  it('headers are rendered; the Idempotency-Key is always the item key', async () => {
    const request = await build({
      headers: [
        { name: 'Authorization', value: 'Bearer s3cret' },
        { name: 'X-File', value: '{filename}' },
        { name: 'Idempotency-Key', value: 'user-set' },
      ],
    });
    expect(request.headers.get('authorization')).toBe('Bearer s3cret');
    expect(request.headers.get('x-file')).toBe('cat "1".jpg');
    expect(request.headers.get('idempotency-key')).toBe('key-123');
  });

  it('a base64 body of a larger file matches the bytes', async () => {
    const big = new Uint8Array(200_000).map((_, index) => (index * 31) % 256);
    const request = await buildUploadRequest(
      {
        destination: makeSnapshot({ body: { kind: 'json', template: '{"b":"{base64}"}' } }),
        name: 'x',
        idempotencyKey: 'k',
      },
      new Blob([big]),
    );
    const { b } = (await request.json()) as { b: string };
    expect(Buffer.from(b, 'base64').equals(Buffer.from(big))).toBe(true);
  });

  it.each([
    { case: 'a malformed template', url: 'https://up.example/{filename', error: TemplateError },
    { case: 'a URL that renders to a non-http address', url: 'javascript:alert(1)', error: Error },
  ])('rejects $case', async ({ url, error }) => {
    await expect(build({ url })).rejects.toBeInstanceOf(error);
  });
});

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

describe('parseUploadResponse', () => {
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
      reply: makeReply({ body: 'ok', headers: new Headers({ 'content-type': 'text/plain' }) }),
      expected: { ok: false, kind: 'unreadable', httpStatus: 200, error: NO_URL_IN_REPLY },
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
      expected: { ok: false, kind: 'http', httpStatus: 201, error: 'HTTP 201: created elsewhere' },
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
      expected: { ok: false, kind: 'http', httpStatus: 400, error: 'HTTP 400: File too large' },
    },
    {
      case: 'an error template that finds nothing falls back to the excerpt',
      spec: { reply: { url: '{json:url}', thumbnailUrl: '', deletionUrl: '', errorMessage: '{json:error.message}' } },
      reply: makeReply({ status: 500, body: '<h1>Internal\n  error</h1>' }),
      expected: { ok: false, kind: 'http', httpStatus: 500, error: 'HTTP 500: <h1>Internal error</h1>' },
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
      expect(parseUploadResponse(makeSnapshot(spec), reply, 'a.jpg')).toEqual(expected);
    },
  );

  it('keeps at most 200 characters of an error body', () => {
    const outcome = parseUploadResponse(makeSnapshot(), makeReply({ status: 413, body: 'x'.repeat(5_000) }));
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
    const reply = makeReply({
      status: 429,
      body: 'slow down',
      headers: new Headers({ 'content-type': 'text/plain', 'retry-after': header }),
    });
    expect(parseUploadResponse(makeSnapshot(), reply, 'a.jpg', 1_000)).toEqual({
      ok: false,
      kind: 'http',
      httpStatus: 429,
      error: 'HTTP 429: slow down',
      retryAfterAt: expected,
    });
  });
});
