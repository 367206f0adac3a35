import { type DestinationSnapshot, type DestinationSpec, isSuccessStatus } from '../destinations/model';
import { parseTemplate, renderTemplate, type TemplateContext, TemplateError } from '../destinations/template';
import { type RateLimitSignal, readRateLimit } from '../pacing/rate-limit';
import type { FailureKind, ReplyProblem } from '../queue/types';
import { htmlText, judgeFormReply } from './form-reply';
import type { ReplyInfo } from './read-reply';

/** How one upload ended, as the queue records it and "Test destination" shows it. */
export type UploadOutcome =
  | {
      ok: true;
      httpStatus: number;
      resultUrl?: string;
      thumbnailUrl?: string;
      deletionUrl?: string;
      /** Sent and answered with success, but the reply does not say the file was kept. */
      unconfirmed?: boolean;
      /** What the reply said of the destination's quota. */
      rateLimit?: RateLimitSignal;
    }
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
      /** What the reply said of the destination's quota. */
      rateLimit?: RateLimitSignal;
    };

/** Enough to tell what a page is in a bug report, short enough to keep on every row. */
export const EXCERPT_LENGTH = 300;
export const NO_URL_IN_REPLY = 'uploaded, but no URL in the reply';

/** One line of at most EXCERPT_LENGTH characters; an HTML page is reduced to its text (title first). */
export function excerpt(text: string, contentType = ''): string {
  const html = /html/i.test(contentType) || looksLikeHtml(text);
  const readable = html ? htmlText(text) : text;
  return readable.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
}

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
  'rate-limited': 'The host says too many uploads for now; sent again when it allows',
  'reply-never-finished': 'Reply never finished',
  'closed-mid-reply': 'Connection closed mid-reply',
  'reply-too-large': 'Reply too large',
  'signed-out': 'Signed out of the site: sign in, then Retry',
  'form-error': 'The site showed its form again with an error',
  'page-did-not-upload': 'The page did not upload it',
  'page-showed-error': 'The page showed an error for it',
  'page-unreachable': 'The page is gone: open it again, then Retry',
  'storage-refused': 'The storage refused it',
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
 * by name, not a silent success. What the reply says of the destination's
 * rate limit rides along; a success whose body matches the destination's
 * rate-limit pattern is a refusal ('rate-limited'), never "Done".
 */
export function parseReply(
  spec: DestinationSpec & Pick<DestinationSnapshot, 'page'>,
  reply: ReplyInfo,
  filename = '',
  now = 0,
): UploadOutcome {
  const outcome = judgeReply(spec, reply, filename, now);
  const rateLimit = readRateLimit(
    { headers: reply.headers, body: reply.body, success: isSuccessStatus(spec, reply.status) },
    now,
    spec.rateLimit,
    // A host that says "limited" in a 200 may say until when in Retry-After.
    (outcome.ok ? undefined : outcome.retryAfterAt) ?? parseRetryAfter(reply.headers.get('retry-after'), now),
  );
  if (!rateLimit) return outcome;
  if (rateLimit.source === 'body') {
    const bodyExcerpt = excerpt(reply.body, reply.headers.get('content-type') ?? '');
    return {
      ok: false,
      kind: 'http',
      httpStatus: reply.status,
      problem: 'rate-limited',
      error: PROBLEM_NAMES['rate-limited'],
      retryAfterAt: rateLimit.resetAt,
      rateLimit,
      ...(bodyExcerpt ? { excerpt: bodyExcerpt } : {}),
    };
  }
  // A 429 that names its reset in rate-limit headers but sends no Retry-After: the reset is when to come back.
  if (!outcome.ok && outcome.retryAfterAt === undefined && rateLimit.remaining <= 0 && outcome.kind === 'http') {
    return { ...outcome, retryAfterAt: rateLimit.resetAt, rateLimit };
  }
  return { ...outcome, rateLimit };
}

function judgeReply(
  spec: DestinationSpec & Pick<DestinationSnapshot, 'page'>,
  reply: ReplyInfo,
  filename: string,
  now: number,
): UploadOutcome {
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
  // A page form answers with a page: what it says decides, not the status (form-reply.ts).
  if (spec.page?.kind === 'form' && spec.body.kind === 'multipart') {
    const verdict = judgeFormReply(reply, spec.body.fileField, filename);
    switch (verdict.kind) {
      case 'confirmed':
        return { ok: true, httpStatus: status };
      case 'unconfirmed':
        return { ok: true, httpStatus: status, unconfirmed: true };
      case 'signed-out':
        return {
          ok: false,
          kind: 'unreadable',
          httpStatus: status,
          problem: 'signed-out',
          error: PROBLEM_NAMES['signed-out'],
          ...(verdict.pageText ? { excerpt: verdict.pageText } : {}),
        };
      case 'form-error':
        return {
          ok: false,
          kind: 'unreadable',
          httpStatus: status,
          problem: 'form-error',
          error: `${PROBLEM_NAMES['form-error']}: ${verdict.message}`,
          excerpt: verdict.message,
        };
    }
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
    // Some APIs refuse with a 200 (MediaWiki, Lsky Pro): their own message says why.
    const message = problem ? '' : read(spec.reply.errorMessage);
    const said = typeof message === 'string' && message ? `: ${excerpt(message)}` : '';
    return {
      ok: false,
      kind: 'unreadable',
      httpStatus: status,
      error: problem ? describeUnexpectedReply(problem, reply) : `${NO_URL_IN_REPLY}${said}`,
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
