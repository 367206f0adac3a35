import {
  type DestinationSpec,
  escapeJsonString,
  isHttpUrl,
  isSuccessStatus,
  type NameValue,
} from '../destinations/model';
import {
  parseTemplate,
  renderTemplate,
  type TemplateContext,
  TemplateError,
  usesBase64,
} from '../destinations/template';
import type { FailureKind, QueueItem, ReplyProblem } from '../queue/types';

export type UploadItem = Pick<QueueItem, 'destination' | 'name' | 'idempotencyKey'>;

export interface BuildOptions {
  /** Picks `{random:...}` choices; Math.random by default. */
  random?: (count: number) => number;
}

/**
 * Builds the one request that uploads one item, as its destination snapshot
 * says. Rejects with a TemplateError when a template is malformed (the
 * options page refuses to save such a destination, so this is a backstop).
 */
export async function buildUploadRequest(item: UploadItem, blob: Blob, options: BuildOptions = {}): Promise<Request> {
  const spec = item.destination;
  const context: TemplateContext = { filename: item.name, mimetype: blob.type, random: options.random };
  const render = (source: string, escapeValue?: (value: string) => string) => {
    const parsed = parseTemplate(source, 'request');
    if (parsed instanceof TemplateError) throw parsed;
    return renderTemplate(parsed, context, { escape: escapeValue });
  };
  const needsBase64 = bodyTemplates(spec).some((source) => {
    const parsed = parseTemplate(source, 'request');
    return !(parsed instanceof TemplateError) && usesBase64(parsed);
  });
  if (needsBase64) context.base64 = await blobToBase64(blob);

  const url = render(spec.url, encodeURIComponent);
  if (!isHttpUrl(url)) throw new Error(`not an http(s) URL: ${url}`);
  const headers = new Headers();
  for (const header of spec.headers) headers.set(header.name, render(header.value));
  // Lets a server drop a repeat when an interrupted upload is sent again.
  headers.set('Idempotency-Key', item.idempotencyKey);

  let body: BodyInit;
  const { body: shape } = spec;
  switch (shape.kind) {
    case 'multipart': {
      const form = new FormData();
      for (const field of shape.fields) form.append(field.name, render(field.value));
      form.append(shape.fileField, blob, item.name);
      body = form;
      break;
    }
    case 'binary':
      body = blob;
      headers.set('Content-Type', blob.type || 'application/octet-stream');
      break;
    case 'json':
      body = render(shape.template, escapeJsonString);
      headers.set('Content-Type', 'application/json');
      break;
    case 'form-urlencoded':
      body = new URLSearchParams(shape.fields.map((field) => [field.name, render(field.value)]));
      break;
  }
  return new Request(url, {
    method: spec.method,
    body,
    headers,
    credentials: spec.sendCookies ? 'include' : 'omit',
  });
}

function bodyTemplates(spec: DestinationSpec): string[] {
  const { body } = spec;
  if (body.kind === 'json') return [body.template];
  if (body.kind === 'multipart' || body.kind === 'form-urlencoded')
    return body.fields.map((field: NameValue) => field.value);
  return [];
}

/** Base64 of the bytes, in chunks: spreading a whole 1 MB array into fromCharCode overflows the call stack. */
async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  const CHUNK = 0x8000;
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK));
  }
  return btoa(binary);
}

export type UploadOutcome =
  | { ok: true; httpStatus: number; resultUrl?: string; thumbnailUrl?: string; deletionUrl?: string }
  | {
      ok: false;
      kind: FailureKind;
      httpStatus?: number;
      error: string;
      /** What exactly went wrong with the reply, when it has a name of its own. */
      problem?: ReplyProblem;
      /** The start of what the server sent, at most EXCERPT_LENGTH characters. */
      excerpt?: string;
      /** Retry-After of a failed reply, as an absolute time. */
      retryAfterAt?: number;
    };

/** What the reply parser needs from a Response, so it stays a pure function. */
export interface ReplyInfo {
  status: number;
  headers: Headers;
  /** The URL the reply came from (after redirects); '' when unknown. */
  url: string;
  /** The request was redirected on the way (fetch follows redirects). */
  redirected?: boolean;
  body: string;
}

/** Enough to tell what a page is in a bug report, short enough to keep on every row. */
export const EXCERPT_LENGTH = 300;
/**
 * An upload reply is a few hundred bytes of JSON or a URL. More than this is
 * not a reply to read: the rest is cancelled unread, so a 50 MB or endless
 * body cannot eat the worker's memory.
 */
export const MAX_REPLY_BYTES = 256 * 1024;
export const NO_URL_IN_REPLY = 'uploaded, but no URL in the reply';

/** One line of at most EXCERPT_LENGTH characters; an HTML page is reduced to its text (title first). */
export function excerpt(text: string, contentType = ''): string {
  const html = /html/i.test(contentType) || looksLikeHtml(text);
  const readable = html
    ? text
        .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
        .replace(/<[^>]*>?/g, ' ')
        .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (_, name: string) => HTML_ENTITIES[name] ?? ' ')
    : text;
  return readable.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
}

const HTML_ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function looksLikeHtml(text: string): boolean {
  return /^\s*<(!doctype html|html|head|body|title|meta|div|p|h1)\b/i.test(text);
}

/** English names for logs and exports; the UI shows the translated ones. */
export const PROBLEM_NAMES: Record<ReplyProblem, string> = {
  'html-page': 'The server answered with an HTML page, not the expected reply',
  'invalid-json': 'The reply is not valid JSON',
  'sign-in-redirect': 'Redirected to a sign-in page',
  'sign-in-required': 'Sign-in required (401)',
  forbidden: 'Access refused (403)',
  'too-large-for-server': 'File too large for the server (413)',
  'reply-never-finished': 'Reply never finished',
  'closed-mid-reply': 'Connection closed mid-reply',
  'reply-too-large': 'Reply too large',
};

const PROBLEM_BY_STATUS: Record<number, ReplyProblem> = {
  401: 'sign-in-required',
  403: 'forbidden',
  413: 'too-large-for-server',
};

/**
 * Reads the server's reply as the destination says: which statuses are
 * success, where the result, thumbnail and deletion URLs are, and what the
 * error message is. A success whose URL template finds nothing is an error
 * by name, not a silent success.
 */
export function parseUploadResponse(spec: DestinationSpec, reply: ReplyInfo, filename = '', now = 0): UploadOutcome {
  const context: TemplateContext = {
    filename,
    reply: { body: reply.body, headers: reply.headers, url: reply.url },
  };
  const read = (source: string): string | TemplateError => {
    if (!source.trim()) return '';
    const parsed = parseTemplate(source, 'reply');
    return parsed instanceof TemplateError ? parsed : renderTemplate(parsed, context).trim();
  };
  const { status } = reply;
  const contentType = reply.headers.get('content-type') ?? '';
  if (!isSuccessStatus(spec, status)) {
    const bodyExcerpt = excerpt(reply.body, contentType);
    const message = read(spec.reply.errorMessage);
    const detail = typeof message === 'string' && message ? excerpt(message) : bodyExcerpt;
    const retryAfterAt = parseRetryAfter(reply.headers.get('retry-after'), now);
    const problem = PROBLEM_BY_STATUS[status];
    return {
      ok: false,
      kind: 'http',
      httpStatus: status,
      error: detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`,
      ...(problem ? { problem } : {}),
      ...(bodyExcerpt ? { excerpt: bodyExcerpt } : {}),
      ...(retryAfterAt === undefined ? {} : { retryAfterAt }),
    };
  }
  const resultUrl = read(spec.reply.url);
  if (resultUrl instanceof TemplateError) {
    return {
      ok: false,
      kind: 'unreadable',
      httpStatus: status,
      error: `uploaded, but the URL template is broken: ${resultUrl.message}`,
    };
  }
  // 'unreadable' is never retried automatically: the server may have stored
  // the upload, and a page or broken JSON would come back the same.
  if (spec.reply.url.trim() && !resultUrl) {
    const problem = unexpectedReply(spec.reply.url, reply, contentType);
    const bodyExcerpt = excerpt(reply.body, contentType);
    return {
      ok: false,
      kind: 'unreadable',
      httpStatus: status,
      error: problem ? describeUnexpectedReply(problem, reply) : NO_URL_IN_REPLY,
      ...(problem ? { problem } : {}),
      ...(bodyExcerpt ? { excerpt: bodyExcerpt } : {}),
    };
  }
  const outcome: UploadOutcome = { ok: true, httpStatus: status };
  if (resultUrl) outcome.resultUrl = resultUrl;
  const thumbnailUrl = read(spec.reply.thumbnailUrl);
  if (typeof thumbnailUrl === 'string' && thumbnailUrl) outcome.thumbnailUrl = thumbnailUrl;
  const deletionUrl = read(spec.reply.deletionUrl);
  if (typeof deletionUrl === 'string' && deletionUrl) outcome.deletionUrl = deletionUrl;
  return outcome;
}

/** Why a 2xx reply held no URL, when the reply itself says: a page instead of data, or broken JSON. */
function unexpectedReply(urlTemplate: string, reply: ReplyInfo, contentType: string): ReplyProblem | undefined {
  const html = /text\/html|application\/xhtml/i.test(contentType) || looksLikeHtml(reply.body);
  if (html) return reply.redirected ? 'sign-in-redirect' : 'html-page';
  if (/\{json:/.test(urlTemplate)) {
    try {
      JSON.parse(reply.body);
    } catch {
      return 'invalid-json';
    }
  }
  return undefined;
}

function describeUnexpectedReply(problem: ReplyProblem, reply: ReplyInfo): string {
  if (problem !== 'sign-in-redirect') return PROBLEM_NAMES[problem];
  // Only origin and path: a sign-in URL's query may carry a token or a return address with one.
  let where = '';
  try {
    const url = new URL(reply.url);
    where = `${url.origin}${url.pathname}`;
  } catch {
    // No usable URL: the name alone.
  }
  return where ? `${PROBLEM_NAMES[problem]}: ${where}` : PROBLEM_NAMES[problem];
}

/** A reply that could not be read whole; `partial` is the start of what did arrive. */
export class ReplyBroken extends Error {
  override name = 'ReplyBroken';
  constructor(
    readonly reason: 'too-large' | 'closed' | 'aborted',
    readonly partial: string,
    cause?: unknown,
  ) {
    super(reason === 'closed' ? `the reply broke off: ${String(cause)}` : `reply ${reason}`, { cause });
  }
}

/**
 * Reads a fetch Response into what the parser needs, at most `maxBytes` of
 * it: beyond that the rest is cancelled unread. `signal` stops the reading
 * (the reply timeout, the user's cancel). Rejects with ReplyBroken.
 * Read by hand with a stream reader: `response.text()` has no limit and no
 * way to keep what arrived before a failure.
 */
export async function readReply(
  response: Response,
  { maxBytes = MAX_REPLY_BYTES, signal }: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<ReplyInfo> {
  const info = {
    status: response.status,
    headers: response.headers,
    url: response.url,
    redirected: response.redirected,
  };
  if (!response.body) return { ...info, body: '' };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let body = '';
  let total = 0;
  const stop = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw new ReplyBroken('aborted', body);
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new ReplyBroken(signal?.aborted ? 'aborted' : 'closed', body, error);
      }
      // A cancel from the signal ends the stream as if it were done.
      if (signal?.aborted) throw new ReplyBroken('aborted', body);
      if (chunk.done) break;
      total += chunk.value.byteLength;
      if (total > maxBytes) {
        body += decoder.decode(chunk.value.subarray(0, Math.max(0, maxBytes - (total - chunk.value.byteLength))));
        stop();
        throw new ReplyBroken('too-large', body);
      }
      body += decoder.decode(chunk.value, { stream: true });
    }
    return { ...info, body: body + decoder.decode() };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** Names a failure that happened before any reply arrived. */
export function describeNetworkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `Network error (connection failed or reset): ${message}`;
}

/**
 * Retry-After is either whole seconds or an HTTP date (RFC 9110, 10.2.3).
 * Returns the absolute time, never earlier than `now`; undefined when the
 * header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return now + Number(text) * 1000;
  // A date-time without a zone would be read as local time: an HTTP date always names GMT.
  if (!/\bGMT$/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(now, date);
}
