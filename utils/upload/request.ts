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
import type { FailureKind, QueueItem } from '../queue/types';

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
      /** Retry-After of a failed reply, as an absolute time. */
      retryAfterAt?: number;
    };

/** What the reply parser needs from a Response, so it stays a pure function. */
export interface ReplyInfo {
  status: number;
  headers: Headers;
  /** The URL the reply came from (after redirects); '' when unknown. */
  url: string;
  body: string;
}

const EXCERPT_LENGTH = 200;
export const NO_URL_IN_REPLY = 'uploaded, but no URL in the reply';

export function excerpt(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
}

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
  if (!isSuccessStatus(spec, status)) {
    const message = read(spec.reply.errorMessage);
    const detail = typeof message === 'string' && message ? excerpt(message) : excerpt(reply.body);
    const retryAfterAt = parseRetryAfter(reply.headers.get('retry-after'), now);
    return {
      ok: false,
      kind: 'http',
      httpStatus: status,
      error: detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`,
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
  // 'unreadable' is never retried automatically: the server has stored the upload.
  if (spec.reply.url.trim() && !resultUrl)
    return { ok: false, kind: 'unreadable', httpStatus: status, error: NO_URL_IN_REPLY };
  const outcome: UploadOutcome = { ok: true, httpStatus: status };
  if (resultUrl) outcome.resultUrl = resultUrl;
  const thumbnailUrl = read(spec.reply.thumbnailUrl);
  if (typeof thumbnailUrl === 'string' && thumbnailUrl) outcome.thumbnailUrl = thumbnailUrl;
  const deletionUrl = read(spec.reply.deletionUrl);
  if (typeof deletionUrl === 'string' && deletionUrl) outcome.deletionUrl = deletionUrl;
  return outcome;
}

/** Reads a fetch Response into what the parser needs. */
export async function readReply(response: Response): Promise<ReplyInfo> {
  return { status: response.status, headers: response.headers, url: response.url, body: await response.text() };
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
