import { MIN_TUS_CHUNK_BYTES } from '../destinations/model';
import type { TransportState } from '../queue/types';
import { renderTarget, type TransportItem } from './build-request';
import { fetchToken, TOKEN_STEP } from './fetch-token';
import { describeNetworkError, excerpt, parseReply, type UploadOutcome } from './parse-reply';
import { type ReplyInfo, readReply } from './read-reply';
import type { SendEffects, SendOptions, SentUpload } from './send-request';
import { UPLOAD_TIMEOUT_MS } from './send-request';

/** The states that resume at an upload URL (tus, the IETF draft; S3 keeps its parts instead). */
type UrlTransportState = Extract<TransportState, { uploadUrl: string }>;

/**
 * The loop both resumable protocols share (tus 1.0, the IETF draft): create
 * the upload (with the first chunk), then append chunk after chunk from the
 * server's offset; after a reset ask the offset again (HEAD) and go on from
 * there with a smaller chunk. Written here rather than with tus-js-client:
 * its browser build sends through XMLHttpRequest, which a MV3 service worker
 * does not have (a fetch stack would be ours anyway), it keeps resume state
 * in localStorage (absent there too), and it has neither the checksum
 * extension nor the IETF draft. Each protocol is a `Dialect`; the loop,
 * retries, chunk sizes, progress and the saved state live here once.
 */

/** One request's answer, or why there is none. */
export type Answer = { response: Response } | { failure: UploadOutcome };

export interface DialectContext {
  item: TransportItem;
  blob: Blob;
  /** Sends one request under the per-request timeout and the user's cancel. */
  request(url: string, init: RequestInit): Promise<Answer>;
  /** Reads a failed reply into the row's outcome (status, problem name, excerpt). */
  failed(response: Response): Promise<UploadOutcome>;
  now(): number;
  /** The rendered URL and headers (the token step's `{token}` included), the same for every request of the attempt. */
  target(): { url: string; headers: Headers };
}

/** Where a step left the upload: the server's offset, and the final reply when it is complete. */
export type Step =
  | { kind: 'at'; uploadUrl: string; offset: number; status?: number; complete?: { response: Response } }
  /** The server no longer knows the upload (404, 410): start a new one. */
  | { kind: 'gone' }
  /** The offset the client sent does not match the server's (409): ask it again. */
  | { kind: 'conflict' }
  | { kind: 'failed'; outcome: UploadOutcome };

export interface Dialect<State extends UrlTransportState> {
  kind: State['kind'];
  /** What an attempt learns once before it starts (tus: the extensions; OPTIONS). */
  prepare(ctx: DialectContext): Promise<void>;
  create(ctx: DialectContext, chunk: Blob): Promise<Step>;
  offset(ctx: DialectContext, uploadUrl: string): Promise<Step>;
  append(ctx: DialectContext, uploadUrl: string, offset: number, chunk: Blob): Promise<Step>;
  terminate(ctx: DialectContext, uploadUrl: string): Promise<void>;
  /** The saved state for this upload URL and the chunk size reached. */
  stateFor(uploadUrl: string, chunkBytes: number): State;
  /** The row's outcome once the server has every byte; `status` is the last reply's. */
  finish(ctx: DialectContext, uploadUrl: string, final: Response | undefined, status: number): Promise<UploadOutcome>;
}

/**
 * Chunk failures in a row with no byte gained before the attempt ends and
 * the runner's retry (with its pace and backoff) takes over. Failures that
 * still move the offset forward never count: a server that resets every few
 * megabytes still gets the whole file.
 */
export const STALLED_FAILURES = 3;
/** The wait before a chunk is tried again, doubled per failure without progress. */
export const CHUNK_RETRY_DELAY_MS = 250;
/** Successful chunks in a row before the chunk size doubles again (toward the destination's size). */
export const GROW_AFTER_CHUNKS = 4;

/**
 * The chunk size the pace chooses: the destination's size on a server that
 * has not failed this item; halved per automatic retry it already needed
 * (a fragile server), and never below MIN_TUS_CHUNK_BYTES.
 */
export function initialChunkBytes(maxBytes: number, autoRetries = 0, saved?: number): number {
  const start = saved ?? Math.floor(maxBytes / 2 ** Math.min(autoRetries, 4));
  return Math.max(MIN_TUS_CHUNK_BYTES, Math.min(maxBytes, start));
}

/** The pace's chunk size over one attempt: halves on a failure, doubles after a run of successes. */
export class ChunkPace {
  private successes = 0;
  constructor(
    public bytes: number,
    private readonly maxBytes: number,
  ) {}
  failed(): void {
    this.successes = 0;
    this.bytes = Math.max(MIN_TUS_CHUNK_BYTES, Math.floor(this.bytes / 2));
  }
  succeeded(): void {
    this.successes += 1;
    if (this.successes >= GROW_AFTER_CHUNKS && this.bytes < this.maxBytes) {
      this.successes = 0;
      this.bytes = Math.min(this.maxBytes, this.bytes * 2);
    }
  }
}

const CANCELLED = 'cancelled by the user';
const TIMED_OUT = 'request timed out';

export async function sendResumable<State extends UrlTransportState>(
  dialect: Dialect<State>,
  item: TransportItem,
  blob: Blob,
  maxChunkBytes: number,
  effects: SendEffects,
  options: SendOptions,
): Promise<SentUpload> {
  const total = blob.size;
  const saved = item.transportState?.kind === dialect.kind ? (item.transportState as State) : undefined;
  let uploadUrl = saved?.uploadUrl;
  const pace = new ChunkPace(
    initialChunkBytes(maxChunkBytes, item.autoRetries, saved && 'chunkBytes' in saved ? saved.chunkBytes : undefined),
    maxChunkBytes,
  );
  const timeoutMs = options.uploadTimeoutMs ?? UPLOAD_TIMEOUT_MS;
  const cancel = options.cancel;
  const ctx: DialectContext = {
    item,
    blob,
    request: (url, init) => requestOnce(effects, url, init, cancel, timeoutMs),
    failed: (response) => failedOutcome(item, response, effects),
    now: () => effects.now(),
    // Set below, once the token step ran.
    target: () => {
      throw new Error('no target before the token step');
    },
  };
  // The destination's token step, once per attempt, as for a whole-file upload (send-request.ts).
  let token: string | undefined;
  const { tokenRequest } = item.destination;
  if (tokenRequest) {
    const fetched = await fetchToken(
      { ...item.destination, tokenRequest },
      effects.fetch,
      cancel ?? new AbortController().signal,
    ).catch(
      (error: unknown): UploadOutcome => ({
        ok: false,
        kind: 'reset',
        error: `${TOKEN_STEP}: ${describeNetworkError(error)}`,
      }),
    );
    if (typeof fetched !== 'string') return { outcome: fetched };
    token = fetched;
  }
  let target: { url: string; headers: Headers };
  try {
    target = renderTarget(item, blob, { token });
  } catch (error) {
    // A broken template in the destination snapshot: no retry can fix it (as in send-request.ts).
    return { outcome: { ok: false, kind: 'file', error: `Could not build the request: ${String(error)}` } };
  }
  ctx.target = () => ({ url: target.url, headers: new Headers(target.headers) });
  const save = (url: string | undefined) =>
    options.saveState?.(url === undefined ? undefined : dialect.stateFor(url, pace.bytes)) ?? Promise.resolve();

  // The offset is unknown until the server says it: a saved upload starts with HEAD.
  let offset: number | undefined = uploadUrl ? undefined : 0;
  let stalled = 0;
  let lastFailure: UploadOutcome | undefined;
  await dialect.prepare(ctx);
  while (true) {
    if (cancel?.aborted) return { outcome: await cancelled(dialect, ctx, uploadUrl, save) };
    let step: Step;
    if (uploadUrl === undefined) {
      step = await dialect.create(ctx, blob.slice(0, Math.min(total, pace.bytes), blob.type));
    } else if (offset === undefined) {
      step = await dialect.offset(ctx, uploadUrl);
    } else {
      step = await dialect.append(ctx, uploadUrl, offset, blob.slice(offset, offset + pace.bytes, blob.type));
    }
    if (cancel?.aborted) return { outcome: await cancelled(dialect, ctx, uploadUrl, save) };
    if (step.kind === 'at') {
      const created = uploadUrl === undefined;
      const moved = offset === undefined || step.offset > offset;
      if (moved) stalled = 0;
      const asked = offset === undefined;
      uploadUrl = step.uploadUrl;
      offset = step.offset;
      if (created) await save(uploadUrl);
      if (!asked) pace.succeeded();
      options.onProgress?.(offset, total);
      if (step.complete || offset >= total) {
        const outcome = await dialect.finish(ctx, uploadUrl, step.complete?.response, step.status ?? 200);
        if (outcome.ok) await options.saveState?.(undefined);
        return { outcome };
      }
      continue;
    }
    if (step.kind === 'gone') {
      // Expired or removed on the server: what it had is lost, start a new upload.
      uploadUrl = undefined;
      offset = 0;
      await save(undefined);
      stalled += 1;
      if (stalled >= STALLED_FAILURES)
        return { outcome: { ok: false, kind: 'http', error: 'The server lost the upload again and again' } };
      continue;
    }
    if (step.kind === 'conflict') {
      offset = undefined;
      stalled += 1;
    } else {
      if (!retriable(step.outcome)) return { outcome: step.outcome };
      lastFailure = step.outcome;
      // The server may have kept part of the chunk: ask, and send less at a time from there.
      if (uploadUrl !== undefined) offset = undefined;
      stalled += 1;
      pace.failed();
      if (uploadUrl !== undefined) await save(uploadUrl);
    }
    if (stalled >= STALLED_FAILURES) {
      return { outcome: lastFailure ?? { ok: false, kind: 'reset', error: 'The server kept moving the offset' } };
    }
    await wait(effects, CHUNK_RETRY_DELAY_MS * 2 ** (stalled - 1), cancel);
  }
}

/** Resets, timeouts and 5xx may pass; a 4xx or a missing permission will not by trying again now. */
export function retriable(outcome: UploadOutcome): boolean {
  if (outcome.ok) return false;
  if (outcome.kind === 'reset' || outcome.kind === 'timeout') return true;
  return outcome.kind === 'http' && outcome.httpStatus !== undefined && outcome.httpStatus >= 500;
}

async function cancelled<State extends UrlTransportState>(
  dialect: Dialect<State>,
  ctx: DialectContext,
  uploadUrl: string | undefined,
  save: (url: string | undefined) => Promise<void>,
): Promise<UploadOutcome> {
  if (uploadUrl !== undefined) await dialect.terminate(ctx, uploadUrl).catch(() => {});
  await save(undefined);
  return { ok: false, kind: 'cancelled', error: 'Cancelled' };
}

export function wait(effects: SendEffects, ms: number, cancel?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = effects.setTimer(done, ms);
    cancel?.addEventListener('abort', done, { once: true });
    function done() {
      stop();
      cancel?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** One request of a resumable upload, under its own timeout and the user's cancel. Never rejects. */
async function requestOnce(
  effects: SendEffects,
  url: string,
  init: RequestInit,
  cancel: AbortSignal | undefined,
  timeoutMs: number,
): Promise<Answer> {
  const controller = new AbortController();
  const onCancel = () => controller.abort(CANCELLED);
  if (cancel?.aborted) onCancel();
  else cancel?.addEventListener('abort', onCancel, { once: true });
  const stopTimeout = effects.setTimer(() => controller.abort(TIMED_OUT), timeoutMs);
  try {
    return { response: await effects.fetch(new Request(url, { ...init, signal: controller.signal })) };
  } catch (error) {
    if (controller.signal.reason === CANCELLED)
      return { failure: { ok: false, kind: 'cancelled', error: 'Cancelled' } };
    if (controller.signal.reason === TIMED_OUT) {
      return { failure: { ok: false, kind: 'timeout', error: `Timed out: no reply within ${timeoutMs / 1000} s` } };
    }
    if (effects.hasOriginAccess && !(await effects.hasOriginAccess(url).catch(() => true))) {
      return { failure: { ok: false, kind: 'permission', error: `No permission to reach ${new URL(url).origin}` } };
    }
    return { failure: { ok: false, kind: 'reset', error: describeNetworkError(error) } };
  } finally {
    stopTimeout();
    cancel?.removeEventListener('abort', onCancel);
  }
}

/** A reply outside 2xx as the row names it: the same reading a whole-file upload gets (parse-reply.ts). */
async function failedOutcome(item: TransportItem, response: Response, effects: SendEffects): Promise<UploadOutcome> {
  let reply: ReplyInfo;
  try {
    reply = await readReply(response);
  } catch {
    reply = { status: response.status, headers: response.headers, url: response.url, body: '' };
  }
  const outcome = parseReply({ ...item.destination, successStatuses: '2xx' }, reply, item.name, effects.now());
  if (!outcome.ok) return outcome;
  return {
    ok: false,
    kind: 'http',
    httpStatus: response.status,
    error: `HTTP ${response.status}`,
    excerpt: excerpt(reply.body),
  };
}

/** A reply that breaks the protocol (a header missing): not retried, the row says what was missing. */
export function protocolFailure(httpStatus: number, error: string): Step {
  return { kind: 'failed', outcome: { ok: false, kind: 'http', httpStatus, error } };
}

/** Resolves a Location against the request's URL (servers may answer with a path). */
export function absoluteUrl(location: string, base: string): string {
  return new URL(location, base).href;
}

/**
 * Cancelled between attempts: DELETE the upload the server holds (tus
 * termination, the draft's cancellation), best effort: a server that
 * refuses keeps a partial upload it expires itself.
 */
export async function deleteUpload(
  item: TransportItem,
  uploadUrl: string,
  protocolHeader: [string, string],
  effects: SendEffects,
): Promise<void> {
  const { headers } = renderTarget(item, new Blob());
  headers.set(...protocolHeader);
  const credentials = item.destination.sendCookies ? 'include' : 'omit';
  await effects.fetch(new Request(uploadUrl, { method: 'DELETE', headers, credentials })).catch(() => {});
}
