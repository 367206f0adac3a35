import type { TransportState } from '../queue/types';
import { buildUploadRequest, type UploadItem } from './build-request';
import { fetchToken, TOKEN_STEP } from './fetch-token';
import { describeNetworkError, excerpt, PROBLEM_NAMES, parseReply, type UploadOutcome } from './parse-reply';
import { MAX_REPLY_BYTES, ReplyBroken, type ReplyInfo, readReply } from './read-reply';

/** A stalled server must not hold a slot forever. */
export const UPLOAD_TIMEOUT_MS = 5 * 60_000;

/** How long the rest of a reply may take once its status arrived, unless the user set another (replyTimeoutMsSetting). */
export const DEFAULT_REPLY_TIMEOUT_MS = 30_000;

/** `SendEffects.setTimer` over the global `setTimeout` (the worker's, or a test's fake timers). */
export function setTimeoutTimer(callback: () => void, ms: number): () => void {
  const handle = setTimeout(callback, ms);
  return () => clearTimeout(handle);
}

/** What sending needs from the world, injected so fake clocks and fake servers drive it in tests. */
export interface SendEffects {
  fetch(request: Request): Promise<Response>;
  /** Returns a cancel function. */
  setTimer(callback: () => void, ms: number): () => void;
  now(): number;
  /**
   * Whether the extension may reach this URL's origin. Asked only after a
   * fetch failed without a reply: a missing permission looks like a reset.
   */
  hasOriginAccess?(url: string): Promise<boolean>;
}

export interface SendOptions {
  /** The user's cancel: aborting it ends the upload as 'cancelled'. */
  cancel?: AbortSignal;
  /** From the start until the status arrives. @default UPLOAD_TIMEOUT_MS */
  uploadTimeoutMs?: number;
  /** Read when the status arrived, so a changed setting applies to uploads in flight. */
  replyTimeoutMs(): Promise<number>;
  /**
   * Bytes of the file the server has, as a resumable transport learns them
   * (each chunk, each offset). A whole-file request never calls it: fetch
   * tells nothing while a request body goes out (docs/resumable-uploads.md).
   */
  onProgress?(sentBytes: number, totalBytes: number): void;
  /**
   * Keeps where a resumable upload stands (undefined: nothing to resume),
   * so the next attempt, after a worker stop or a restart, asks the server
   * for its offset. Resolves once stored.
   */
  saveState?(state: TransportState | undefined): Promise<void>;
}

/** The outcome, and the reply when one was read whole ("Test destination" shows its start). */
export interface SentUpload {
  outcome: UploadOutcome;
  reply?: ReplyInfo;
}

/** Abort reasons, told apart when the fetch or the reading rejects. */
const CANCELLED = 'cancelled by the user';
const TIMED_OUT = 'upload timed out';
const REPLY_TIMED_OUT = 'reply timed out';
const MAX_REPLY_KB = MAX_REPLY_BYTES / 1024;

/**
 * Uploads one item once: builds its request, sends it under the upload
 * timeout, reads the reply under the reply timeout, and parses it. Never
 * rejects: every way it can end is an UploadOutcome.
 */
export async function sendUpload(
  item: UploadItem,
  blob: Blob,
  effects: SendEffects,
  options: SendOptions,
): Promise<SentUpload> {
  const controller = new AbortController();
  const onCancel = () => controller.abort(CANCELLED);
  if (options.cancel?.aborted) onCancel();
  else options.cancel?.addEventListener('abort', onCancel, { once: true });
  const uploadTimeoutMs = options.uploadTimeoutMs ?? UPLOAD_TIMEOUT_MS;
  const stopTimeout = effects.setTimer(() => controller.abort(TIMED_OUT), uploadTimeoutMs);
  try {
    return await send(item, blob, effects, options, controller, uploadTimeoutMs);
  } finally {
    stopTimeout();
    options.cancel?.removeEventListener('abort', onCancel);
  }
}

async function send(
  item: UploadItem,
  blob: Blob,
  effects: SendEffects,
  options: SendOptions,
  controller: AbortController,
  uploadTimeoutMs: number,
): Promise<SentUpload> {
  const { signal } = controller;
  const { tokenRequest } = item.destination;
  let token: string | undefined;
  if (tokenRequest) {
    try {
      const fetched = await fetchToken({ ...item.destination, tokenRequest }, effects.fetch, signal);
      if (typeof fetched !== 'string') return { outcome: fetched };
      token = fetched;
    } catch (error) {
      const failed = await noReplyOutcome(error, tokenRequest.url, signal, effects, uploadTimeoutMs);
      // A cancel is the user's, whichever request it stopped.
      return {
        outcome: failed.kind === 'cancelled' ? failed : { ...failed, error: `${TOKEN_STEP}: ${failed.error}` },
      };
    }
  }
  let request: Request;
  try {
    request = await buildUploadRequest(item, blob, { token });
  } catch (error) {
    // A broken template in the destination snapshot: no retry can fix it.
    return { outcome: { ok: false, kind: 'file', error: `Could not build the request: ${String(error)}` } };
  }
  let response: Response;
  try {
    response = await effects.fetch(new Request(request, { signal }));
  } catch (error) {
    return { outcome: await noReplyOutcome(error, request.url, signal, effects, uploadTimeoutMs) };
  }
  // The status is in; the rest of the reply gets its own, shorter limit.
  const replyTimeoutMs = await options.replyTimeoutMs();
  const stopReplyTimeout = effects.setTimer(() => controller.abort(REPLY_TIMED_OUT), replyTimeoutMs);
  let reply: ReplyInfo;
  try {
    reply = await readReply(response, { signal });
  } catch (error) {
    return { outcome: brokenReplyOutcome(error, response.status, signal, replyTimeoutMs, uploadTimeoutMs) };
  } finally {
    stopReplyTimeout();
  }
  return { outcome: parseReply(item.destination, reply, item.name, effects.now()), reply };
}

/**
 * A reply that arrived with a status and then failed. Never finished is a
 * timeout (retried); closed mid-reply or too large is 'unreadable' (never
 * retried by itself: the server probably stored the upload). Why:
 * docs/architecture.md, "When a reply breaks".
 */
function brokenReplyOutcome(
  error: unknown,
  httpStatus: number,
  signal: AbortSignal,
  replyTimeoutMs: number,
  uploadTimeoutMs: number,
): UploadOutcome {
  const partial = error instanceof ReplyBroken ? excerpt(error.partial) : '';
  const withExcerpt = partial ? { excerpt: partial } : {};
  if (signal.aborted && signal.reason === REPLY_TIMED_OUT) {
    return {
      ok: false,
      kind: 'timeout',
      httpStatus,
      problem: 'reply-never-finished',
      error: `${PROBLEM_NAMES['reply-never-finished']}: HTTP ${httpStatus}, then nothing more within ${replyTimeoutMs / 1000} s`,
      ...withExcerpt,
    };
  }
  const aborted = abortOutcome(signal, uploadTimeoutMs);
  if (aborted) return aborted;
  if (error instanceof ReplyBroken && error.reason === 'too-large') {
    return {
      ok: false,
      kind: 'unreadable',
      httpStatus,
      problem: 'reply-too-large',
      error: `${PROBLEM_NAMES['reply-too-large']}: HTTP ${httpStatus}, over ${MAX_REPLY_KB} KB, the rest was not read`,
      ...withExcerpt,
    };
  }
  return {
    ok: false,
    kind: 'unreadable',
    httpStatus,
    problem: 'closed-mid-reply',
    error: `${PROBLEM_NAMES['closed-mid-reply']}: HTTP ${httpStatus}, ${error instanceof ReplyBroken && error.cause !== undefined ? String(error.cause) : String(error)}`,
    ...withExcerpt,
  };
}

/** A request that got no reply: cancelled, timed out, no permission for its origin, or a network failure. */
async function noReplyOutcome(
  error: unknown,
  url: string,
  signal: AbortSignal,
  effects: SendEffects,
  uploadTimeoutMs: number,
): Promise<Extract<UploadOutcome, { ok: false }>> {
  const aborted = abortOutcome(signal, uploadTimeoutMs);
  if (aborted) return aborted;
  if (effects.hasOriginAccess && !(await effects.hasOriginAccess(url).catch(() => true))) {
    // Not retried automatically: no later attempt can succeed until the user allows the origin.
    let origin = url;
    try {
      origin = new URL(url).origin;
    } catch {
      // A templated URL: name it as written.
    }
    return { ok: false, kind: 'permission', error: `No permission to reach ${origin}` };
  }
  return { ok: false, kind: 'reset', error: describeNetworkError(error) };
}

function abortOutcome(signal: AbortSignal, uploadTimeoutMs: number): Extract<UploadOutcome, { ok: false }> | undefined {
  if (!signal.aborted) return undefined;
  if (signal.reason === CANCELLED) return { ok: false, kind: 'cancelled', error: 'Cancelled' };
  return { ok: false, kind: 'timeout', error: `Timed out: no reply within ${uploadTimeoutMs / 1000} s` };
}
