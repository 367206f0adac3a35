import aws4 from 'aws4';
import { describe, expect, it } from 'vitest';
import { newS3Settings, type S3Settings } from '@/utils/destinations/s3-settings';
import type { S3UploadState, TransportState } from '@/utils/queue/types';
import {
  abortS3Upload,
  DEFAULT_PART_BYTES,
  partSizeFor,
  S3_MIN_PART_BYTES,
  type S3SendOptions,
  sendS3Upload,
} from '@/utils/upload/s3-multipart';
import { credentialsSigner, endpointSigner } from '@/utils/upload/s3-signing';
import type { SendEffects } from '@/utils/upload/send-request';
import { makeSnapshot } from '../factories/destination';
import { fakeS3, numberedBytes } from '../factories/fake-s3';

const MiB = 1024 * 1024;
/** 2013-05-24T00:00:00Z, the date of AWS's own SigV4 examples. */
const NOW = Date.UTC(2013, 4, 24);

const SETTINGS: S3Settings = newS3Settings({
  endpoint: 'http://127.0.0.1:4568',
  bucket: 'photos',
  region: 'us-east-1',
  keyPrefix: 'batch/',
  pathStyle: true,
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
});

/**
 * A fake clock. Automatic: a timer fires on the next turn and moves the clock
 * by its delay (the transport's short waits between tries); manual: timers
 * fire only when the test says.
 */
function effectsOver(fetch: (request: Request) => Promise<Response>, { manual = false } = {}) {
  const timers: { at: number; callback: () => void }[] = [];
  let clock = NOW;
  const effects: SendEffects = {
    fetch,
    now: () => clock,
    setTimer(callback, ms) {
      const timer = { at: clock + ms, callback };
      timers.push(timer);
      // Request time limits (a minute and more) fire only when the test says, even here.
      if (!manual && ms < 60_000) setTimeout(() => timers.includes(timer) && fire(ms), 0);
      return () => {
        if (timers.includes(timer)) timers.splice(timers.indexOf(timer), 1);
      };
    },
  };
  function fire(ms: number) {
    clock += ms;
    for (const timer of timers.filter((one) => one.at <= clock)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.callback();
    }
  }
  return { effects, fire };
}

function recorder() {
  const progress: [number, number][] = [];
  const states: (S3UploadState | undefined)[] = [];
  const options = (extra: Partial<S3SendOptions> = {}): S3SendOptions => ({
    replyTimeoutMs: async () => 30_000,
    onProgress: (sent, total) => progress.push([sent, total]),
    saveState: async (state?: TransportState) => {
      states.push(state?.kind === 's3-multipart' ? state : undefined);
    },
    ...extra,
  });
  return { progress, states, options, last: () => states.at(-1) };
}

const item = (name = 'photo.jpg') => ({
  destination: makeSnapshot({ url: 'http://127.0.0.1:4568/photos/' }),
  name,
  idempotencyKey: 'key-1',
});
/** Byte for byte (toEqual walks 20 MiB element by element for minutes). */
const same = (stored: Uint8Array | undefined, sent: Uint8Array) =>
  stored !== undefined && Buffer.from(stored).equals(Buffer.from(sent));
const blobOf = (bytes: Uint8Array<ArrayBuffer>, type = 'image/jpeg') => new Blob([bytes], { type });
const parts = (server: ReturnType<typeof fakeS3>) =>
  server.seen
    .filter((request) => request.url.searchParams.has('partNumber'))
    .map((request) => [Number(request.url.searchParams.get('partNumber')), request.bodyBytes]);

describe('part sizes: the pace chooses, S3 bounds', () => {
  it.each([
    ['a first attempt', 40 * MiB, 0, DEFAULT_PART_BYTES],
    ['after the server failed the item', 40 * MiB, 1, S3_MIN_PART_BYTES],
    ['a file that would need over 10,000 parts', 100_000 * MiB, 1, 10 * MiB],
  ])('%s', (_, total, failed, expected) => {
    expect(partSizeFor(total, failed)).toBe(expected);
  });
});

/** The test photo's upload, as the runner sends it: only the bytes, the fetch and the attempt's options differ. */
function sendPhoto(
  bytes: Parameters<typeof blobOf>[0],
  effects: Parameters<typeof sendS3Upload>[3],
  options: Parameters<typeof sendS3Upload>[4],
) {
  return sendS3Upload(item(), blobOf(bytes), SETTINGS, effects, options);
}

describe('sendS3Upload against a fake bucket', () => {
  it('sends an image that fits in one part as one signed PUT, and links the object', async () => {
    const server = fakeS3();
    const { effects } = effectsOver(server.fetch);
    const bytes = numberedBytes(300_000);
    const run = recorder();
    const { outcome } = await sendS3Upload(item('a b.jpg'), blobOf(bytes), SETTINGS, effects, run.options());
    expect(outcome).toEqual({ ok: true, httpStatus: 200, resultUrl: 'http://127.0.0.1:4568/photos/batch/a%20b.jpg' });
    expect(server.seen.map((request) => request.method)).toEqual(['PUT']);
    const [put] = server.seen;
    expect(put?.headers.get('Authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20130524\//);
    expect(put?.headers.get('Content-Type')).toBe('image/jpeg');
    expect(same(server.objects.get('batch/a b.jpg'), bytes)).toBe(true);
    expect(run.progress).toEqual([[300_000, 300_000]]);
  });

  it('cuts a 20 MiB file into 8, 8 and 4 MiB parts in order, saving after each, and completes', async () => {
    const server = fakeS3();
    const { effects } = effectsOver(server.fetch);
    const bytes = numberedBytes(20 * MiB);
    const run = recorder();
    const { outcome } = await sendPhoto(bytes, effects, run.options());
    expect(outcome).toMatchObject({ ok: true, resultUrl: 'http://127.0.0.1:4568/photos/batch/photo.jpg' });
    expect(parts(server)).toEqual([
      [1, 8 * MiB],
      [2, 8 * MiB],
      [3, 4 * MiB],
    ]);
    expect(same(server.objects.get('batch/photo.jpg'), bytes)).toBe(true);
    expect(run.progress).toEqual([
      [0, 20 * MiB],
      [8 * MiB, 20 * MiB],
      [16 * MiB, 20 * MiB],
      [20 * MiB, 20 * MiB],
    ]);
    // Saved once created, before each part (the one on its way) and after it, and cleared when done.
    expect(run.states.map((state) => state && `${state.parts.length}${state.sending ? '+1' : ''}`)).toEqual([
      '0',
      '0+1',
      '1',
      '1+1',
      '2',
      '2+1',
      '3',
      undefined,
    ]);
  });

  it('a part cut by a reset is sent again within the attempt, at 5 MiB, and the bytes line up', async () => {
    // Requests: 1 create, 2 part 1, 3 part 2 (reset).
    const server = fakeS3({ resetAt: new Set([3]) });
    const { effects } = effectsOver(server.fetch);
    const bytes = numberedBytes(20 * MiB);
    const { outcome } = await sendPhoto(bytes, effects, recorder().options());
    expect(outcome).toMatchObject({ ok: true });
    // The part sent again takes a new number: a server that writes parts to files (s3rver) cannot mix the two.
    expect(parts(server)).toEqual([
      [1, 8 * MiB],
      [2, 8 * MiB],
      [3, 5 * MiB],
      [4, 5 * MiB],
      [5, 2 * MiB],
    ]);
    expect(same(server.objects.get('batch/photo.jpg'), bytes)).toBe(true);
  });

  it('after an attempt ended (three failures in a row), lists the parts the bucket holds and sends only the rest', async () => {
    // Requests: 1 create, 2 part 1, 3-5 part 2 (resets): the attempt ends, its state kept.
    const server = fakeS3({ resetAt: new Set([3, 4, 5]) });
    const { effects } = effectsOver(server.fetch);
    const bytes = numberedBytes(20 * MiB);
    const run = recorder();
    const first = await sendPhoto(bytes, effects, run.options());
    expect(first.outcome).toMatchObject({ ok: false, kind: 'reset' });
    expect(run.last()?.parts.map((part) => part.partNumber)).toEqual([1]);

    const second = await sendPhoto(
      bytes,
      effects,
      run.options({ state: run.last(), partBytes: partSizeFor(bytes.length, 1) }),
    );
    expect(second.outcome).toMatchObject({ ok: true });
    expect(server.seen.slice(5).map((request) => request.method)).toEqual(['GET', 'PUT', 'PUT', 'PUT', 'POST']);
    // The rest goes in 5 MiB parts after the 8 MiB one the bucket kept.
    expect(parts(server).slice(4)).toEqual([
      [5, 5 * MiB],
      [6, 5 * MiB],
      [7, 2 * MiB],
    ]);
    expect(same(server.objects.get('batch/photo.jpg'), bytes)).toBe(true);
    expect(run.progress.at(-1)).toEqual([20 * MiB, 20 * MiB]);
  });

  it('where the server cannot list parts (s3rver: 405), goes on from the ETags it kept', async () => {
    const server = fakeS3({ canList: false, resetAt: new Set([3, 4, 5]) });
    const { effects } = effectsOver(server.fetch);
    const bytes = numberedBytes(20 * MiB);
    const run = recorder();
    await sendPhoto(bytes, effects, run.options());
    const { outcome } = await sendPhoto(bytes, effects, run.options({ state: run.last() }));
    expect(outcome).toMatchObject({ ok: true });
    expect(server.seen.slice(5).map((request) => request.method)).toEqual(['GET', 'PUT', 'PUT', 'POST']);
    expect(parts(server).map(([number]) => number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(same(server.objects.get('batch/photo.jpg'), bytes)).toBe(true);
  });

  it('a part the bucket stored but whose reply was lost is listed, and not sent again', async () => {
    const server = fakeS3();
    const { effects } = effectsOver(server.fetch);
    const bytes = numberedBytes(20 * MiB);
    const run = recorder();
    const fetchLosingReply: typeof server.fetch = async (request) => {
      const response = await server.fetch(request);
      // Every part after the first reaches the bucket; its reply never reaches Cadence.
      if (Number(new URL(request.url).searchParams.get('partNumber')) >= 2) throw new TypeError('Failed to fetch');
      return response;
    };
    const losing = effectsOver(fetchLosingReply).effects;
    await sendPhoto(bytes, losing, run.options());
    expect(run.last()?.parts.map((part) => part.partNumber)).toEqual([1]);
    const { outcome } = await sendPhoto(bytes, effects, run.options({ state: run.last() }));
    expect(outcome).toMatchObject({ ok: true });
    // Parts 2-4 reached the bucket, their replies lost; the last was on its way when the state was saved:
    // the bucket lists it, so the next attempt goes on after it (2 and 3 are left out of Complete).
    expect(parts(server).map(([number, size]) => [number, (size ?? 0) / MiB])).toEqual([
      [1, 8],
      [2, 8],
      [3, 5],
      [4, 5],
      [5, 7],
    ]);
    expect(same(server.objects.get('batch/photo.jpg'), bytes)).toBe(true);
  });

  it('an upload the bucket no longer has (NoSuchUpload on ListParts) starts over', async () => {
    const server = fakeS3({ resetAt: new Set([3, 4, 5]) });
    const { effects } = effectsOver(server.fetch);
    const bytes = numberedBytes(12 * MiB);
    const run = recorder();
    await sendPhoto(bytes, effects, run.options());
    server.uploads.clear();
    const { outcome } = await sendPhoto(bytes, effects, run.options({ state: run.last() }));
    expect(outcome).toMatchObject({ ok: true });
    expect(server.seen.slice(5).map((request) => `${request.method} ${request.url.search.split('&')[0]}`)).toEqual([
      'GET ?uploadId=upload-1',
      'POST ?uploads=',
      'PUT ?partNumber=1',
      'PUT ?partNumber=2',
      'POST ?uploadId=upload-2',
    ]);
    expect(same(server.objects.get('batch/photo.jpg'), bytes)).toBe(true);
  });

  it('cancel mid-part aborts the multipart upload on the server and keeps no state', async () => {
    const server = fakeS3();
    const cancel = new AbortController();
    const fetchThatWaits = async (request: Request) => {
      if (request.url.includes('partNumber=2')) {
        cancel.abort();
        throw request.signal.reason ?? new DOMException('aborted', 'AbortError');
      }
      return server.fetch(request);
    };
    const { effects } = effectsOver(fetchThatWaits);
    const run = recorder();
    const { outcome } = await sendS3Upload(
      item(),
      blobOf(numberedBytes(20 * MiB)),
      SETTINGS,
      effects,
      run.options({ cancel: cancel.signal }),
    );
    expect(outcome).toEqual({ ok: false, kind: 'cancelled', error: 'Cancelled' });
    expect(server.seen.at(-1)?.method).toBe('DELETE');
    expect(server.uploads.size).toBe(0);
    expect(run.last()).toBeUndefined();
  });

  it('abortS3Upload lets go of an upload cancelled between attempts; s3rver refuses (405) and it says so', async () => {
    const server = fakeS3({ resetAt: new Set([3, 4, 5]) });
    const { effects } = effectsOver(server.fetch);
    const run = recorder();
    await sendS3Upload(item(), blobOf(numberedBytes(20 * MiB)), SETTINGS, effects, run.options());
    expect(server.uploads.size).toBe(1);
    expect(await abortS3Upload(run.last(), SETTINGS, new Headers(), effects)).toBe(true);
    expect(server.uploads.size).toBe(0);
    const s3rverLike = fakeS3({ canAbort: false });
    expect(await abortS3Upload(run.last(), SETTINGS, new Headers(), effectsOver(s3rverLike.fetch).effects)).toBe(false);
  });

  it('a part that never answers is cut at the request time limit, not sooner, and sent again', async () => {
    const server = fakeS3();
    let hung = false;
    let hanging: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      hanging = resolve;
    });
    const hang = (request: Request) => {
      if (!request.url.includes('partNumber=2') || hung) return server.fetch(request);
      hung = true;
      hanging();
      return new Promise<Response>((_, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason)),
      );
    };
    const { effects, fire } = effectsOver(hang);
    const run = recorder();
    const sending = sendS3Upload(
      item(),
      blobOf(numberedBytes(20 * MiB)),
      SETTINGS,
      effects,
      run.options({ uploadTimeoutMs: 60_000 }),
    );
    await reached;
    fire(59_999);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(run.last()?.parts).toHaveLength(1);
    fire(1);
    const { outcome } = await sending;
    expect(outcome).toMatchObject({ ok: true });
    expect(parts(server)).toEqual([
      [1, 8 * MiB],
      [3, 5 * MiB],
      [4, 5 * MiB],
      [5, 2 * MiB],
    ]);
  });
});

describe("S3's error XML becomes a named reason", () => {
  const refuse = (status: number, code: string) => ({
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>What S3 says about ${code}</Message></Error>`,
  });

  it.each([
    ['a wrong secret', 1, refuse(403, 'SignatureDoesNotMatch'), { kind: 'http', httpStatus: 403 }],
    ['an unknown key', 1, refuse(403, 'InvalidAccessKeyId'), { kind: 'http', httpStatus: 403 }],
    ['a missing bucket', 1, refuse(404, 'NoSuchBucket'), { kind: 'http', httpStatus: 404 }],
    ['S3 asking to slow down', 1, refuse(503, 'SlowDown'), { kind: 'http', httpStatus: 503 }],
    ["S3's own request timeout (400)", 1, refuse(400, 'RequestTimeout'), { kind: 'timeout', httpStatus: 400 }],
    // CompleteMultipartUpload can fail after sending 200: S3 documents it as one to retry.
    ['an error inside a 200 Complete', 4, refuse(200, 'InternalError'), { kind: 'http', httpStatus: 500 }],
  ])('%s', async (_, at, reply, expected) => {
    const server = fakeS3({ replies: new Map([[at, reply]]) });
    const { effects } = effectsOver(server.fetch);
    const bytes = numberedBytes(at === 1 ? 1000 : 12 * MiB);
    const { outcome } = await sendPhoto(bytes, effects, recorder().options());
    const code = /<Code>(\w+)/.exec(reply.body)?.[1];
    expect(outcome).toMatchObject({ ok: false, problem: 'storage-refused', ...expected });
    expect(outcome.ok === false && outcome.excerpt).toBe(`${code}: What S3 says about ${code}`);
  });

  it('a part reply without its ETag (CORS without ExposeHeader) is named, not sent on blind', async () => {
    const server = fakeS3({ hideEtag: true });
    const { effects } = effectsOver(server.fetch);
    const { outcome } = await sendS3Upload(
      item(),
      blobOf(numberedBytes(12 * MiB)),
      SETTINGS,
      effects,
      recorder().options(),
    );
    expect(outcome).toMatchObject({ ok: false, kind: 'unreadable', problem: 'storage-refused' });
    expect(outcome.ok === false && outcome.error).toMatch(/ETag/);
    expect(server.seen.filter((request) => request.url.searchParams.has('partNumber'))).toHaveLength(1);
  });
});

describe('signing', () => {
  it.each([
    ['create', { operation: 'create', key: 'batch/photo 1.jpg', contentType: 'image/jpeg' }],
    ['upload-part', { operation: 'upload-part', key: 'batch/photo 1.jpg', uploadId: 'u+1/x', partNumber: 3 }],
    ['list-parts', { operation: 'list-parts', key: 'batch/photo 1.jpg', uploadId: 'u1', partNumberMarker: '2' }],
    ['complete', { operation: 'complete', key: 'batch/photo 1.jpg', uploadId: 'u1' }],
  ] as const)('%s: the same SigV4 signature as an independent signer (aws4)', async (_, operation) => {
    for (const settings of [
      SETTINGS,
      { ...SETTINGS, pathStyle: false, endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1' },
    ]) {
      const signed = await credentialsSigner(settings, () => NOW)(operation, new AbortController().signal);
      const url = new URL(signed.url);
      const headers: Record<string, string> = {};
      // aws4fetch leaves Content-Type out of the signature (S3 does not require it); so must the other signer.
      for (const [name, value] of signed.headers)
        if (name !== 'authorization' && name !== 'content-type') headers[name] = value;
      const independent = aws4.sign(
        {
          host: url.host,
          path: `${url.pathname}${url.search}`,
          method: signed.method,
          service: 's3',
          region: settings.region,
          headers,
        },
        { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      );
      expect(signed.headers.get('Authorization')).toBe((independent.headers as Record<string, string>).Authorization);
      expect(signed.headers.get('X-Amz-Content-Sha256')).toBe('UNSIGNED-PAYLOAD');
    }
  });

  it('a signing endpoint gets the operation and the destination headers, and its URL is used as given', async () => {
    const asked: { body: unknown; auth: string | null }[] = [];
    const signer = endpointSigner(
      newS3Settings({ signing: 'endpoint', signingUrl: 'https://sign.example/s3' }),
      new Headers({ Authorization: 'Bearer mine' }),
      async (request) => {
        asked.push({ body: await request.json(), auth: request.headers.get('Authorization') });
        return Response.json({
          url: 'https://bucket.example/k?X-Amz-Signature=abc',
          headers: { 'x-amz-acl': 'public-read' },
        });
      },
    );
    const signed = await signer(
      { operation: 'upload-part', key: 'k', uploadId: 'u', partNumber: 2 },
      new AbortController().signal,
    );
    expect(asked).toEqual([
      { body: { operation: 'upload-part', key: 'k', uploadId: 'u', partNumber: 2 }, auth: 'Bearer mine' },
    ]);
    expect(signed).toMatchObject({ url: 'https://bucket.example/k?X-Amz-Signature=abc', method: 'PUT' });
    expect(signed.headers.get('x-amz-acl')).toBe('public-read');
  });

  it('a signing endpoint that refuses fails the upload by name, before any byte goes to the bucket', async () => {
    const bucket = fakeS3();
    const fetch = async (request: Request) =>
      request.url.startsWith('https://sign.example') ? new Response('no', { status: 403 }) : bucket.fetch(request);
    const { effects } = effectsOver(fetch);
    const settings = newS3Settings({ ...SETTINGS, signing: 'endpoint', signingUrl: 'https://sign.example/s3' });
    const { outcome } = await sendS3Upload(
      item(),
      blobOf(numberedBytes(1000)),
      settings,
      effects,
      recorder().options(),
    );
    expect(outcome).toMatchObject({ ok: false, kind: 'file', httpStatus: 403, problem: 'storage-refused' });
    expect(bucket.seen).toHaveLength(0);
  });
});
