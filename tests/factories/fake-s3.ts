/**
 * An in-memory S3 bucket behind an injected fetch: the multipart API as AWS
 * documents it (replies shaped like the documented examples), S3's rule that
 * every part but the last is at least 5 MiB (checked at Complete, as S3
 * does), and switches for what servers lack or do wrong: no ListParts
 * (s3rver's 405), no Abort, a reset in the middle of a chosen request.
 */

export interface FakeS3Options {
  /** ListParts answers 405 MethodNotAllowed, as s3rver does. @default true */
  canList?: boolean;
  /** AbortMultipartUpload answers 405, as s3rver does. @default true */
  canAbort?: boolean;
  /** Hide the ETag header, as a cross-origin reply without ExposeHeader does. @default false */
  hideEtag?: boolean;
  /** Fails the n-th request (1-based) as a reset: the fetch rejects, nothing is stored. */
  resetAt?: Set<number>;
  /** Answer the n-th request with this status and body instead. */
  replies?: Map<number, { status: number; body: string }>;
}

export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  bodyBytes: number;
}

interface Upload {
  key: string;
  parts: Map<number, { bytes: Uint8Array; etag: string }>;
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const error = (status: number, code: string, message: string) =>
  new Response(xml(`<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R</RequestId></Error>`), {
    status,
    headers: { 'Content-Type': 'application/xml' },
  });

export function fakeS3(options: FakeS3Options = {}) {
  const objects = new Map<string, Uint8Array>();
  const uploads = new Map<string, Upload>();
  const seen: SeenRequest[] = [];
  let ids = 0;
  let etags = 0;

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array();
    seen.push({ method: request.method, url, headers: request.headers, bodyBytes: body.byteLength });
    const n = seen.length;
    if (options.resetAt?.has(n)) throw new TypeError('Failed to fetch');
    const canned = options.replies?.get(n);
    if (canned) return new Response(canned.body, { status: canned.status });
    // Path-style: /bucket/key…
    const key = decodeURIComponent(url.pathname.split('/').slice(2).join('/'));
    const query = url.searchParams;
    const uploadId = query.get('uploadId');
    if (request.method === 'POST' && query.has('uploads')) {
      ids += 1;
      const id = `upload-${ids}`;
      uploads.set(id, { key, parts: new Map() });
      return new Response(
        xml(
          `<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>photos</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        ),
      );
    }
    if (uploadId !== null) {
      const upload = uploads.get(uploadId);
      if (request.method === 'GET' && !(options.canList ?? true)) {
        return error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
      if (request.method === 'DELETE' && !(options.canAbort ?? true)) {
        return error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
      if (!upload) return error(404, 'NoSuchUpload', 'The specified upload does not exist.');
      if (request.method === 'PUT') {
        etags += 1;
        const etag = `"etag-${etags}"`;
        upload.parts.set(Number(query.get('partNumber')), { bytes: body, etag });
        return new Response(null, { status: 200, headers: options.hideEtag ? {} : { ETag: etag } });
      }
      if (request.method === 'GET') {
        const listed = [...upload.parts.entries()]
          .sort(([a], [b]) => a - b)
          .map(
            ([number, part]) =>
              `<Part><PartNumber>${number}</PartNumber><ETag>&quot;${part.etag.replace(/"/g, '')}&quot;</ETag><Size>${part.bytes.byteLength}</Size></Part>`,
          )
          .join('');
        return new Response(
          xml(
            `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><UploadId>${uploadId}</UploadId><IsTruncated>false</IsTruncated>${listed}</ListPartsResult>`,
          ),
        );
      }
      if (request.method === 'DELETE') {
        uploads.delete(uploadId);
        return new Response(null, { status: 204 });
      }
      if (request.method === 'POST') {
        const text = new TextDecoder().decode(body);
        const named = [...text.matchAll(/<PartNumber>(\d+)<\/PartNumber><ETag>([^<]*)<\/ETag>/g)].map((match) => ({
          number: Number(match[1]),
          etag: (match[2] ?? '').replace(/&quot;/g, '"'),
        }));
        const chosen = [];
        for (const [index, { number, etag }] of named.entries()) {
          const part = upload.parts.get(number);
          if (!part || part.etag !== etag) return error(400, 'InvalidPart', `Part ${number} was not found.`);
          if (index < named.length - 1 && part.bytes.byteLength < 5 * 1024 * 1024) {
            return error(
              400,
              'EntityTooSmall',
              'Your proposed upload is smaller than the minimum allowed object size.',
            );
          }
          chosen.push(part.bytes);
        }
        const whole = new Uint8Array(chosen.reduce((sum, bytes) => sum + bytes.byteLength, 0));
        let at = 0;
        for (const bytes of chosen) {
          whole.set(bytes, at);
          at += bytes.byteLength;
        }
        objects.set(upload.key, whole);
        uploads.delete(uploadId);
        return new Response(
          xml(
            `<CompleteMultipartUploadResult><Location>${url.origin}${url.pathname}</Location><Bucket>photos</Bucket><Key>${upload.key}</Key><ETag>&quot;whole-2&quot;</ETag></CompleteMultipartUploadResult>`,
          ),
        );
      }
    }
    if (request.method === 'PUT') {
      objects.set(key, body);
      return new Response(null, { status: 200, headers: { ETag: '"whole"' } });
    }
    return error(400, 'InvalidRequest', 'Not something this fake answers');
  }

  return { fetch: handle, objects, uploads, seen };
}

/** Bytes whose every position is told apart by its value, so a misplaced part shows. */
export function numberedBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 7 + (index >> 16)) & 0xff;
  return bytes;
}
