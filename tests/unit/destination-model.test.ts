import { describe, expect, it } from 'vitest';
import {
  isSuccessStatus,
  originPattern,
  parseSuccessStatuses,
  snapshotOf,
  validateDestination,
  withoutSecrets,
} from '@/utils/destinations/model';
import { makeDestination, makeSnapshot } from '../factories/destination';

describe('success statuses', () => {
  it.each([
    ['2xx', 200, true],
    ['2xx', 299, true],
    ['2xx', 300, false],
    ['200, 201', 201, true],
    ['200, 201', 204, false],
    ['200-204, 302', 302, true],
    ['200-204, 302', 205, false],
  ])('%j with %d -> %s', (statuses, status, expected) => {
    expect(isSuccessStatus({ successStatuses: statuses }, status)).toBe(expected);
  });

  it.each(['', 'ok', '2xx,abc', '300-200', '6xx'])('%j is refused with a reason', (text) => {
    expect(parseSuccessStatuses(text)).toBeInstanceOf(Error);
  });
});

describe('validateDestination names every problem', () => {
  it.each([
    { case: 'a usable destination', overrides: {}, fields: [] },
    { case: 'no name', overrides: { name: ' ' }, fields: ['name'] },
    { case: 'a non-http URL', overrides: { url: 'ftp://x.example/' }, fields: ['url'] },
    { case: 'a malformed URL template', overrides: { url: 'https://x.example/{filename' }, fields: ['url'] },
    {
      case: 'a bad header name and value template',
      overrides: { headers: [{ name: 'Bad Name', value: '{nope}' }] },
      fields: ['header Bad Name', 'header Bad Name'],
    },
    {
      case: 'a Content-Type header that would fight the body',
      overrides: { headers: [{ name: 'content-type', value: 'multipart/form-data' }] },
      fields: ['header content-type'],
    },
    {
      case: 'a JSON body that is not JSON',
      overrides: { body: { kind: 'json' as const, template: '{"a": {base64}' } },
      fields: ['body.template'],
    },
    {
      case: 'a form-urlencoded body without the file',
      overrides: { body: { kind: 'form-urlencoded' as const, fields: [{ name: 'a', value: '1' }] } },
      fields: ['body.fields'],
    },
    {
      case: 'a reply template that reads the request',
      overrides: { reply: { url: '{base64}', thumbnailUrl: '', deletionUrl: '{json:x', errorMessage: '' } },
      fields: ['reply.url', 'reply.deletionUrl'],
    },
    { case: 'bad success statuses', overrides: { successStatuses: 'always' }, fields: ['successStatuses'] },
    {
      case: '{token} with no token step to fetch it',
      overrides: { body: { kind: 'multipart' as const, fileField: 'file', fields: [{ name: 't', value: '{token}' }] } },
      fields: ['tokenRequest.url'],
    },
    {
      case: 'a token step on another site, with no reader',
      overrides: { url: 'https://a.example/up', tokenRequest: { url: 'https://b.example/token', token: '' } },
      fields: ['tokenRequest.url', 'tokenRequest.token'],
    },
    {
      case: 'a token step that is fine',
      overrides: {
        url: 'https://a.example/api.php',
        tokenRequest: { url: 'https://a.example/api.php?meta=tokens', token: '{json:query.tokens.csrftoken}' },
        body: { kind: 'multipart' as const, fileField: 'file', fields: [{ name: 'token', value: '{token}' }] },
      },
      fields: [],
    },
  ])('$case', ({ overrides, fields }) => {
    expect(validateDestination(makeDestination(overrides)).map((problem) => problem.field)).toEqual(fields);
  });
});

describe('permissions and secrets', () => {
  it.each([
    ['https://img.example:8443/api?key=1', 'https://img.example/*'],
    ['http://127.0.0.1:8787/upload', 'http://127.0.0.1/*'],
    ['javascript:alert(1)', undefined],
    ['not a url', undefined],
  ])('origin pattern of %s is %s', (url, pattern) => {
    expect(originPattern(url)).toBe(pattern);
  });

  it('what the panel sees of a snapshot has no header values, field values, body template or query', () => {
    const visible = withoutSecrets(
      makeSnapshot({
        url: 'https://api.example/upload?key=SECRET1',
        headers: [{ name: 'Authorization', value: 'Bearer SECRET2' }],
        body: { kind: 'multipart', fileField: 'file', fields: [{ name: 'token', value: 'SECRET3' }] },
      }),
    );
    expect(JSON.stringify(visible)).not.toMatch(/SECRET/);
    expect(visible.url).toBe('https://api.example/upload');
    expect(visible.headers).toEqual([{ name: 'Authorization', value: '' }]);
    const json = withoutSecrets(makeSnapshot({ body: { kind: 'json', template: '{"key":"SECRET4","i":"{base64}"}' } }));
    expect(JSON.stringify(json)).not.toMatch(/SECRET/);
    const token = withoutSecrets(
      makeSnapshot({ tokenRequest: { url: 'https://api.example/token?key=SECRET5', token: '{json:token}' } }),
    );
    expect(JSON.stringify(token)).not.toMatch(/SECRET/);
    expect(token.tokenRequest).toEqual({ url: 'https://api.example/token', token: '{json:token}' });
  });
});

describe('snapshotOf: what a queued item keeps', () => {
  it('keeps the request, reply and pace, as a copy that later edits do not reach', () => {
    const destination = makeDestination({
      pacing: { mode: 'staggered', delayMs: 5_000, concurrency: 3, adaptiveFloorMs: 500, maxRetries: 2 },
      compressionPresetId: 'small',
      transparentAs: 'png',
      headers: [{ name: 'X-A', value: '1' }],
    });
    const snapshot = snapshotOf(destination);
    expect(snapshot.pacing).toEqual({
      mode: 'staggered',
      delayMs: 5_000,
      concurrency: 3,
      adaptiveFloorMs: 500,
      maxRetries: 2,
    });
    // Compression is done before hand-over: the queue has no use for these.
    expect('compressionPresetId' in snapshot).toBe(false);
    expect('transparentAs' in snapshot).toBe(false);
    (destination.headers[0] as { value: string }).value = 'edited';
    (destination.pacing as { delayMs: number }).delayMs = 1;
    expect(snapshot.pacing?.delayMs).toBe(5_000);
    destination.url = 'https://edited.example/';
    expect(snapshot.headers).toEqual([{ name: 'X-A', value: '1' }]);
    expect(snapshot.url).toBe('http://127.0.0.1:9/upload');
  });
});
