import type { DestinationTransport } from '../destinations/model';
import type { TransportState } from '../queue/types';
import type { TransportItem } from './build-request';
import {
  absoluteUrl,
  type Dialect,
  type DialectContext,
  deleteUpload,
  protocolFailure,
  type Step,
  sendResumable,
} from './resumable';
import type { SendEffects, SendOptions, SentUpload } from './send-request';

/**
 * tus 1.0 (https://tus.io/protocols/resumable-upload): creation (with the
 * first chunk when the server offers creation-with-upload), HEAD for the
 * offset, PATCH from it, termination on cancel, and the checksum extension
 * (sha1, the one crypto.subtle computes that tus servers name) when offered.
 */

export const TUS_VERSION = '1.0.0';
const CHUNK_TYPE = 'application/offset+octet-stream';

type TusState = Extract<TransportState, { kind: 'tus' }>;

/** What the server's OPTIONS reply said it supports; all assumed off when it says nothing. */
export interface TusServer {
  creationWithUpload: boolean;
  termination: boolean;
  checksumSha1: boolean;
}

export function readTusOptions(response: Response | undefined): TusServer {
  const list = (name: string) =>
    (response?.headers.get(name) ?? '')
      .split(',')
      .map((word) => word.trim().toLowerCase())
      .filter(Boolean);
  const extensions = response?.ok ? list('Tus-Extension') : [];
  return {
    creationWithUpload: extensions.includes('creation-with-upload'),
    termination: extensions.includes('termination'),
    checksumSha1: extensions.includes('checksum') && list('Tus-Checksum-Algorithm').includes('sha1'),
  };
}

/** tus Upload-Metadata: comma-separated `key base64(value)`. */
export function tusMetadata(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key} ${base64(new TextEncoder().encode(value))}`)
    .join(',');
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

async function sha1Base64(chunk: Blob): Promise<string> {
  return base64(new Uint8Array(await crypto.subtle.digest('SHA-1', await chunk.arrayBuffer())));
}

function offsetOf(response: Response): number | undefined {
  const value = Number(response.headers.get('Upload-Offset'));
  return response.headers.has('Upload-Offset') && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function tusDialect(server: TusServer = readTusOptions(undefined)): Dialect<TusState> {
  const headersFor = (ctx: DialectContext, extra: Record<string, string>) => {
    const headers = ctx.target().headers;
    headers.set('Tus-Resumable', TUS_VERSION);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    return headers;
  };
  const credentials = (ctx: DialectContext): RequestCredentials =>
    ctx.item.destination.sendCookies ? 'include' : 'omit';
  /** A PATCH or creation reply: 2xx with the new offset, or what went wrong. */
  const afterSend = async (
    ctx: DialectContext,
    uploadUrl: string,
    answer: Awaited<ReturnType<DialectContext['request']>>,
  ): Promise<Step> => {
    if ('failure' in answer) return { kind: 'failed', outcome: answer.failure };
    const { response } = answer;
    if (response.status === 404 || response.status === 410) return { kind: 'gone' };
    if (response.status === 409) return { kind: 'conflict' };
    // 460: the checksum did not match (the chunk was damaged on the way): send it again.
    if (response.status === 460)
      return { kind: 'failed', outcome: { ok: false, kind: 'reset', httpStatus: 460, error: 'Checksum mismatch' } };
    if (!response.ok) return { kind: 'failed', outcome: await ctx.failed(response) };
    const offset = offsetOf(response);
    if (offset === undefined) {
      return protocolFailure(response.status, 'The tus server sent no Upload-Offset');
    }
    return { kind: 'at', uploadUrl, offset, status: response.status };
  };
  const chunkHeaders = async (chunk: Blob, offset: number) => ({
    'Upload-Offset': String(offset),
    'Content-Type': CHUNK_TYPE,
    ...(server.checksumSha1 ? { 'Upload-Checksum': `sha1 ${await sha1Base64(chunk)}` } : {}),
  });
  return {
    kind: 'tus',
    async prepare(ctx) {
      // The destination's headers too: a server may want its key on every request.
      const { url, headers } = ctx.target();
      const answer = await ctx.request(url, { method: 'OPTIONS', headers, credentials: credentials(ctx) });
      server = readTusOptions('response' in answer ? answer.response : undefined);
    },
    async create(ctx, chunk) {
      const { url } = ctx.target();
      // creation-with-upload only for a file that fits in one chunk (one request in all): for a
      // bigger one, bytes sent in a creation request that is reset are lost with the unseen Location.
      const withData = server.creationWithUpload && chunk.size > 0 && chunk.size >= ctx.blob.size;
      const headers = headersFor(ctx, {
        'Upload-Length': String(ctx.blob.size),
        'Upload-Metadata': tusMetadata({ filename: ctx.item.name, filetype: ctx.blob.type }),
        ...(withData ? await chunkHeaders(chunk, 0) : {}),
      });
      const answer = await ctx.request(url, {
        method: 'POST',
        headers,
        credentials: credentials(ctx),
        ...(withData ? { body: chunk } : {}),
      });
      if ('failure' in answer) return { kind: 'failed', outcome: answer.failure };
      const location = answer.response.headers.get('Location');
      if (!answer.response.ok || !location) {
        return {
          kind: 'failed',
          outcome: answer.response.ok
            ? { ok: false, kind: 'http', httpStatus: answer.response.status, error: 'The tus server sent no Location' }
            : await ctx.failed(answer.response),
        };
      }
      const uploadUrl = absoluteUrl(location, url);
      // Without data the offset is 0; with it, the server says how much it kept.
      return {
        kind: 'at',
        uploadUrl,
        offset: withData ? (offsetOf(answer.response) ?? 0) : 0,
        status: answer.response.status,
      };
    },
    async offset(ctx, uploadUrl) {
      const answer = await ctx.request(uploadUrl, {
        method: 'HEAD',
        headers: headersFor(ctx, { 'Cache-Control': 'no-store' }),
        credentials: credentials(ctx),
      });
      return afterSend(ctx, uploadUrl, answer);
    },
    async append(ctx, uploadUrl, offset, chunk) {
      const answer = await ctx.request(uploadUrl, {
        method: 'PATCH',
        headers: headersFor(ctx, await chunkHeaders(chunk, offset)),
        credentials: credentials(ctx),
        body: chunk,
      });
      return afterSend(ctx, uploadUrl, answer);
    },
    async terminate(ctx, uploadUrl) {
      if (!server.termination) return;
      await ctx.request(uploadUrl, { method: 'DELETE', headers: headersFor(ctx, {}), credentials: credentials(ctx) });
    },
    stateFor: (uploadUrl, chunkBytes) => ({ kind: 'tus', uploadUrl, chunkBytes }),
    // A tus server answers the last PATCH with 204 and no body: the file's address is the upload's URL.
    finish: async (_ctx, uploadUrl, _final, status) => ({ ok: true, httpStatus: status, resultUrl: uploadUrl }),
  };
}

export function sendTus(
  item: TransportItem,
  blob: Blob,
  transport: Extract<DestinationTransport, { kind: 'tus' }>,
  effects: SendEffects,
  options: SendOptions,
): Promise<SentUpload> {
  return sendResumable(tusDialect(), item, blob, transport.chunkBytes, effects, options);
}

/** Cancelled between attempts: DELETE the upload (termination), without asking OPTIONS first. */
export function terminateTus(item: TransportItem, state: TusState, effects: SendEffects): Promise<void> {
  return deleteUpload(item, state.uploadUrl, ['Tus-Resumable', TUS_VERSION], effects);
}
