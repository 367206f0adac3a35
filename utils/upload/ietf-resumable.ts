import type { TransportState } from '../queue/types';
import type { TransportItem } from './build-request';
import { parseReply, type UploadOutcome } from './parse-reply';
import { readReply } from './read-reply';
import {
  type Answer,
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
 * The IETF draft "Resumable Uploads for HTTP" (draft-ietf-httpbis-resumable-upload-12,
 * interop version 8). A file that fits in one chunk goes whole in the
 * creation request (`Upload-Complete: ?1`). A bigger one is created empty
 * (`Upload-Complete: ?0`, no content) and then appended to: the server names
 * the upload resource in a 104 interim response, but fetch never shows a
 * 1xx, so Cadence learns the Location only from the final response, and
 * bytes sent in a creation request that is reset would be lost with it.
 * HEAD asks the offset; PATCH with `application/partial-upload` appends;
 * DELETE cancels. The completing request's reply is the resource's own
 * reply, read with the destination's reply templates.
 */

/** "The current interop version is 8" (the draft's Draft Version Identification section). */
export const INTEROP_VERSION = '8';
/** The draft's media type for appended bytes. */
export const PARTIAL_UPLOAD_TYPE = 'application/partial-upload';
/** When the creation request is as large as one chunk of the pace at most. */
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

type IetfState = Extract<TransportState, { kind: 'ietf-resumable' }>;

/** A Structured Field boolean: ?1 or ?0. */
function readBoolean(response: Response, name: string): boolean | undefined {
  const value = response.headers.get(name)?.trim();
  return value === '?1' ? true : value === '?0' ? false : undefined;
}

function readOffset(response: Response): number | undefined {
  const raw = response.headers.get('Upload-Offset');
  const value = Number(raw);
  return raw !== null && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** `attachment; filename="..."` with the name quoted the way RFC 6266 allows, plus filename* for any name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const dialect: Dialect<IetfState> = {
  kind: 'ietf-resumable',
  async prepare() {},
  async create(ctx, chunk) {
    const { url } = ctx.target();
    const complete = chunk.size >= ctx.blob.size;
    const answer = await ctx.request(url, {
      method: 'POST',
      headers: headersFor(ctx, {
        'Upload-Complete': complete ? '?1' : '?0',
        'Upload-Length': String(ctx.blob.size),
        'Content-Type': ctx.blob.type || 'application/octet-stream',
        'Content-Disposition': contentDisposition(ctx.item.name),
      }),
      credentials: credentials(ctx),
      ...(complete ? { body: chunk } : {}),
    });
    if ('failure' in answer) return { kind: 'failed', outcome: answer.failure };
    const { response } = answer;
    if (!response.ok) return { kind: 'failed', outcome: await ctx.failed(response) };
    const location = response.headers.get('Location');
    if (complete)
      return {
        kind: 'at',
        uploadUrl: location ? absoluteUrl(location, url) : url,
        offset: ctx.blob.size,
        complete: { response },
      };
    if (!location) {
      return protocolFailure(response.status, 'The server does not offer resumable uploads (no Location)');
    }
    return {
      kind: 'at',
      uploadUrl: absoluteUrl(location, url),
      offset: readOffset(response) ?? chunk.size,
      status: response.status,
    };
  },
  async offset(ctx, uploadUrl) {
    const answer = await ctx.request(uploadUrl, {
      method: 'HEAD',
      headers: headersFor(ctx, {}),
      credentials: credentials(ctx),
    });
    const step = answered(answer);
    if (step) return step;
    const { response } = answer as { response: Response };
    if (!response.ok) return { kind: 'failed', outcome: await ctx.failed(response) };
    const offset = readOffset(response);
    if (offset === undefined) return protocolFailure(response.status, 'The server sent no Upload-Offset');
    // Complete on the server (the last PATCH's reply was lost): nothing left to send.
    if (readBoolean(response, 'Upload-Complete'))
      return { kind: 'at', uploadUrl, offset: ctx.blob.size, status: response.status };
    return { kind: 'at', uploadUrl, offset, status: response.status };
  },
  async append(ctx, uploadUrl, offset, chunk) {
    const complete = offset + chunk.size >= ctx.blob.size;
    const answer = await ctx.request(uploadUrl, {
      method: 'PATCH',
      headers: headersFor(ctx, {
        'Upload-Offset': String(offset),
        'Upload-Complete': complete ? '?1' : '?0',
        'Content-Type': PARTIAL_UPLOAD_TYPE,
      }),
      credentials: credentials(ctx),
      body: chunk,
    });
    const step = answered(answer);
    if (step) return step;
    const { response } = answer as { response: Response };
    if (!response.ok) return { kind: 'failed', outcome: await ctx.failed(response) };
    if (complete) return { kind: 'at', uploadUrl, offset: ctx.blob.size, complete: { response } };
    return { kind: 'at', uploadUrl, offset: readOffset(response) ?? offset + chunk.size, status: response.status };
  },
  async terminate(ctx, uploadUrl) {
    await ctx.request(uploadUrl, { method: 'DELETE', headers: headersFor(ctx, {}), credentials: credentials(ctx) });
  },
  stateFor: (uploadUrl) => ({ kind: 'ietf-resumable', uploadUrl }),
  async finish(ctx, uploadUrl, final, status) {
    if (!final) return { ok: true, httpStatus: status, resultUrl: uploadUrl };
    return readFinal(ctx, final);
  },
};

/** Answers every protocol shares: none at all, a lost upload, a mismatched offset. */
function answered(answer: Answer): Step | undefined {
  if ('failure' in answer) return { kind: 'failed', outcome: answer.failure };
  const { status } = answer.response;
  if (status === 404 || status === 410) return { kind: 'gone' };
  if (status === 409) return { kind: 'conflict' };
  return undefined;
}

function headersFor(ctx: DialectContext, extra: Record<string, string>): Headers {
  const { headers } = ctx.target();
  headers.set('Upload-Draft-Interop-Version', INTEROP_VERSION);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return headers;
}

function credentials(ctx: DialectContext): RequestCredentials {
  return ctx.item.destination.sendCookies ? 'include' : 'omit';
}

/** The completing request's reply is what a whole-file upload would have got: read it the same way. */
async function readFinal(ctx: DialectContext, response: Response): Promise<UploadOutcome> {
  try {
    return parseReply(ctx.item.destination, await readReply(response), ctx.item.name, ctx.now());
  } catch (error) {
    return {
      ok: false,
      kind: 'unreadable',
      httpStatus: response.status,
      error: `The reply broke off: ${String(error)}`,
    };
  }
}

export function sendIetfResumable(
  item: TransportItem,
  blob: Blob,
  effects: SendEffects,
  options: SendOptions,
): Promise<SentUpload> {
  return sendResumable(dialect, item, blob, DEFAULT_CHUNK_BYTES, effects, options);
}

/** Cancelled between attempts: DELETE the upload resource. */
export function cancelIetfResumable(item: TransportItem, state: IetfState, effects: SendEffects): Promise<void> {
  return deleteUpload(item, state.uploadUrl, ['Upload-Draft-Interop-Version', INTEROP_VERSION], effects);
}
