/**
 * The receiver's resumable endpoints (issue 16):
 * - `/tus/` is @tus/server with @tus/file-store: tus 1.0 as its authors
 *   implement it (creation, creation-with-upload, termination, expiration;
 *   it has no checksum extension).
 * - `/resumable` is our own small server side of the IETF draft
 *   "Resumable Uploads for HTTP" (draft-ietf-httpbis-resumable-upload-12,
 *   interop version 8): no npm package implements the current draft. It
 *   keeps every byte that arrived before a reset, as the draft expects.
 * Both report a finished upload through `stored`, like a whole-file upload.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server as TusServer } from '@tus/server';

export interface StoredFile {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  filename: string;
  mimeType: string;
  size: number;
  sha256: string;
  /** File name inside the receiver's folder. */
  savedAs: string;
}

export interface ResumableServers {
  /** Whether a request to this URL is for /tus or /resumable. */
  owns(url: URL): boolean;
  /** Answers a request `owns` is true for, after `holdMs` (a slow server); logged when it arrives. */
  handle(request: IncomingMessage, response: ServerResponse, holdMs?: number): void;
  /** Bytes each IETF upload holds now, by id (a test reads where a resume started). */
  ietfOffsets: Map<string, number>;
  /** "METHOD /path OFFSET" of each request the resumable endpoints answered, in order (OFFSET: its Upload-Offset, or '-'). */
  log: string[];
}

export const INTEROP_VERSION = '8';

const IETF_HEADERS = ['Location', 'Upload-Offset', 'Upload-Complete', 'Upload-Limit', 'Upload-Draft-Interop-Version'];

export function createResumableServers(dir: string, stored: (file: StoredFile) => { url: string }): ResumableServers {
  const tusDir = path.join(dir, 'tus');
  const ietfDir = path.join(dir, 'resumable');
  mkdirSync(tusDir, { recursive: true });
  mkdirSync(ietfDir, { recursive: true });
  const log: string[] = [];
  const tus = new TusServer({
    path: '/tus',
    datastore: new FileStore({ directory: tusDir }),
    async onUploadFinish(request, upload) {
      const bytes = readFileSync(path.join(tusDir, upload.id));
      stored({
        method: request.method,
        path: new URL(request.url).pathname,
        headers: Object.fromEntries(request.headers.entries()),
        filename: upload.metadata?.filename ?? upload.id,
        mimeType: upload.metadata?.filetype ?? '',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        savedAs: path.join('tus', upload.id),
      });
      return {};
    },
  });

  interface IetfUpload {
    id: string;
    length: number | undefined;
    complete: boolean;
    filename: string;
    mimeType: string;
  }
  const ietfUploads = new Map<string, IetfUpload>();
  const ietfOffsets = new Map<string, number>();
  let ietfCount = 0;

  function ietfHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': IETF_HEADERS.join(', '),
      'cache-control': 'no-store',
      ...extra,
    };
  }

  function answer(response: ServerResponse, status: number, headers: Record<string, string>, body = '') {
    response.writeHead(status, ietfHeaders(headers));
    response.end(body);
  }

  /** A 409 or 400 with an RFC 9457 problem, as the draft names them. */
  function problem(response: ServerResponse, status: number, type: string, offset?: number) {
    answer(
      response,
      status,
      {
        'content-type': 'application/problem+json',
        ...(offset === undefined ? {} : { 'upload-offset': String(offset) }),
      },
      JSON.stringify({ type: `https://iana.org/assignments/http-problem-types#${type}` }),
    );
  }

  /** Appends the request body to the upload as it arrives: a reset keeps what came before it. */
  function receiveInto(upload: IetfUpload, request: IncomingMessage, done: () => void) {
    const file = path.join(ietfDir, upload.id);
    request.on('data', (chunk: Buffer) => {
      appendFileSync(file, chunk);
      ietfOffsets.set(upload.id, (ietfOffsets.get(upload.id) ?? 0) + chunk.length);
    });
    request.on('end', done);
  }

  function finishIetf(upload: IetfUpload, request: IncomingMessage, response: ServerResponse) {
    const bytes = readFileSync(path.join(ietfDir, upload.id));
    if (upload.length !== undefined && bytes.length !== upload.length) {
      return problem(response, 400, 'inconsistent-upload-length');
    }
    upload.complete = true;
    const { url } = stored({
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      filename: upload.filename,
      mimeType: upload.mimeType,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      savedAs: path.join('resumable', upload.id),
    });
    // What the upload target answers to a whole upload: the same JSON as /upload.
    answer(response, 200, { 'content-type': 'application/json', 'upload-complete': '?1' }, JSON.stringify({ url }));
  }

  function handleIetf(request: IncomingMessage, response: ServerResponse, url: URL) {
    const version = request.headers['upload-draft-interop-version'];
    if (request.method === 'OPTIONS') {
      return answer(response, 204, {
        'access-control-allow-methods': 'POST, HEAD, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': '*',
        'accept-patch': 'application/partial-upload',
        'upload-limit': 'min-size=0',
      });
    }
    if (version !== INTEROP_VERSION) {
      return answer(
        response,
        400,
        { 'content-type': 'text/plain' },
        `send Upload-Draft-Interop-Version: ${INTEROP_VERSION}`,
      );
    }
    const id = url.pathname.slice('/resumable/'.length);
    if (request.method === 'POST' && url.pathname === '/resumable') {
      const upload: IetfUpload = {
        id: `u${++ietfCount}-${Date.now().toString(36)}`,
        length: request.headers['upload-length'] === undefined ? undefined : Number(request.headers['upload-length']),
        complete: false,
        filename: /filename="([^"]*)"/.exec(request.headers['content-disposition'] ?? '')?.[1] ?? 'upload',
        mimeType: request.headers['content-type'] ?? 'application/octet-stream',
      };
      ietfUploads.set(upload.id, upload);
      ietfOffsets.set(upload.id, 0);
      const location = `/resumable/${upload.id}`;
      // 104 (Upload Resumption Supported) before the body: Node has no API for a 104, so it is written raw.
      response.socket?.write(
        `HTTP/1.1 104 Upload Resumption Supported\r\nLocation: ${location}\r\nUpload-Draft-Interop-Version: ${INTEROP_VERSION}\r\nUpload-Limit: min-size=0\r\n\r\n`,
      );
      const complete = request.headers['upload-complete'] === '?1';
      return receiveInto(upload, request, () => {
        if (complete) return finishIetf(upload, request, response);
        answer(response, 201, {
          location,
          'upload-complete': '?0',
          'upload-offset': String(ietfOffsets.get(upload.id) ?? 0),
          'upload-limit': 'min-size=0',
        });
      });
    }
    const upload = ietfUploads.get(id);
    if (!upload) return answer(response, 404, { 'content-type': 'text/plain' }, 'no such upload');
    const offset = ietfOffsets.get(id) ?? 0;
    switch (request.method) {
      case 'HEAD':
        return answer(response, 204, {
          'upload-offset': String(offset),
          'upload-complete': upload.complete ? '?1' : '?0',
          ...(upload.length === undefined ? {} : { 'upload-length': String(upload.length) }),
          'upload-limit': 'min-size=0',
        });
      case 'PATCH': {
        if (request.headers['content-type'] !== 'application/partial-upload') {
          return answer(response, 415, { 'content-type': 'text/plain' }, 'use application/partial-upload');
        }
        if (upload.complete) return problem(response, 400, 'completed-upload');
        if (Number(request.headers['upload-offset']) !== offset) {
          return problem(response, 409, 'mismatching-upload-offset', offset);
        }
        const complete = request.headers['upload-complete'] === '?1';
        return receiveInto(upload, request, () => {
          if (complete) return finishIetf(upload, request, response);
          answer(response, 204, { 'upload-complete': '?0', 'upload-offset': String(ietfOffsets.get(id) ?? 0) });
        });
      }
      case 'DELETE':
        ietfUploads.delete(id);
        ietfOffsets.delete(id);
        rmSync(path.join(ietfDir, id), { force: true });
        return answer(response, 204, {});
      default:
        return answer(response, 405, { 'content-type': 'text/plain' }, 'method not allowed');
    }
  }

  return {
    ietfOffsets,
    log,
    owns: (url) =>
      url.pathname === '/tus' ||
      url.pathname.startsWith('/tus/') ||
      url.pathname === '/resumable' ||
      url.pathname.startsWith('/resumable/'),
    handle(request, response, holdMs = 0) {
      const url = new URL(request.url ?? '/', 'http://receiver');
      log.push(`${request.method} ${url.pathname} ${request.headers['upload-offset'] ?? '-'}`);
      const answerIt = () => {
        if (url.pathname.startsWith('/tus')) void tus.handle(request, response);
        else handleIetf(request, response, url);
      };
      if (holdMs > 0) setTimeout(answerIt, holdMs);
      else answerIt();
    },
  };
}

/** The size of a file the tus store holds now (a test reads where a resume started). */
export function tusStoredBytes(dir: string, id: string): number {
  try {
    return statSync(path.join(dir, 'tus', id)).size;
  } catch {
    return 0;
  }
}
