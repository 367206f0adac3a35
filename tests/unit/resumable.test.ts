import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_TUS_CHUNK_BYTES } from '@/utils/destinations/model';
import type { TransportState } from '@/utils/queue/types';
import { INTEROP_VERSION, PARTIAL_UPLOAD_TYPE } from '@/utils/upload/ietf-resumable';
import { CHUNK_RETRY_DELAY_MS, ChunkPace, GROW_AFTER_CHUNKS, initialChunkBytes } from '@/utils/upload/resumable';
import type { SendOptions } from '@/utils/upload/send-request';
import { abandonUpload, sendThroughTransport } from '@/utils/upload/transports';
import { makeSnapshot } from '../factories/destination';
import { FAKE_ORIGIN, fakeResumableServer } from '../factories/fake-resumable-server';

const KB = 1024;
const CHUNK = 256 * KB;

function fileOf(size: number): { blob: Blob; bytes: Uint8Array } {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 31 + 7) % 251;
  return { blob: new Blob([bytes], { type: 'image/png' }), bytes };
}

function tusItem(transportState?: TransportState, autoRetries = 0) {
  return {
    destination: makeSnapshot({ url: `${FAKE_ORIGIN}/files`, transport: { kind: 'tus', chunkBytes: CHUNK } }),
    name: 'scan.png',
    idempotencyKey: 'key-1',
    ...(transportState ? { transportState } : {}),
    autoRetries,
  };
}

/** Byte for byte (vitest's deep equality over a megabyte of numbers takes seconds). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** Send options that record what the transport reports. */
function recorder(extra: Partial<SendOptions> = {}) {
  const progress: number[] = [];
  const states: (TransportState | undefined)[] = [];
  const options: SendOptions = {
    replyTimeoutMs: async () => 30_000,
    onProgress: (sent) => progress.push(sent),
    saveState: async (state) => {
      states.push(state);
    },
    ...extra,
  };
  return { options, progress, states };
}

describe('tus 1.0 client', () => {
  it('creates the upload without data, PATCHes it in chunks from offset 0, and ends done at the upload URL', async () => {
    const server = fakeResumableServer();
    const { blob, bytes } = fileOf(3 * CHUNK + 100);
    const { options, progress, states } = recorder();
    const { outcome } = await sendThroughTransport(tusItem(), blob, server.effects, options);
    expect(outcome).toEqual({ ok: true, httpStatus: 204, resultUrl: `${FAKE_ORIGIN}/files/u1` });
    expect(sameBytes(server.stored(), bytes)).toBe(true);
    expect(server.log).toEqual([
      'OPTIONS /files -',
      'POST /files -',
      `PATCH /files/u1 0`,
      `PATCH /files/u1 ${CHUNK}`,
      `PATCH /files/u1 ${2 * CHUNK}`,
      `PATCH /files/u1 ${3 * CHUNK}`,
    ]);
    const creation = server.requests[1] as Request;
    expect(creation.headers.get('Tus-Resumable')).toBe('1.0.0');
    expect(creation.headers.get('Upload-Length')).toBe(String(blob.size));
    expect(creation.headers.get('Upload-Metadata')).toBe(`filename ${btoa('scan.png')},filetype ${btoa('image/png')}`);
    expect(server.requests[2]?.headers.get('Content-Type')).toBe('application/offset+octet-stream');
    // Every byte once: nothing sent twice on a healthy server.
    expect(server.bytesIn()).toBe(blob.size);
    expect(progress).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK, blob.size]);
    expect(states).toEqual([{ kind: 'tus', uploadUrl: `${FAKE_ORIGIN}/files/u1`, chunkBytes: CHUNK }, undefined]);
  });

  it('a file that fits one chunk goes in the creation request (creation-with-upload): one request in all', async () => {
    const server = fakeResumableServer();
    const { blob, bytes } = fileOf(1000);
    const { outcome } = await sendThroughTransport(tusItem(), blob, server.effects, recorder().options);
    expect(outcome.ok).toBe(true);
    expect(server.log).toEqual(['OPTIONS /files -', 'POST /files 0']);
    expect(sameBytes(server.stored(), bytes)).toBe(true);
  });

  it('without creation-with-upload on offer, even a small file is created empty and PATCHed', async () => {
    const server = fakeResumableServer({ extensions: ['creation'] });
    const { blob } = fileOf(1000);
    await sendThroughTransport(tusItem(), blob, server.effects, recorder().options);
    expect(server.log).toEqual(['OPTIONS /files -', 'POST /files -', 'PATCH /files/u1 0']);
  });

  it('a reset mid-PATCH: asks the offset (HEAD), goes on from what the server kept, with half the chunk', async () => {
    // Request 4 is the second PATCH: reset after 100 KB of it arrived.
    const server = fakeResumableServer({ resets: { 4: 100 * KB } });
    const { blob, bytes } = fileOf(3 * CHUNK);
    const { options, states } = recorder();
    const { outcome } = await sendThroughTransport(tusItem(), blob, server.effects, options);
    expect(outcome.ok).toBe(true);
    expect(sameBytes(server.stored(), bytes)).toBe(true);
    const kept = CHUNK + 100 * KB;
    expect(server.log.slice(3, 6)).toEqual([`PATCH /files/u1 ${CHUNK}`, 'HEAD /files/u1 -', `PATCH /files/u1 ${kept}`]);
    // Half the chunk after the reset, never below the floor (here the floor itself), kept for the next attempt.
    expect(states).toContainEqual({
      kind: 'tus',
      uploadUrl: `${FAKE_ORIGIN}/files/u1`,
      chunkBytes: MIN_TUS_CHUNK_BYTES,
    });
    expect(server.waits).toEqual([CHUNK_RETRY_DELAY_MS]);
    // What the reset lost is only what never arrived: the kept part is not sent again.
    expect(server.bytesIn()).toBe(blob.size);
  });

  it('resumes a saved upload: HEAD first, then PATCH from the server offset; no new creation', async () => {
    const server = fakeResumableServer();
    const { blob, bytes } = fileOf(2 * CHUNK);
    // An earlier attempt (another worker) created u1 and sent 300 KB of it.
    server.uploads.set('u1', { bytes: bytes.slice(0, 300 * KB), length: blob.size, complete: false });
    const saved: TransportState = { kind: 'tus', uploadUrl: `${FAKE_ORIGIN}/files/u1`, chunkBytes: CHUNK };
    const { options, progress } = recorder();
    const { outcome } = await sendThroughTransport(tusItem(saved), blob, server.effects, options);
    expect(outcome.ok).toBe(true);
    expect(server.log).toEqual(['OPTIONS /files -', 'HEAD /files/u1 -', `PATCH /files/u1 ${300 * KB}`]);
    expect(sameBytes(server.stored(), bytes)).toBe(true);
    expect(progress[0]).toBe(300 * KB);
  });

  it('a saved upload the server no longer knows (404) starts a new one', async () => {
    const server = fakeResumableServer();
    const { blob, bytes } = fileOf(CHUNK + 5);
    const saved: TransportState = { kind: 'tus', uploadUrl: `${FAKE_ORIGIN}/files/expired`, chunkBytes: CHUNK };
    const { options, states } = recorder();
    const { outcome } = await sendThroughTransport(tusItem(saved), blob, server.effects, options);
    expect(outcome.ok).toBe(true);
    expect(server.log.slice(0, 3)).toEqual(['OPTIONS /files -', 'HEAD /files/expired -', 'POST /files -']);
    expect(sameBytes(server.stored(), bytes)).toBe(true);
    expect(states[0]).toBeUndefined();
  });

  it('sends Upload-Checksum (sha1 of each chunk) when the server offers the checksum extension with sha1', async () => {
    const server = fakeResumableServer({
      extensions: ['creation', 'checksum'],
      checksumAlgorithms: ['md5', 'sha1'],
    });
    const { blob, bytes } = fileOf(CHUNK + 10);
    await sendThroughTransport(tusItem(), blob, server.effects, recorder().options);
    const patches = server.requests.filter((request) => request.method === 'PATCH');
    const expected = [bytes.subarray(0, CHUNK), bytes.subarray(CHUNK)].map(
      (chunk) => `sha1 ${createHash('sha1').update(chunk).digest('base64')}`,
    );
    expect(patches.map((patch) => patch.headers.get('Upload-Checksum'))).toEqual(expected);
  });

  it('sends no checksum when the server does not offer sha1', async () => {
    const server = fakeResumableServer({ extensions: ['creation', 'checksum'], checksumAlgorithms: ['md5'] });
    await sendThroughTransport(tusItem(), fileOf(10).blob, server.effects, recorder().options);
    expect(server.requests.some((request) => request.headers.has('Upload-Checksum'))).toBe(false);
  });

  it('three failures in a row with no byte gained end the attempt as a reset (the queue retries it later)', async () => {
    const server = fakeResumableServer({ resets: { 3: 0, 4: 0, 5: 0, 6: 0 } });
    const { outcome } = await sendThroughTransport(
      tusItem(),
      fileOf(2 * CHUNK).blob,
      server.effects,
      recorder().options,
    );
    expect(outcome).toMatchObject({ ok: false, kind: 'reset' });
    expect(server.waits).toEqual([CHUNK_RETRY_DELAY_MS, 2 * CHUNK_RETRY_DELAY_MS]);
  });

  it('resets that still move the offset never end the attempt: the file gets through', async () => {
    // Every PATCH reset after 50 KB: slow going, but always forward.
    const resets = Object.fromEntries(Array.from({ length: 60 }, (_, index) => [3 + index * 2, 50 * KB]));
    const server = fakeResumableServer({ resets });
    const { blob, bytes } = fileOf(1024 * KB);
    const { outcome } = await sendThroughTransport(tusItem(), blob, server.effects, recorder().options);
    expect(outcome.ok).toBe(true);
    expect(sameBytes(server.stored(), bytes)).toBe(true);
  });

  it('a 403 on a PATCH fails the attempt at once, named as the server put it', async () => {
    const server = fakeResumableServer({ replies: { 3: 403 } });
    const { outcome } = await sendThroughTransport(
      tusItem(),
      fileOf(2 * CHUNK).blob,
      server.effects,
      recorder().options,
    );
    expect(outcome).toMatchObject({ ok: false, kind: 'http', httpStatus: 403, problem: 'forbidden' });
    expect(server.waits).toEqual([]);
  });

  it("the user's cancel mid-upload terminates the upload on the server (DELETE) and forgets the state", async () => {
    const server = fakeResumableServer();
    const cancel = new AbortController();
    const { options, states } = recorder({
      cancel: cancel.signal,
      onProgress: (sent) => {
        if (sent >= CHUNK) cancel.abort();
      },
    });
    const { outcome } = await sendThroughTransport(tusItem(), fileOf(3 * CHUNK).blob, server.effects, options);
    expect(outcome).toMatchObject({ ok: false, kind: 'cancelled' });
    expect(server.log.at(-1)).toBe('DELETE /files/u1 -');
    expect(server.uploads.has('u1')).toBe(false);
    expect(states.at(-1)).toBeUndefined();
  });

  it('abandonUpload DELETEs the saved upload of an item cancelled between attempts', async () => {
    const server = fakeResumableServer();
    server.uploads.set('u9', { bytes: new Uint8Array(5), length: 10, complete: false });
    await abandonUpload(
      tusItem({ kind: 'tus', uploadUrl: `${FAKE_ORIGIN}/files/u9`, chunkBytes: CHUNK }),
      server.effects,
    );
    expect(server.log.at(-1)).toBe('DELETE /files/u9 -');
    expect(server.uploads.has('u9')).toBe(false);
  });
});

describe('the token step before a resumable upload', () => {
  it('fetches the token once per attempt and sends it with every tus request', async () => {
    const server = fakeResumableServer();
    const item = {
      ...tusItem(),
      destination: makeSnapshot({
        url: `${FAKE_ORIGIN}/files`,
        transport: { kind: 'tus', chunkBytes: CHUNK },
        headers: [{ name: 'Authorization', value: 'Bearer {token}' }],
        tokenRequest: { url: `${FAKE_ORIGIN}/token`, token: '{json:token}' },
      }),
    };
    const { outcome } = await sendThroughTransport(item, fileOf(2 * CHUNK).blob, server.effects, recorder().options);
    expect(outcome.ok).toBe(true);
    expect(server.log.filter((line) => line.startsWith('GET /token'))).toHaveLength(1);
    const uploadRequests = server.requests.filter((request) => !request.url.endsWith('/token'));
    expect(uploadRequests.map((request) => request.headers.get('Authorization'))).toEqual(
      uploadRequests.map(() => 'Bearer token-1'),
    );
  });
});

describe('the chunk pace', () => {
  it('starts at the destination size, halved per automatic retry the item needed, never below the floor', () => {
    expect(initialChunkBytes(8 * 1024 * KB)).toBe(8 * 1024 * KB);
    expect(initialChunkBytes(8 * 1024 * KB, 1)).toBe(4 * 1024 * KB);
    expect(initialChunkBytes(8 * 1024 * KB, 3)).toBe(1024 * KB);
    expect(initialChunkBytes(MIN_TUS_CHUNK_BYTES, 3)).toBe(MIN_TUS_CHUNK_BYTES);
    // A saved size (the pace an earlier attempt reached) wins, within the destination's bounds.
    expect(initialChunkBytes(8 * 1024 * KB, 0, 512 * KB)).toBe(512 * KB);
    expect(initialChunkBytes(1024 * KB, 0, 4096 * KB)).toBe(1024 * KB);
  });

  it('halves on a failure and doubles again only after a run of successes', () => {
    const pace = new ChunkPace(4096 * KB, 4096 * KB);
    pace.failed();
    expect(pace.bytes).toBe(2048 * KB);
    for (let index = 1; index < GROW_AFTER_CHUNKS; index++) pace.succeeded();
    expect(pace.bytes).toBe(2048 * KB);
    pace.succeeded();
    expect(pace.bytes).toBe(4096 * KB);
    pace.succeeded();
    expect(pace.bytes).toBe(4096 * KB);
  });
});

describe('IETF resumable uploads draft client', () => {
  const ietfItem = (transportState?: TransportState) => ({
    destination: makeSnapshot({ url: `${FAKE_ORIGIN}/uploads`, transport: { kind: 'ietf-resumable' } }),
    name: 'scan.png',
    idempotencyKey: 'key-2',
    ...(transportState ? { transportState } : {}),
  });

  it('a big file: empty creation (Upload-Complete ?0), PATCHes with application/partial-upload, the last one ?1 and its reply read', async () => {
    const server = fakeResumableServer({ dialect: 'ietf', finalBody: { url: 'https://cdn.example/scan.png' } });
    const { blob, bytes } = fileOf(9 * 1024 * KB);
    const { options, states } = recorder();
    const { outcome } = await sendThroughTransport(ietfItem(), blob, server.effects, options);
    expect(outcome).toMatchObject({ ok: true, httpStatus: 200, resultUrl: 'https://cdn.example/scan.png' });
    expect(sameBytes(server.stored(), bytes)).toBe(true);
    const [creation, first, last] = server.requests;
    for (const request of server.requests) {
      expect(request.headers.get('Upload-Draft-Interop-Version')).toBe(INTEROP_VERSION);
    }
    expect(creation?.headers.get('Upload-Complete')).toBe('?0');
    expect(creation?.headers.get('Upload-Length')).toBe(String(blob.size));
    expect(server.log).toEqual(['POST /uploads -', 'PATCH /uploads/u1 0', `PATCH /uploads/u1 ${8 * 1024 * KB}`]);
    expect(first?.headers.get('Content-Type')).toBe(PARTIAL_UPLOAD_TYPE);
    expect(first?.headers.get('Upload-Complete')).toBe('?0');
    expect(last?.headers.get('Upload-Complete')).toBe('?1');
    expect(states).toEqual([{ kind: 'ietf-resumable', uploadUrl: `${FAKE_ORIGIN}/uploads/u1` }, undefined]);
  });

  it('a small file goes whole in the creation request with Upload-Complete ?1', async () => {
    const server = fakeResumableServer({ dialect: 'ietf', finalBody: { url: 'https://cdn.example/a.png' } });
    const { outcome } = await sendThroughTransport(ietfItem(), fileOf(1000).blob, server.effects, recorder().options);
    expect(outcome).toMatchObject({ ok: true, resultUrl: 'https://cdn.example/a.png' });
    expect(server.log).toEqual(['POST /uploads -']);
    expect(server.requests[0]?.headers.get('Upload-Complete')).toBe('?1');
  });

  it('resumes a saved upload from the offset HEAD reports', async () => {
    const server = fakeResumableServer({ dialect: 'ietf', finalBody: { url: 'https://cdn.example/b.png' } });
    const { blob, bytes } = fileOf(9 * 1024 * KB);
    server.uploads.set('u1', { bytes: bytes.slice(0, 5 * 1024 * KB), length: blob.size, complete: false });
    const { outcome } = await sendThroughTransport(
      ietfItem({ kind: 'ietf-resumable', uploadUrl: `${FAKE_ORIGIN}/uploads/u1` }),
      blob,
      server.effects,
      recorder().options,
    );
    expect(outcome.ok).toBe(true);
    expect(server.log).toEqual(['HEAD /uploads/u1 -', `PATCH /uploads/u1 ${5 * 1024 * KB}`]);
    expect(sameBytes(server.stored(), bytes)).toBe(true);
  });
});
