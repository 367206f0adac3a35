import type { QueueItem } from '../queue/types';

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
  | { ok: false; httpStatus?: number; error: string };

const EXCERPT_LENGTH = 200;

/** Reads the server's reply: 2xx is success; a JSON `url` (http or https only) is the result link. */
export function parseUploadResponse(status: number, contentType: string | null, bodyText: string): UploadOutcome {
  if (status < 200 || status > 299) {
    const excerpt = bodyText.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_LENGTH);
    return { ok: false, httpStatus: status, error: excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}` };
  }
  const resultUrl = contentType?.includes('json') ? readResultUrl(bodyText) : undefined;
  return resultUrl ? { ok: true, httpStatus: status, resultUrl } : { ok: true, httpStatus: status };
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
