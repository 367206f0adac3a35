/**
 * The bundled local receiver: a real HTTP upload endpoint for the demo and
 * the real-browser tests. It parses multipart uploads with busboy, writes each
 * file to a folder, records when each request arrived and ended, answers
 * JSON `{ "url": ... }`, lists what arrived at `/`, and answers CORS so the
 * extension needs no host permission for it.
 *
 *   npm run receiver -- [--port 8787] [--dir ./received]
 *     [--reset-beyond K]            reset an upload arriving while K are being received
 *     [--ingress BYTES_PER_SECOND]  read all uploads together at most this fast
 *     [--reply N=STATUS[:SECONDS]]  answer the Nth request with STATUS (and Retry-After);
 *                                   N=STATUS:date+SECONDS sends Retry-After as an HTTP date
 *     [--stall N[=MS]]              hold the Nth reply MS ms (default: never answer)
 *     [--reset-after BYTES]         reset every connection once the client sent BYTES on it
 *     [--hostile FILENAME=MODE]     answer uploads of FILENAME badly: html-200, invalid-json,
 *                                   login-redirect, never-ends, close-mid-reply, huge-body or a status
 *     [--rate-limit STYLE=N/SECONDS] a quota of N uploads per window, told in STYLE: ietf,
 *                                   ratelimit-fields, x-ratelimit, x-ratelimit-epoch, imgur, or body
 * Faults may be repeated (--reply 1=429:5 --reply 3=400).
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import busboy from 'busboy';
import { RATE_LIMIT_HEADERS } from '../utils/pacing/rate-limit';
import {
  createIngressLimiter,
  createRateLimiter,
  type Faults,
  type HostileReply,
  HUGE_REPLY_BYTES,
  parseHostileOption,
  parseRateLimitOption,
  parseReplyOption,
  parseStallOption,
} from './lib/faults';
import { hostReplies, mediawikiTokenReply } from './lib/host-replies';
import { type ResetProxy, startResetProxy } from './lib/reset-proxy';
import { createResumableServers, type ResumableServers } from './lib/resumable-servers';
import { serveSitePages } from './lib/site-pages';

export interface ReceivedUpload {
  /** 1-based order of arrival. */
  index: number;
  /** ms since epoch when the request's headers arrived. */
  arrivedAt: number;
  /** ms since epoch when the reply was sent. */
  endedAt: number;
  /** Every form field name, file fields included, in order. */
  fieldNames: string[];
  /** Text field values by name (multipart); empty for raw bodies. */
  fields: Record<string, string>;
  method: string;
  /** Request path and query. */
  path: string;
  fileField: string;
  filename: string;
  mimeType: string;
  size: number;
  sha256: string;
  savedAs: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  idempotencyKey: string | undefined;
}

/** Every POST to /upload, whatever became of it. */
export interface RequestRecord {
  /** 1-based order of arrival, shared with ReceivedUpload.index. */
  index: number;
  arrivedAt: number;
  /** When the reply was sent or the connection ended. */
  endedAt?: number;
  outcome: 'receiving' | 'stored' | 'reset' | 'status' | 'stalled' | 'aborted' | 'error';
  /** The status answered, when one was. */
  status?: number;
  /** Body bytes read from this request. */
  bytes: number;
  idempotencyKey: string | undefined;
  /** The uploaded file's name, once the multipart body was parsed. */
  filename?: string;
  /** A hostile reply (faults.hostile): its mode, and how many body bytes were written before the client let go. */
  hostile?: { mode: HostileReply; bytesSent: number };
  /** Under a quota (faults.rateLimit): whether this upload was past it, and the headers its reply carried. */
  rateLimit?: { over: boolean; headers: Record<string, string> };
}

export interface Receiver {
  origin: string;
  /** The faults in force; a test may change them between steps (read when a request arrives). */
  faults: Faults;
  /** The cookie `/form-page` sets and `/form-upload` expects: "name=value". */
  formCookie: string;
  uploadUrl: string;
  dir: string;
  uploads: ReceivedUpload[];
  /** Every upload request in order of arrival, the failed and reset ones too. */
  requests: RequestRecord[];
  /** Every request of any kind, as "METHOD /path?query", in order: shows what a page or a file made the browser fetch. */
  hits: string[];
  /** Uploads being received right now (the number `resetBeyond` compares with). */
  active(): number;
  /** Files removed through their deletion URL (`GET /delete/NAME`, as `/upload/nested` replies name it), by savedAs. */
  deleted: string[];
  /** tus (/tus/, @tus/server) and the IETF draft (/resumable): see scripts/lib/resumable-servers.ts. */
  resumable: ResumableServers;
  /** The resetting proxy every request goes through, when `faults.resetConnectionAfterBytes` was set at start. */
  proxy?: ResetProxy;
  /** Emits 'received' with each ReceivedUpload once its body is in, and 'upload' the moment its reply is sent. */
  events: EventEmitter;
  /** Resolves once `count` uploads were answered. */
  waitForUploads(count: number, timeoutMs?: number): Promise<ReceivedUpload[]>;
  /** Resolves once `done` holds for the answered uploads, checked after every reply. */
  waitUntil(done: (replied: ReceivedUpload[]) => boolean, timeoutMs?: number): Promise<ReceivedUpload[]>;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  port?: number;
  dir: string;
  faults?: Faults;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, OPTIONS',
  'access-control-allow-headers': '*',
  // Retry-After and the rate-limit headers are not CORS-safelisted: without this a page or extension cannot read them.
  'access-control-expose-headers': ['Retry-After', ...RATE_LIMIT_HEADERS].join(', '),
  'access-control-max-age': '600',
};

export async function startReceiver({ port = 0, dir, faults = {} }: ReceiverOptions): Promise<Receiver> {
  await mkdir(dir, { recursive: true });
  const uploads: ReceivedUpload[] = [];
  const requests: RequestRecord[] = [];
  const deleted: string[] = [];
  const events = new EventEmitter();
  const limitIngress = faults.ingressBytesPerSecond ? createIngressLimiter(faults.ingressBytesPerSecond) : undefined;
  // Made at the first upload that meets a quota: a test may set `faults.rateLimit` after the receiver started.
  let quota: { fault: NonNullable<Faults['rateLimit']>; verdict: ReturnType<typeof createRateLimiter> } | undefined;
  let arrivals = 0;
  let active = 0;
  let origin = '';
  const formCookie = `cadence_session=${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 16)}`;

  // Ready-made hosts (utils/destinations/hosts/) in their documented reply shapes.
  const postingAsHost = hostReplies(formCookie);
  const hits: string[] = [];
  const resumable = createResumableServers(dir, (file) => {
    const upload: ReceivedUpload = {
      index: ++arrivals,
      arrivedAt: Date.now(),
      endedAt: Date.now(),
      fieldNames: [],
      fields: {},
      fileField: '',
      url: `${origin}/files/${encodeURIComponent(file.savedAs)}`,
      idempotencyKey: typeof file.headers['idempotency-key'] === 'string' ? file.headers['idempotency-key'] : undefined,
      ...file,
    };
    uploads.push(upload);
    events.emit('received', upload);
    // Emitted after the reply has gone out, as for /upload.
    setImmediate(() => events.emit('upload', upload));
    return { url: upload.url };
  });
  const server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    const url = new URL(request.url ?? '/', 'http://receiver');
    if (resumable.owns(url)) return resumable.handle(request, response, faults.holdResumableMs);
    if (request.method === 'OPTIONS') return send(response, 204, '', 'text/plain');
    if (request.method === 'POST' && url.pathname === '/upload') return receiveUpload(request, response);
    // Other reply shapes for destinations to read (nested JSON, plain text, Location, no URL): same upload handling.
    const variant = REPLY_VARIANTS[url.pathname] ?? postingAsHost[url.pathname];
    if (request.method === 'POST' && variant) return receiveUpload(request, response, variant);
    if (request.method === 'GET' && url.pathname === '/mediawiki/api.php') {
      const token = mediawikiTokenReply(request.headers.cookie, formCookie);
      return send(response, token.status, token.body, token.contentType);
    }
    if (request.method === 'PUT' && url.pathname.startsWith('/raw/')) return receiveRaw(request, response, url);
    if (request.method === 'GET' && url.pathname === '/form-page') return sendFormPage(response, url);
    if (request.method === 'GET' && url.pathname === '/login') return send(response, 200, LOGIN_PAGE, 'text/html');
    if (request.method === 'POST' && url.pathname === '/form-upload')
      return receiveUpload(request, response, formReply);
    // An image only the page's own cookies open (set by /form-page): "Upload this image" must send them.
    if (request.method === 'GET' && url.pathname === '/cookie-image.png') {
      const allowed = (request.headers.cookie ?? '').split(/;\s*/).includes(formCookie);
      return allowed ? send(response, 200, COOKIE_IMAGE, 'image/png') : send(response, 403, 'no session', 'text/plain');
    }
    // Test sites whose own uploader is an npm upload library (issue 14).
    if (request.method === 'GET' && serveSitePages(url, response)) return;
    if (request.method === 'GET' && url.pathname === '/')
      return send(response, 200, listPage(uploads), 'text/html; charset=utf-8');
    if (request.method === 'GET' && url.pathname === '/uploads.json') {
      return send(response, 200, JSON.stringify(uploads, null, 2), 'application/json');
    }
    if (request.method === 'GET' && url.pathname.startsWith('/files/'))
      return serveFile(url.pathname.slice('/files/'.length), response);
    // The deletion link an image host gives with each upload: opening it removes the file.
    if (request.method === 'GET' && url.pathname.startsWith('/delete/'))
      return deleteFile(url.pathname.slice('/delete/'.length), response);
    send(response, 404, 'not found', 'text/plain');
  });

  function receiveUpload(
    request: IncomingMessage,
    response: ServerResponse,
    replyFor: (upload: ReceivedUpload, origin: string) => VariantReply = jsonUrlReply,
  ): void {
    const arrivedAt = Date.now();
    const index = ++arrivals;
    const idempotencyHeader = request.headers['idempotency-key'];
    const record: RequestRecord = {
      index,
      arrivedAt,
      outcome: 'receiving',
      bytes: 0,
      idempotencyKey: typeof idempotencyHeader === 'string' ? idempotencyHeader : undefined,
    };
    requests.push(record);
    const end = (outcome: RequestRecord['outcome'], status?: number) => {
      if (record.endedAt !== undefined) return;
      record.endedAt = Date.now();
      record.outcome = outcome;
      if (status !== undefined) record.status = status;
      events.emit('request', record);
    };
    if (faults.resetBeyond !== undefined && active >= faults.resetBeyond) {
      // An overloaded server or proxy drops the connection: the client sees ECONNRESET.
      end('reset');
      request.socket.resetAndDestroy();
      return;
    }
    active += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      active -= 1;
    };
    response.on('close', () => {
      release();
      if (record.endedAt === undefined) end(record.outcome === 'stalled' ? 'stalled' : 'aborted');
    });
    request.on('data', (chunk: Buffer) => {
      record.bytes += chunk.length;
    });
    const body = limitIngress ? request.pipe(limitIngress()) : request;
    if (faults.rateLimit && quota?.fault !== faults.rateLimit)
      quota = { fault: faults.rateLimit, verdict: createRateLimiter(faults.rateLimit) };
    // Counted when it arrives, as hosts count.
    const verdict = faults.rateLimit ? quota?.verdict(arrivedAt) : undefined;
    if (verdict) record.rateLimit = { over: verdict.over, headers: verdict.headers };
    if (verdict?.over) {
      // Read the whole body first, then refuse: never stored.
      body.on('data', () => {});
      body.on('end', () => {
        release();
        const asBody = faults.rateLimit?.style === 'body';
        end('status', asBody ? 200 : 429);
        send(
          response,
          asBody ? 200 : 429,
          JSON.stringify(asBody ? { ratelimited: true } : { error: 'rate limit exceeded' }),
          'application/json',
          verdict.headers,
        );
      });
      return;
    }
    const replyFault = faults.replies?.[index];
    const stallMs = faults.stalls?.[index] ?? (faults.holdReplyMs ? faults.holdReplyMs : undefined);
    const answer = (
      status: number,
      text: string,
      contentType: string,
      { headers = {}, stored }: { headers?: Record<string, string>; stored?: ReceivedUpload } = {},
    ) => {
      const reply = () => {
        release();
        end(stored ? 'stored' : replyFault ? 'status' : 'error', status);
        send(response, status, text, contentType, headers);
        if (stored) {
          stored.endedAt = Date.now();
          uploads.push(stored);
          events.emit('upload', stored);
        }
      };
      if (stallMs === undefined) return reply();
      record.outcome = 'stalled';
      if (Number.isFinite(stallMs)) setTimeout(reply, stallMs);
    };
    if (replyFault) {
      // Read the whole body first, as a server that looks at the upload before refusing it does.
      body.on('data', () => {});
      body.on('end', () => {
        const fault = typeof replyFault === 'function' ? replyFault(arrivedAt) : replyFault;
        answer(fault.status, JSON.stringify({ error: `injected ${fault.status}` }), 'application/json', {
          headers: fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
        });
      });
      return;
    }
    const fieldNames: string[] = [];
    const fieldValues: Record<string, string> = {};
    const files: Promise<
      Omit<
        ReceivedUpload,
        'index' | 'arrivedAt' | 'endedAt' | 'fieldNames' | 'fields' | 'method' | 'path' | 'headers' | 'idempotencyKey'
      >
    >[] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers });
    } catch (error) {
      answer(400, JSON.stringify({ error: `not multipart: ${String(error)}` }), 'application/json');
      return;
    }
    parser.on('field', (name, value) => {
      fieldNames.push(name);
      fieldValues[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      fieldNames.push(name);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      files.push(
        new Promise((resolve, reject) => {
          stream.on('error', reject);
          stream.on('end', () => {
            const bytes = Buffer.concat(chunks);
            const savedAs = `${String(index).padStart(4, '0')}-${safeName(info.filename ?? 'file')}`;
            writeFile(path.join(dir, savedAs), bytes).then(
              () =>
                resolve({
                  fileField: name,
                  filename: info.filename ?? '',
                  mimeType: info.mimeType,
                  size: bytes.length,
                  sha256: createHash('sha256').update(bytes).digest('hex'),
                  savedAs,
                  url: `${origin}/files/${encodeURIComponent(savedAs)}`,
                }),
              reject,
            );
          });
        }),
      );
    });
    parser.on('error', (error) => answer(400, JSON.stringify({ error: String(error) }), 'application/json'));
    parser.on('close', async () => {
      const [file] = await Promise.all(files);
      if (!file) return answer(400, JSON.stringify({ error: 'no file in the upload' }), 'application/json');
      record.filename = file.filename;
      const hostile = faults.hostile?.[file.filename];
      if (hostile !== undefined) {
        release();
        return replyHostile(hostile, response, record, end);
      }
      const upload: ReceivedUpload = {
        index,
        arrivedAt,
        endedAt: Date.now(),
        fieldNames,
        fields: fieldValues,
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        idempotencyKey: record.idempotencyKey,
        ...file,
      };
      events.emit('received', upload);
      const reply = replyFor(upload, origin);
      answer(reply.status, reply.body, reply.contentType, {
        headers: { ...reply.headers, ...verdict?.headers },
        stored: upload,
      });
    });
    body.pipe(parser);
  }

  /** PUT /raw/<name>: the body is the file itself (a raw-binary destination). */
  function receiveRaw(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const arrivedAt = Date.now();
    const index = ++arrivals;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const bytes = Buffer.concat(chunks);
      const filename = decodeURIComponent(url.pathname.slice('/raw/'.length));
      const savedAs = `${String(index).padStart(4, '0')}-${safeName(filename)}`;
      await writeFile(path.join(dir, savedAs), bytes);
      const idempotencyKey = request.headers['idempotency-key'];
      const upload: ReceivedUpload = {
        index,
        arrivedAt,
        endedAt: Date.now(),
        fieldNames: [],
        fields: {},
        method: 'PUT',
        path: request.url ?? '',
        fileField: '',
        filename,
        mimeType: request.headers['content-type'] ?? '',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        savedAs,
        url: `${origin}/files/${encodeURIComponent(savedAs)}`,
        headers: request.headers,
        idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : undefined,
      };
      uploads.push(upload);
      events.emit('received', upload);
      sendReply(response, {
        status: 201,
        body: JSON.stringify({ file: { url: upload.url } }),
        contentType: 'application/json',
      });
      events.emit('upload', upload);
    });
  }

  /** A page with upload forms (hidden tokens) that sets a session cookie; `?forms=2` gives two. */
  function sendFormPage(response: ServerResponse, url: URL): void {
    const count = Math.max(1, Number(url.searchParams.get('forms') ?? 1));
    const forms = Array.from(
      { length: count },
      (
        _,
        index,
      ) => `<form method="post" action="/form-upload?form=${index + 1}" enctype="multipart/form-data" id="upload-${index + 1}">
  <legend>Upload form ${index + 1}</legend>
  <input type="hidden" name="csrf_token" value="token-${index + 1}-${formCookie.slice(-6)}">
  <input type="text" name="album" value="album ${index + 1}">
  <input type="checkbox" name="unchecked" value="no">
  <input type="file" name="picture${index + 1}">
  <button type="submit">Send</button>
</form>`,
    ).join('\n');
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'set-cookie': `${formCookie}; Path=/; SameSite=Lax; HttpOnly`,
    });
    response.end(`<!doctype html><meta charset="utf-8"><title>Form page</title>
<form action="/search"><input name="q"></form>
${forms}`);
  }

  async function deleteFile(name: string, response: ServerResponse): Promise<void> {
    const savedAs = path.basename(decodeURIComponent(name));
    if (!uploads.some((candidate) => candidate.savedAs === savedAs) || deleted.includes(savedAs)) {
      return send(response, 404, 'no such file', 'text/plain');
    }
    deleted.push(savedAs);
    await rm(path.join(dir, savedAs), { force: true });
    send(response, 200, 'deleted', 'text/plain');
  }

  async function serveFile(name: string, response: ServerResponse): Promise<void> {
    // Only a name the receiver itself recorded (resumable uploads live in sub-folders: tus/, resumable/).
    const savedAs = decodeURIComponent(name);
    const upload = uploads.find((candidate) => candidate.savedAs === savedAs);
    if (!upload || deleted.includes(savedAs)) return send(response, 404, 'not found', 'text/plain');
    send(response, 200, await readFile(path.join(dir, savedAs)), upload.mimeType);
  }

  function waitUntil(
    done: (replied: ReceivedUpload[]) => boolean,
    timeoutMs = 60_000,
    describe = () => `receiver condition not met within ${timeoutMs} ms (${uploads.length} uploads)`,
  ): Promise<ReceivedUpload[]> {
    return new Promise((resolve, reject) => {
      if (done(uploads)) return resolve(uploads.slice());
      const timer = setTimeout(() => {
        events.off('upload', check);
        reject(new Error(describe()));
      }, timeoutMs);
      function check() {
        if (!done(uploads)) return;
        clearTimeout(timer);
        events.off('upload', check);
        resolve(uploads.slice());
      }
      events.on('upload', check);
    });
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const proxy =
    faults.resetConnectionAfterBytes === undefined
      ? undefined
      : await startResetProxy((server.address() as AddressInfo).port, () => faults.resetConnectionAfterBytes);
  if (proxy) origin = proxy.origin;

  return {
    origin,
    formCookie,
    uploadUrl: `${origin}/upload`,
    dir,
    uploads,
    requests,
    deleted,
    hits,
    active: () => active,
    resumable,
    ...(proxy ? { proxy } : {}),
    events,
    faults,
    waitForUploads(count, timeoutMs = 60_000) {
      return waitUntil(
        (replied) => replied.length >= count,
        timeoutMs,
        () => `receiver got ${uploads.length} of ${count} uploads within ${timeoutMs} ms`,
      );
    },
    waitUntil,
    close: async () => {
      await proxy?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

const LOGIN_PAGE =
  '<!doctype html><html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1>' +
  '<form method="post" action="/login"><input name="user"><input name="password" type="password"></form></body></html>';

const HOSTILE_BODIES: Record<number, { contentType: string; body: string }> = {
  401: { contentType: 'application/json', body: JSON.stringify({ error: 'token expired, sign in again' }) },
  403: {
    contentType: 'text/html',
    body: '<!doctype html><html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1><p>You do not have access to this album.</p></body></html>',
  },
  413: {
    contentType: 'text/html',
    body: '<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>',
  },
};

/** Answers an upload the way a broken or hostile server does (see HostileReply). */
function replyHostile(
  mode: HostileReply,
  response: ServerResponse,
  record: RequestRecord,
  end: (outcome: RequestRecord['outcome'], status?: number) => void,
): void {
  const state = { mode, bytesSent: 0 };
  record.hostile = state;
  const head = (status: number, contentType: string, headers: Record<string, string> = {}) =>
    response.writeHead(status, {
      ...CORS_HEADERS,
      ...headers,
      'content-type': contentType,
      'cache-control': 'no-store',
    });
  const write = (text: string) => {
    state.bytesSent += Buffer.byteLength(text);
    return response.write(text);
  };
  switch (mode) {
    case 'html-200':
      end('status', 200);
      send(
        response,
        200,
        '<!doctype html><html><head><title>Service temporarily unavailable</title><script>var tracking = 1;</script></head>' +
          '<body><h1>Something went wrong</h1><p>Our servers are busy. Please try again later.</p></body></html>',
        'text/html; charset=utf-8',
      );
      return;
    case 'invalid-json':
      end('status', 200);
      send(response, 200, '{"url": "http://127.0.0.1/files/0001-x.jpg", "size": 12,, oops', 'application/json');
      return;
    case 'login-redirect':
      end('status', 302);
      send(response, 302, '', 'text/html', { location: '/login?next=%2Fupload' });
      return;
    case 'never-ends':
      // The status and the start of a body, then silence: the connection stays open until the client gives up.
      record.outcome = 'stalled';
      head(200, 'application/json');
      write('{"url":');
      response.on('close', () => end('aborted', 200));
      return;
    case 'close-mid-reply':
      head(200, 'application/json', { 'content-length': '200' });
      write('{"url":"http://127.0.0.1/files/');
      // Long enough for the status line and the first bytes to reach the client.
      setTimeout(() => {
        end('aborted', 200);
        response.socket?.destroy();
      }, 100);
      return;
    case 'huge-body': {
      head(200, 'application/json', { 'content-length': String(HUGE_REPLY_BYTES) });
      const chunk = `{"padding":"${'x'.repeat(64 * 1024 - 13)}`;
      const pump = () => {
        while (state.bytesSent < HUGE_REPLY_BYTES && !response.destroyed) {
          const text = chunk.slice(0, HUGE_REPLY_BYTES - state.bytesSent);
          if (!write(text)) {
            response.once('drain', pump);
            return;
          }
        }
        if (!response.destroyed) response.end();
      };
      response.on('close', () => end(state.bytesSent >= HUGE_REPLY_BYTES ? 'status' : 'aborted', 200));
      pump();
      return;
    }
    default: {
      end('status', mode);
      const reply = HOSTILE_BODIES[mode] ?? { contentType: 'text/plain', body: `status ${mode}` };
      send(response, mode, reply.body, reply.contentType);
      return;
    }
  }
}
/** A 1×1 PNG. */
const COOKIE_IMAGE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  if (response.destroyed || response.writableEnded) return;
  response.writeHead(status, { ...CORS_HEADERS, ...headers, 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

interface VariantReply {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

/** The default reply: `{ "url": ... }`. */
function jsonUrlReply(upload: ReceivedUpload): VariantReply {
  return { status: 200, body: JSON.stringify({ url: upload.url, size: upload.size }), contentType: 'application/json' };
}

/** Other reply shapes real hosts use, by path. */
const REPLY_VARIANTS: Record<string, (upload: ReceivedUpload, origin: string) => VariantReply> = {
  /** Nested JSON with thumbnail and deletion URLs, e.g. `{json:data.image.url}`. */
  '/upload/nested': (upload, origin) => ({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      success: true,
      data: {
        image: { url: upload.url },
        thumb: { url: `${upload.url}?thumb=1` },
        delete_url: `${origin}/delete/${encodeURIComponent(upload.savedAs)}`,
      },
    }),
  }),
  /** The URL as the whole plain-text body: `{response}`. */
  '/upload/text': (upload) => ({ status: 200, contentType: 'text/plain', body: `${upload.url}\n` }),
  /** 201 with the URL in `Location` and no body: `{header:Location}`. */
  '/upload/location': (upload) => ({
    status: 201,
    contentType: 'text/plain',
    body: '',
    headers: { location: upload.url, 'access-control-expose-headers': 'Location' },
  }),
  /** jQuery File Upload's reply: `{ files: [{ name, size, url }] }`. */
  '/upload/blueimp': (upload) => ({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ files: [{ name: upload.filename, size: upload.size, url: upload.url }] }),
  }),
  /** A 200 that carries no URL at all. */
  '/upload/no-url': () => ({ status: 200, contentType: 'application/json', body: '{"ok":true}' }),
};

/** A form target answers with an HTML page, as web apps do. */
/** The page a site shows after a form upload: it names the file, which is what confirms it (form-reply.ts). */
function formReply(upload: ReceivedUpload): VariantReply {
  const name = upload.filename.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><p>Thanks, uploaded ${name}.</p>`,
  };
}

function sendReply(response: ServerResponse, reply: VariantReply): void {
  send(response, reply.status, reply.body, reply.contentType, reply.headers);
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 120) || 'file';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function listPage(uploads: readonly ReceivedUpload[]): string {
  const rows = uploads
    .map(
      (upload) =>
        `<tr><td>${upload.index}</td><td><a href="${escapeHtml(upload.url)}">${escapeHtml(upload.filename)}</a></td>` +
        `<td>${upload.size}</td><td>${new Date(upload.arrivedAt).toISOString()}</td><td>${upload.endedAt - upload.arrivedAt} ms</td></tr>`,
    )
    .join('');
  return `<!doctype html><meta charset="utf-8"><title>Cadence receiver</title>
<style>body{font:14px system-ui;margin:24px}td,th{padding:2px 10px;text-align:left}</style>
<h1>Cadence local receiver</h1><p>POST multipart uploads to <code>/upload</code>. ${uploads.length} received.</p>
<table><tr><th>#</th><th>file</th><th>bytes</th><th>arrived</th><th>took</th></tr>${rows}</table>`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      dir: { type: 'string', default: 'received' },
      'reset-beyond': { type: 'string' },
      'reset-after': { type: 'string' },
      ingress: { type: 'string' },
      reply: { type: 'string', multiple: true },
      stall: { type: 'string', multiple: true },
      hostile: { type: 'string', multiple: true },
      'rate-limit': { type: 'string' },
    },
  });
  const receiver = await startReceiver({
    port: Number(values.port ?? 8787),
    dir: path.resolve(values.dir ?? 'received'),
    faults: {
      ...(values['reset-beyond'] === undefined ? {} : { resetBeyond: Number(values['reset-beyond']) }),
      ...(values['reset-after'] === undefined ? {} : { resetConnectionAfterBytes: Number(values['reset-after']) }),
      ...(values.ingress === undefined ? {} : { ingressBytesPerSecond: Number(values.ingress) }),
      replies: Object.fromEntries((values.reply ?? []).map(parseReplyOption)),
      stalls: Object.fromEntries((values.stall ?? []).map(parseStallOption)),
      hostile: Object.fromEntries((values.hostile ?? []).map(parseHostileOption)),
      ...(values['rate-limit'] === undefined ? {} : { rateLimit: parseRateLimitOption(values['rate-limit']) }),
    },
  });
  console.log(`Cadence receiver at ${receiver.origin} (uploads to ${receiver.uploadUrl}), saving to ${receiver.dir}`);
  receiver.events.on('request', (record: RequestRecord) =>
    console.log(
      `#${record.index} ${record.outcome}${record.status ? ` ${record.status}` : ''} ${record.bytes} B ` +
        `(${(record.endedAt ?? Date.now()) - record.arrivedAt} ms)`,
    ),
  );
}
