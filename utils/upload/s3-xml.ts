import { XMLParser } from 'fast-xml-parser';

/**
 * The few S3 replies Cadence reads (CreateMultipartUpload, ListParts,
 * CompleteMultipartUpload, an error), read with fast-xml-parser: the service
 * worker has no DOMParser, and ETags arrive entity-encoded (`&quot;`).
 */

const parser = new XMLParser({
  // ETags, codes and upload ids stay strings: "00123" must not become 123.
  parseTagValue: false,
  ignoreAttributes: true,
  removeNSPrefix: true,
  isArray: (name) => name === 'Part',
});

export interface S3ErrorReply {
  /** S3's own name of what went wrong, e.g. `SignatureDoesNotMatch`, `NoSuchUpload`, `EntityTooSmall`. */
  code: string;
  message: string;
}

export interface ListedPart {
  partNumber: number;
  etag: string;
  size: number;
}

export interface PartsPage {
  parts: ListedPart[];
  /** Set when the server has more parts to list past this marker. */
  nextMarker?: string;
}

type Tree = Record<string, unknown>;

function parse(text: string): Tree | undefined {
  try {
    const tree: unknown = parser.parse(text);
    return tree && typeof tree === 'object' ? (tree as Tree) : undefined;
  } catch {
    return undefined;
  }
}

function child(tree: unknown, name: string): unknown {
  return tree && typeof tree === 'object' ? (tree as Tree)[name] : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
}

/** `<Error><Code>…</Code><Message>…</Message></Error>`, or undefined when the body is not one. */
export function readS3Error(text: string): S3ErrorReply | undefined {
  const error = child(parse(text), 'Error');
  const code = textOf(child(error, 'Code'));
  if (!code) return undefined;
  return { code, message: textOf(child(error, 'Message')) ?? '' };
}

export function readUploadId(text: string): string | undefined {
  return textOf(child(child(parse(text), 'InitiateMultipartUploadResult'), 'UploadId')) || undefined;
}

/** ListParts: the parts the server holds, or undefined when the reply is not a ListPartsResult. */
export function readPartsPage(text: string): PartsPage | undefined {
  const result = child(parse(text), 'ListPartsResult');
  if (!result) return undefined;
  const listed = child(result, 'Part');
  const parts: ListedPart[] = [];
  for (const part of Array.isArray(listed) ? listed : []) {
    const partNumber = Number(textOf(child(part, 'PartNumber')));
    const etag = textOf(child(part, 'ETag'));
    const size = Number(textOf(child(part, 'Size')));
    if (Number.isInteger(partNumber) && etag && Number.isFinite(size)) parts.push({ partNumber, etag, size });
  }
  const truncated = textOf(child(result, 'IsTruncated')) === 'true';
  const nextMarker = textOf(child(result, 'NextPartNumberMarker'));
  return truncated && nextMarker ? { parts, nextMarker } : { parts };
}

/**
 * CompleteMultipartUpload answers 200 and may still have failed: S3 sends
 * `<Error>` in a 200 body when it fails after the status went out.
 */
export function readCompleteResult(text: string): { location?: string } | S3ErrorReply | undefined {
  const error = readS3Error(text);
  if (error) return error;
  const result = child(parse(text), 'CompleteMultipartUploadResult');
  if (!result) return undefined;
  const location = textOf(child(result, 'Location'));
  return location ? { location } : {};
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The CompleteMultipartUpload body: every part in order, with the ETag the server gave it. */
export function completeBody(parts: readonly { partNumber: number; etag: string }[]): string {
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  const items = sorted
    .map((part) => `<Part><PartNumber>${part.partNumber}</PartNumber><ETag>${escapeXml(part.etag)}</ETag></Part>`)
    .join('');
  return `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${items}</CompleteMultipartUpload>`;
}
