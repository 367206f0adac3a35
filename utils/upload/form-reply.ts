import type { ReplyInfo } from './read-reply';

/** One line of a page's text is enough to show; the same length as a reply's excerpt (parse-reply.ts). */
const TEXT_LENGTH = 300;

/**
 * What a page form's 2xx reply says about the file. A site answers a form
 * post with a web page, usually 200 whatever happened: "Done" must come from
 * the page, not the status. In order:
 * - a sign-in page (a password field, or a redirect to a sign-in address):
 *   the session ended, nothing was stored;
 * - the upload form shown again with an error message: the site refused it,
 *   and the row shows the message;
 * - 201 Created, or the page names the file: the site kept it;
 * - anything else: sent, but the site did not say it kept it ("not confirmed").
 * Read with patterns, not a DOM: the service worker has no DOMParser, and
 * only these few signs matter.
 */
export type FormVerdict =
  | { kind: 'signed-out'; pageText: string }
  | { kind: 'form-error'; message: string }
  | { kind: 'confirmed' }
  | { kind: 'unconfirmed' };

export function judgeFormReply(reply: ReplyInfo, fileField: string, filename: string): FormVerdict {
  if (isSignInPage(reply)) return { kind: 'signed-out', pageText: pageText(reply.body) };
  const message = errorMessageIn(reply.body);
  if (message && showsFileInput(reply.body, fileField)) return { kind: 'form-error', message };
  if (reply.status === 201 || namesFile(reply.body, filename)) return { kind: 'confirmed' };
  return { kind: 'unconfirmed' };
}

const SIGN_IN_PATH = /(^|[/_.-])(log-?in|sign-?in|wp-login|auth|session|account\/login)([/_.-]|$)/i;

function isSignInPage(reply: ReplyInfo): boolean {
  if (/<input\b[^>]*\btype\s*=\s*["']?password\b/i.test(reply.body)) return true;
  if (!reply.redirected) return false;
  try {
    return SIGN_IN_PATH.test(new URL(reply.url).pathname);
  } catch {
    return false;
  }
}

function showsFileInput(body: string, fileField: string): boolean {
  for (const match of body.matchAll(/<input\b[^>]*>/gi)) {
    const tag = match[0];
    if (!/\btype\s*=\s*["']?file\b/i.test(tag)) continue;
    const name = /\bname\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    if ((name?.[1] ?? name?.[2] ?? name?.[3]) === fileField) return true;
  }
  return false;
}

/** The text of the first element a page marks as an error (class, id or role), at most one line. */
function errorMessageIn(body: string): string {
  const marked =
    /<(\w+)\b[^>]*\b(?:class|id|role)\s*=\s*["'][^"']*\b(?:error|errors|alert|notice-error|danger|invalid|failed|failure)\b[^"']*["'][^>]*>([\s\S]{0,2000}?)<\/\1\s*>/i.exec(
      body,
    );
  return marked ? pageText(marked[2] ?? '').slice(0, 200) : '';
}

/**
 * Whether the page names the file: its name, or its name without the
 * extension as sites title an upload, compared on letters and digits only
 * (sites replace spaces and case). Too short a name proves nothing.
 */
function namesFile(body: string, filename: string): boolean {
  const squash = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  const stem = squash(filename.replace(/\.[^.]+$/, ''));
  if (stem.length < 4) return false;
  return squash(pageText(body, Number.POSITIVE_INFINITY)).includes(stem);
}

function pageText(html: string, limit = TEXT_LENGTH): string {
  return htmlText(html).replace(/\s+/g, ' ').trim().slice(0, limit);
}

/** A page's text: scripts, styles and tags removed, the common entities read. */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
    .replace(/<[^>]*>?/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (_, name: string) => HTML_ENTITIES[name] ?? ' ');
}

const HTML_ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
