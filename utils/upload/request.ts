import type { FailureKind, QueueItem } from '../queue/types';

/** Builds the one request that uploads one item: multipart/form-data, file in one field. */
export function buildUploadRequest(
  item: Pick<QueueItem, 'destinationUrl' | 'fileFieldName' | 'name' | 'idempotencyKey'>,
  blob: Blob,
): Request {
  const body = new FormData();
  body.append(item.fileFieldName, blob, item.name);
  return new Request(item.destinationUrl, {
    method: 'POST',
    body,
    // Lets a server drop a repeat when an interrupted upload is sent again.
    headers: { 'Idempotency-Key': item.idempotencyKey },
    credentials: 'omit',
  });
}

export type UploadOutcome =
  | { ok: true; httpStatus: number; resultUrl?: string }
  | {
      ok: false;
      kind: FailureKind;
      httpStatus?: number;
      error: string;
      /** Retry-After of a failed reply, as an absolute time. */
      retryAfterAt?: number;
    };

const EXCERPT_LENGTH = 200;

/**
 * Reads the server's reply: 2xx is success; a JSON `url` (http or https only)
 * is the result link. `now` dates a Retry-After given in seconds.
 */
export function parseUploadResponse(
  status: number,
  contentType: string | null,
  bodyText: string,
  retryAfter: string | null = null,
  now = 0,
): UploadOutcome {
  if (status < 200 || status > 299) {
    const excerpt = bodyText.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
    const retryAfterAt = parseRetryAfter(retryAfter, now);
    return {
      ok: false,
      kind: 'http',
      httpStatus: status,
      error: excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`,
      ...(retryAfterAt === undefined ? {} : { retryAfterAt }),
    };
  }
  const resultUrl = contentType?.includes('json') ? readResultUrl(bodyText) : undefined;
  return resultUrl ? { ok: true, httpStatus: status, resultUrl } : { ok: true, httpStatus: status };
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

function readResultUrl(bodyText: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('url' in parsed)) return undefined;
  const { url } = parsed as { url: unknown };
  if (typeof url !== 'string') return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Names a failure that happened before any reply arrived. */
export function describeNetworkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `Network error (connection failed or reset): ${message}`;
}
