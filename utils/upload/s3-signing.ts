import { AwsV4Signer } from 'aws4fetch';
import { type S3Settings, s3DestinationUrl } from '../destinations/s3-settings';

/**
 * How each S3 request gets its signature. Two ways, one interface:
 * - credentials: the access key stays in the background (extension storage,
 *   the queued item's snapshot in the worker's IndexedDB) and the service
 *   worker signs with SigV4 (aws4fetch: small, Web Crypto only);
 * - a signing endpoint the user runs: Cadence asks it for a presigned URL per
 *   request, and never holds a key at all.
 * Either way the request body is attached after signing: parts are sent with
 * `UNSIGNED-PAYLOAD` (what presigned URLs use too), so a 5 MiB part is not
 * hashed twice.
 */

export type S3Operation =
  | { operation: 'put'; key: string; contentType: string }
  | { operation: 'create'; key: string; contentType: string }
  | { operation: 'upload-part'; key: string; uploadId: string; partNumber: number }
  | { operation: 'list-parts'; key: string; uploadId: string; partNumberMarker?: string }
  | { operation: 'complete'; key: string; uploadId: string }
  | { operation: 'abort'; key: string; uploadId: string };

export const S3_METHODS: Record<S3Operation['operation'], 'PUT' | 'POST' | 'GET' | 'DELETE'> = {
  put: 'PUT',
  create: 'POST',
  'upload-part': 'PUT',
  'list-parts': 'GET',
  complete: 'POST',
  abort: 'DELETE',
};

export interface SignedRequest {
  url: string;
  method: string;
  headers: Headers;
}

export type S3Signer = (operation: S3Operation, signal: AbortSignal) => Promise<SignedRequest>;

/** A signing endpoint's reply that is not `{ "url": "http…" }`: no request can be made. */
export class SigningRefused extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'SigningRefused';
  }
}

/** `/a b/c.jpg` -> `/a%20b/c.jpg`: each segment encoded, the slashes kept. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** The object's URL: path-style (`endpoint/bucket/key`) or virtual-hosted (`bucket.host/key`). */
export function objectUrl(settings: Pick<S3Settings, 'endpoint' | 'bucket' | 'pathStyle'>, key: string): URL {
  return new URL(`${s3DestinationUrl(settings)}${encodeKey(key)}`);
}

/** The URL of one operation on the object: its sub-resource query (`?uploads`, `?partNumber=…&uploadId=…`). */
export function operationUrl(settings: S3Settings, operation: S3Operation): URL {
  const url = objectUrl(settings, operation.key);
  const query = url.searchParams;
  switch (operation.operation) {
    case 'create':
      query.set('uploads', '');
      break;
    case 'upload-part':
      query.set('partNumber', String(operation.partNumber));
      query.set('uploadId', operation.uploadId);
      break;
    case 'list-parts':
      query.set('uploadId', operation.uploadId);
      if (operation.partNumberMarker) query.set('part-number-marker', operation.partNumberMarker);
      break;
    case 'complete':
    case 'abort':
      query.set('uploadId', operation.uploadId);
      break;
    case 'put':
      break;
  }
  return url;
}

/** `20130524T000000Z`, from the injected clock so a test's fake time signs too. */
export function amzDate(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/** Signs in the service worker with the access key the user stored (SigV4, header-signed). */
export function credentialsSigner(settings: S3Settings, now: () => number): S3Signer {
  // The derived signing key is cached per day and region: one HMAC chain per batch, not per part.
  const cache = new Map<string, ArrayBuffer>();
  return async (operation) => {
    const url = operationUrl(settings, operation);
    const headers = new Headers();
    if (operation.operation === 'put' || operation.operation === 'create') {
      headers.set('Content-Type', operation.contentType || 'application/octet-stream');
    }
    if (operation.operation === 'complete') headers.set('Content-Type', 'application/xml');
    const signer = new AwsV4Signer({
      method: S3_METHODS[operation.operation],
      url: url.href,
      headers,
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      service: 's3',
      region: settings.region || 'us-east-1',
      datetime: amzDate(now()),
      cache,
    });
    const signed = await signer.sign();
    return { url: signed.url.href, method: signed.method, headers: signed.headers };
  };
}

/**
 * Asks the user's signing endpoint for a presigned URL:
 * POST `{ operation, key, contentType?, uploadId?, partNumber?, partNumberMarker? }` as JSON,
 * with the destination's headers (its own token); the reply is
 * `{ "url": "https://…", "headers"?: { … } }` (docs/s3.md).
 */
export function endpointSigner(
  settings: S3Settings,
  destinationHeaders: Headers,
  fetch: (request: Request) => Promise<Response>,
): S3Signer {
  return async (operation, signal) => {
    const headers = new Headers(destinationHeaders);
    headers.set('Content-Type', 'application/json');
    const response = await fetch(
      new Request(settings.signingUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify(operation),
        credentials: 'omit',
        signal,
      }),
    );
    const text = await response.text();
    if (!response.ok) {
      throw new SigningRefused(`The signing endpoint answered HTTP ${response.status}`, response.status);
    }
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      throw new SigningRefused('The signing endpoint did not answer JSON');
    }
    const url = reply && typeof reply === 'object' ? (reply as { url?: unknown }).url : undefined;
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
      throw new SigningRefused('The signing endpoint answered without a "url"');
    }
    const signedHeaders = new Headers();
    const extra = (reply as { headers?: unknown }).headers;
    if (extra && typeof extra === 'object') {
      for (const [name, value] of Object.entries(extra)) if (typeof value === 'string') signedHeaders.set(name, value);
    }
    if (operation.operation === 'complete' && !signedHeaders.has('Content-Type')) {
      signedHeaders.set('Content-Type', 'application/xml');
    }
    return { url, method: S3_METHODS[operation.operation], headers: signedHeaders };
  };
}

export function signerFor(
  settings: S3Settings,
  destinationHeaders: Headers,
  effects: { fetch(request: Request): Promise<Response>; now(): number },
): S3Signer {
  return settings.signing === 'endpoint'
    ? endpointSigner(settings, destinationHeaders, (request) => effects.fetch(request))
    : credentialsSigner(settings, () => effects.now());
}
