import type { SendEffects } from '@/utils/upload/send-request';

/**
 * A resumable server in memory, answering as `fetch` would: tus 1.0 at
 * /files (or the IETF draft at /uploads with `dialect: 'ietf'`). It keeps
 * the bytes of a request that is reset part-way, as a tus file store does.
 * `resetAfter(n, bytes)` resets the n-th request (1-based) after that many
 * body bytes; `replies` answers chosen requests with a status instead.
 */
export interface FakeServer {
  effects: SendEffects;
  /** "METHOD path offset" per request, in order. */
  log: string[];
  requests: Request[];
  /** Body bytes that reached the server, reset requests included. */
  bytesIn(): number;
  stored(id?: string): Uint8Array;
  /** Timer delays asked for (the retry waits), in order; timers fire at once. */
  waits: number[];
  uploads: Map<string, { bytes: Uint8Array; length: number; complete: boolean }>;
}

export interface FakeServerOptions {
  dialect?: 'tus' | 'ietf';
  extensions?: string[];
  checksumAlgorithms?: string[];
  resets?: Record<number, number>;
  replies?: Record<number, number>;
  /** The final reply's JSON body (IETF: the resource's own reply). */
  finalBody?: unknown;
  /** Each request moves the fake clock this much (how long it takes). @default 0 */
  msPerRequest?: number;
}

const LONG_TIMER_MS = 60_000;

export function fakeResumableServer(options: FakeServerOptions = {}): FakeServer {
  const dialect = options.dialect ?? 'tus';
  const extensions = options.extensions ?? ['creation', 'creation-with-upload', 'termination'];
  const uploads = new Map<string, { bytes: Uint8Array; length: number; complete: boolean }>();
  const log: string[] = [];
  const requests: Request[] = [];
  const waits: number[] = [];
  let bytesIn = 0;
  let count = 0;
  let clock = 0;

  const append = (id: string, chunk: Uint8Array) => {
    const upload = uploads.get(id);
    if (!upload) return;
    const bytes = new Uint8Array(upload.bytes.length + chunk.length);
    bytes.set(upload.bytes);
    bytes.set(chunk, upload.bytes.length);
    upload.bytes = bytes;
  };

  async function answer(request: Request): Promise<Response> {
    count += 1;
    clock += options.msPerRequest ?? 0;
    const number = count;
    requests.push(request);
    const url = new URL(request.url);
    log.push(`${request.method} ${url.pathname} ${request.headers.get('Upload-Offset') ?? '-'}`);
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array();
    const resetAt = options.resets?.[number];
    const id = url.pathname.split('/')[2] ?? '';
    if (resetAt !== undefined) {
      const kept = body.subarray(0, resetAt);
      bytesIn += kept.length;
      // A reset PATCH keeps what arrived; a reset creation leaves an upload the client never learns of.
      if (
        request.method === 'PATCH' &&
        Number(request.headers.get('Upload-Offset')) === uploads.get(id)?.bytes.length
      ) {
        append(id, kept);
      }
      throw new TypeError('Failed to fetch (connection reset)');
    }
    bytesIn += body.length;
    const status = options.replies?.[number];
    if (status !== undefined) return new Response(JSON.stringify({ error: 'injected' }), { status });
    if (request.method === 'GET' && url.pathname === '/token') {
      return new Response(JSON.stringify({ token: 'token-1' }), { headers: { 'content-type': 'application/json' } });
    }
    if (request.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          'Tus-Extension': extensions.join(','),
          ...(options.checksumAlgorithms ? { 'Tus-Checksum-Algorithm': options.checksumAlgorithms.join(',') } : {}),
        },
      });
    }
    if (request.method === 'POST') {
      const newId = `u${uploads.size + 1}`;
      const length = Number(request.headers.get('Upload-Length'));
      uploads.set(newId, { bytes: new Uint8Array(), length, complete: false });
      append(newId, body);
      const upload = uploads.get(newId) as { bytes: Uint8Array; length: number; complete: boolean };
      const path = dialect === 'tus' ? `/files/${newId}` : `/uploads/${newId}`;
      if (dialect === 'ietf' && request.headers.get('Upload-Complete') === '?1') {
        upload.complete = true;
        return new Response(JSON.stringify(options.finalBody ?? {}), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }
      return new Response(null, {
        status: 201,
        headers: { Location: path, 'Upload-Offset': String(upload.bytes.length) },
      });
    }
    const upload = uploads.get(id);
    if (!upload) return new Response('gone', { status: 404 });
    if (request.method === 'HEAD') {
      return new Response(null, {
        status: dialect === 'tus' ? 200 : 204,
        headers: {
          'Upload-Offset': String(upload.bytes.length),
          'Upload-Length': String(upload.length),
          ...(dialect === 'ietf' ? { 'Upload-Complete': upload.complete ? '?1' : '?0' } : {}),
        },
      });
    }
    if (request.method === 'DELETE') {
      uploads.delete(id);
      return new Response(null, { status: 204 });
    }
    if (request.method === 'PATCH') {
      if (Number(request.headers.get('Upload-Offset')) !== upload.bytes.length) {
        return new Response(null, { status: 409, headers: { 'Upload-Offset': String(upload.bytes.length) } });
      }
      append(id, body);
      if (dialect === 'ietf' && request.headers.get('Upload-Complete') === '?1') {
        upload.complete = true;
        return new Response(JSON.stringify(options.finalBody ?? {}), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }
      return new Response(null, { status: 204, headers: { 'Upload-Offset': String(upload.bytes.length) } });
    }
    return new Response('method', { status: 405 });
  }

  return {
    effects: {
      fetch: answer,
      // Short timers (the retry waits) fire on the next turn, with the clock moved: no test waits on a
      // real delay. Long ones (the request timeouts) never fire: no request here takes time.
      setTimer(callback, ms) {
        if (ms >= LONG_TIMER_MS) return () => {};
        waits.push(ms);
        let live = true;
        queueMicrotask(() => {
          if (!live) return;
          clock += ms;
          callback();
        });
        return () => {
          live = false;
        };
      },
      now: () => clock,
    },
    log,
    requests,
    waits,
    uploads,
    bytesIn: () => bytesIn,
    stored: (id = 'u1') => uploads.get(id)?.bytes ?? new Uint8Array(),
  };
}

export const FAKE_ORIGIN = 'https://up.example';
