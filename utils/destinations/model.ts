import type { PhotosAs, TransparentAs } from '../compress/presets';
import { type Localized, LocalizedError, localized, type MessageKey } from '../localized';
import type { Pace } from '../pacing/pace';
import { bodyPatternProblem, type RateLimitSetting } from '../pacing/rate-limit';
import { unknownPlaceholders } from './file-name-template';
import { type S3Settings, s3WithoutSecrets } from './s3-settings';
import { parseTemplate, renderSource, TemplateError, type TemplateScope } from './template';

/**
 * A destination: where and how one image is uploaded, and how the reply is
 * read. `DestinationSpec` is the part a queued item snapshots at hand-over,
 * so editing a destination later never changes what is already queued.
 */

export const HTTP_METHODS = ['POST', 'PUT', 'PATCH'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface NameValue {
  name: string;
  value: string;
}

/**
 * The token step (MediaWiki's CSRF token): the background GETs `url` with the
 * destination's headers and cookies choice, reads `token` from the reply, and
 * the upload's templates use it as `{token}`. Fetched afresh for every upload:
 * such tokens belong to a session and may change.
 */
export interface TokenRequest {
  /** Request template, on the same origin as the upload (one host permission covers both). */
  url: string;
  /** Reply template that reads the token, e.g. `{json:query.tokens.csrftoken}`. */
  token: string;
}

export type DestinationBody =
  /**
   * The file in `fileField`, plus text fields. A page form keeps the browser's
   * order: `fileAt` and each `at` are positions among all the parts sent (the
   * file last when absent); its other file inputs go empty, as a browser sends them.
   */
  | {
      kind: 'multipart';
      fileField: string;
      fields: NameValue[];
      fileAt?: number;
      emptyFileFields?: { name: string; at: number }[];
    }
  /** The file is the whole body, its MIME type the `Content-Type`. */
  | { kind: 'binary' }
  /** A JSON document; `{base64}` is the file. Substituted values are JSON-escaped. */
  | { kind: 'json'; template: string }
  /** `application/x-www-form-urlencoded`; a field whose value uses `{base64}` carries the file. */
  | { kind: 'form-urlencoded'; fields: NameValue[] };

export type BodyKind = DestinationBody['kind'];

/** Templates over the reply (see template.ts). An empty template means "not given". */
export interface ReplyTemplates {
  /** @default '{json:url}' */
  url: string;
  thumbnailUrl: string;
  deletionUrl: string;
  /** Read from a failed reply; the status and an excerpt are shown when empty. */
  errorMessage: string;
}

/**
 * How the bytes travel (issue 16). Absent or 'post': one whole-file request,
 * as `method`/`body` say. The resumable ones send the file alone (its MIME
 * type as the upload's type); `url` is where an upload is created, `headers`
 * go with every request, and a reset, a worker stop or a browser restart
 * goes on from the server's offset (QueueItem.transportState). Why and how:
 * docs/resumable-uploads.md.
 */
export type DestinationTransport =
  | { kind: 'post' }
  /**
   * tus 1.0 (https://tus.io/protocols/resumable-upload). `chunkBytes` is the
   * largest PATCH; the pace sends smaller ones after a reset (see utils/upload/tus.ts).
   */
  | { kind: 'tus'; chunkBytes: number }
  /** The IETF draft "Resumable Uploads for HTTP" (utils/upload/ietf-resumable.ts). */
  | { kind: 'ietf-resumable' }
  /** An S3 bucket: one PUT, or a multipart upload (utils/upload/s3-multipart.ts; docs/s3.md). */
  | S3Settings;

export type TransportKind = DestinationTransport['kind'];

/** The transports the destination editor offers, in its order. */
export const TRANSPORT_KINDS = [
  'post',
  'tus',
  'ietf-resumable',
  's3-multipart',
] as const satisfies readonly TransportKind[];

/** 8 MiB: a few seconds on a slow uplink, a handful of requests for a 40 MB photo. */
export const DEFAULT_TUS_CHUNK_BYTES = 8 * 1024 * 1024;
/** Below this a chunk's headers and round trip cost more than a reset loses. */
export const MIN_TUS_CHUNK_BYTES = 256 * 1024;
export const MAX_TUS_CHUNK_BYTES = 256 * 1024 * 1024;

export interface DestinationSpec {
  /** Request URL template, query included. */
  url: string;
  method: HttpMethod;
  body: DestinationBody;
  headers: NameValue[];
  /** A request sent first whose reply holds a one-time value the upload needs. Absent: none. */
  tokenRequest?: TokenRequest;
  /** Send the destination site's cookies (a logged-in session). @default false */
  sendCookies: boolean;
  reply: ReplyTemplates;
  /** The host's own rate-limit words: a header prefix, a body pattern (utils/pacing/rate-limit.ts). Absent: none. */
  rateLimit?: RateLimitSetting;
  /** e.g. "2xx", "200,201", "200-299". @default '2xx' */
  successStatuses: string;
  /**
   * The name the host receives, from `{name}`, `{hash}`, `{date}` and
   * `{counter}` (utils/upload/file-name.ts); the extension follows. Empty or
   * absent: the image's own name. @default undefined
   */
  fileNameTemplate?: string;
  /** How the bytes travel; absent is today's whole-file request. @default undefined ('post') */
  transport?: DestinationTransport;
}

export interface Destination extends DestinationSpec {
  id: string;
  name: string;
  /**
   * Its own pace, replacing the global one as a whole for the uploads to it
   * (the pause of the queue stays global); null follows the global pace. @default null
   */
  pacing: Pace | null;
  /**
   * The compression preset the panel switches to when this destination is
   * chosen (a `PresetId`; the batch may still override it); null, or an id
   * this version does not know, is the global default preset. @default null
   */
  compressionPresetId: string | null;
  /** What a transparent image becomes when the pixels decide the format. @default 'webp' */
  transparentAs: TransparentAs;
  /**
   * What a photo (an opaque image) becomes when the pixels decide the format:
   * JPEG, or, for a host that accepts WebP, the smaller of JPEG and WebP at
   * the preset's target. Absent (destinations saved before it): 'jpeg'.
   */
  photosAs?: PhotosAs;
}

/** A snapshot as stored in a queued item: which destination, how to send to it, and at what pace. */
export interface DestinationSnapshot extends DestinationSpec {
  /** The saved destination's id, or `page-form` for "this page's upload form". */
  id: string;
  name: string;
  /**
   * The destination's own pace when the item was handed over; null (or absent,
   * in items queued by an earlier version) follows the global settings.
   */
  pacing?: Pace | null;
  /** Set when the page itself is the destination: see PageBinding. */
  page?: PageBinding;
  /**
   * Set when the destination is the page's own uploader (issue 14): the file
   * is handed to that uploader in that tab, and the request spec above is
   * not used.
   */
  pageUploader?: PageUploaderTarget;
}

/**
 * The page the panel is on is the destination (its upload form; its own
 * uploader): the upload uses that tab's session, so the item is bound to the
 * tab it came from (`QueueItem.source.tabId`).
 */
export interface PageBinding {
  kind: 'form' | 'uploader';
}

/** "This page's uploader": which tab, and which of its uploaders (see utils/page-uploaders/find.ts). */
export interface PageUploaderTarget {
  tabId: number;
  /** Its place in the page's list when it was chosen. */
  index: number;
  /** Its name in that list: the hand-over looks for it by name first, the page may have changed. */
  label: string;
}

export const PAGE_FORM_ID = 'page-form';
/** The id prefix of "this page's uploader" snapshots: `page-uploader:TAB:INDEX`. */
export const PAGE_UPLOADER_ID = 'page-uploader';

export function newDestination(overrides: Partial<Destination> = {}): Destination {
  return {
    id: crypto.randomUUID(),
    name: '',
    url: '',
    method: 'POST',
    body: { kind: 'multipart', fileField: 'file', fields: [] },
    headers: [],
    sendCookies: false,
    reply: { url: '{json:url}', thumbnailUrl: '', deletionUrl: '', errorMessage: '' },
    successStatuses: '2xx',
    pacing: null,
    compressionPresetId: null,
    transparentAs: 'webp',
    ...overrides,
  };
}

export function snapshotOf(destination: Destination): DestinationSnapshot {
  // Compression happens before hand-over (in the panel), so the queue does not keep its choices.
  const { compressionPresetId: _preset, transparentAs: _transparentAs, photosAs: _photosAs, ...snapshot } = destination;
  return structuredClone(snapshot);
}

/** Parses "2xx, 301, 400-404" into ranges. Returns an Error naming the bad piece. */
export function parseSuccessStatuses(text: string): [number, number][] | LocalizedError {
  const pieces = text
    .split(',')
    .map((piece) => piece.trim().toLowerCase())
    .filter(Boolean);
  if (pieces.length === 0) {
    return new LocalizedError('list at least one status (e.g. 2xx)', localized('problemNoStatuses'));
  }
  const ranges: [number, number][] = [];
  for (const piece of pieces) {
    const family = /^([1-5])xx$/.exec(piece);
    const range = /^(\d{3})\s*-\s*(\d{3})$/.exec(piece);
    const single = /^(\d{3})$/.exec(piece);
    if (family) ranges.push([Number(family[1]) * 100, Number(family[1]) * 100 + 99]);
    else if (range && Number(range[1]) <= Number(range[2])) ranges.push([Number(range[1]), Number(range[2])]);
    else if (single) ranges.push([Number(single[1]), Number(single[1])]);
    else {
      return new LocalizedError(
        `"${piece}" is not a status, a range (200-204) or a family (2xx)`,
        localized('problemBadStatus', piece),
      );
    }
  }
  return ranges;
}

export function isSuccessStatus(spec: Pick<DestinationSpec, 'successStatuses'>, status: number): boolean {
  const ranges = parseSuccessStatuses(spec.successStatuses);
  const effective = ranges instanceof Error ? ([[200, 299]] as [number, number][]) : ranges;
  return effective.some(([low, high]) => status >= low && status <= high);
}

/** Only http(s) URLs are fetched, linked or shown as images. */
export function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The origin pattern a host permission is asked for, e.g. "https://img.example/*". */
export function originPattern(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return isHttpUrl(url) ? `${parsed.protocol}//${parsed.hostname}/*` : undefined;
  } catch {
    return undefined;
  }
}

/** The request URL with sample values, to check it is an http(s) URL whatever the templates give. */
export function resolveSampleUrl(url: string): URL | LocalizedError {
  const rendered = renderSource(url, 'request', { filename: 'sample.jpg', mimetype: 'image/jpeg', random: () => 0 });
  if (rendered instanceof TemplateError) return rendered;
  if (!isHttpUrl(rendered)) {
    return new LocalizedError('the URL must start with http:// or https://', localized('problemUrlScheme'));
  }
  return new URL(rendered);
}

export interface DestinationProblem {
  /** Which field, e.g. "url", "header Authorization", "reply.url" (for logs and tests). */
  field: string;
  /** What is wrong, in English (for logs and tests). */
  message: string;
  /** The field as the editor names it, in the user's language. */
  fieldText: Localized;
  /** What is wrong, in the user's language. */
  text: Localized;
}

/** The editor's own label for each field a problem can be about. */
const FIELD_TEXT: Record<string, MessageKey> = {
  name: 'destinationName',
  url: 'destinationUrl',
  method: 'destinationMethod',
  'body.fileField': 'fieldNameLabel',
  'body.fields': 'destinationFields',
  'body.template': 'destinationJsonTemplate',
  'tokenRequest.url': 'destinationTokenUrl',
  'tokenRequest.token': 'destinationTokenReply',
  'reply.url': 'replyUrl',
  'reply.thumbnailUrl': 'replyThumbnailUrl',
  'reply.deletionUrl': 'replyDeletionUrl',
  'reply.errorMessage': 'replyErrorMessage',
  'rateLimit.headerPrefix': 'rateLimitHeaderPrefix',
  'rateLimit.bodyPattern': 'rateLimitBodyPattern',
  successStatuses: 'successStatuses',
  fileNameTemplate: 'fileNameTemplate',
};

/** Every problem that would stop a destination from working, for the options page. Empty when it is usable. */
export function validateDestination(destination: DestinationSpec & { name?: string }): DestinationProblem[] {
  const problems: DestinationProblem[] = [];
  const add = (field: string, fieldText: Localized, message: string, text: Localized) =>
    problems.push({ field, message, fieldText, text });
  const named = (field: string) => localized(FIELD_TEXT[field] ?? 'destinationName');
  const header = (name: string) => localized('problemFieldHeader', name);
  const check = (field: string, fieldText: Localized, source: string, scope: TemplateScope) => {
    const parsed = parseTemplate(source, scope);
    if (parsed instanceof TemplateError) add(field, fieldText, parsed.message, parsed.localized);
  };
  if (destination.name !== undefined && !destination.name.trim())
    add('name', named('name'), 'give it a name', localized('problemNoName'));
  const url = resolveSampleUrl(destination.url);
  if (url instanceof LocalizedError) add('url', named('url'), url.message, url.localized);
  if (!(HTTP_METHODS as readonly string[]).includes(destination.method)) {
    const methods = HTTP_METHODS.join(', ');
    add('method', named('method'), `method must be one of ${methods}`, localized('problemMethod', methods));
  }
  for (const { name, value } of destination.headers) {
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(name)) {
      add(`header ${name}`, header(name), 'not a valid header name', localized('problemHeaderName'));
    }
    check(`header ${name}`, header(name), value, 'request');
    // The body sets it (a multipart boundary, the file's type, JSON): a second one would break the body.
    if (/^content-type$/i.test(name)) {
      add(
        `header ${name}`,
        header(name),
        'Content-Type is set from the body type; remove it',
        localized('problemContentTypeHeader'),
      );
    }
  }
  const field = (name: string) => localized('problemFieldField', name);
  const { body } = destination;
  if (body.kind === 'multipart') {
    if (!body.fileField.trim())
      add('body.fileField', named('body.fileField'), 'name the file field', localized('problemNoFileField'));
    for (const { name, value } of body.fields) check(`field ${name}`, field(name), value, 'request');
  } else if (body.kind === 'form-urlencoded') {
    for (const { name, value } of body.fields) check(`field ${name}`, field(name), value, 'request');
    if (!body.fields.some(({ value }) => value.includes('{base64}'))) {
      add(
        'body.fields',
        named('body.fields'),
        'one field must carry the file as {base64}',
        localized('problemNoBase64Field'),
      );
    }
  } else if (body.kind === 'json') {
    check('body.template', named('body.template'), body.template, 'request');
    const sample = renderSource(
      body.template,
      'request',
      { filename: 'a', mimetype: 'a', base64: 'a', random: () => 0 },
      {
        escape: escapeJsonString,
      },
    );
    if (typeof sample === 'string') {
      try {
        JSON.parse(sample);
      } catch (error) {
        add(
          'body.template',
          named('body.template'),
          `not valid JSON: ${error instanceof Error ? error.message : ''}`,
          localized('problemTemplateInvalidJson'),
        );
      }
    }
  }
  problems.push(...tokenProblems(destination));
  for (const key of ['url', 'thumbnailUrl', 'deletionUrl', 'errorMessage'] as const) {
    check(`reply.${key}`, named(`reply.${key}`), destination.reply[key], 'reply');
  }
  const [unknown] = unknownPlaceholders(destination.fileNameTemplate ?? '');
  if (unknown !== undefined) {
    add(
      'fileNameTemplate',
      named('fileNameTemplate'),
      `{${unknown}} is not a file-name placeholder: use {name}, {hash}, {date} or {counter}`,
      localized('problemFileNamePlaceholder', `{${unknown}}`),
    );
  }
  const prefix = destination.rateLimit?.headerPrefix.trim() ?? '';
  if (prefix && !/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(prefix))
    add(
      'rateLimit.headerPrefix',
      named('rateLimit.headerPrefix'),
      'not a valid header name',
      localized('problemHeaderName'),
    );
  const patternProblem = bodyPatternProblem(destination.rateLimit?.bodyPattern ?? '');
  if (patternProblem)
    add('rateLimit.bodyPattern', named('rateLimit.bodyPattern'), patternProblem, localized('problemBodyPattern'));
  const statuses = parseSuccessStatuses(destination.successStatuses);
  if (statuses instanceof LocalizedError)
    add('successStatuses', named('successStatuses'), statuses.message, statuses.localized);
  if (destination.transport?.kind === 's3-multipart') problems.push(...s3Problems(destination.transport));
  return problems;
}

/** What would stop an S3 bucket from working, named per field (s3-settings.ts). */
function s3Problems(settings: S3Settings): DestinationProblem[] {
  const problems: DestinationProblem[] = [];
  const add = (field: string, label: MessageKey, message: string, text: Localized) =>
    problems.push({ field, message, fieldText: localized(label), text });
  const scheme = localized('problemUrlScheme');
  if (!isHttpUrl(settings.endpoint)) add('s3.endpoint', 's3Endpoint', 'must start with http:// or https://', scheme);
  // S3's rule for bucket names: anything else cannot be addressed.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(settings.bucket))
    add('s3.bucket', 's3Bucket', 'not a valid bucket name', localized('problemS3Bucket'));
  if (settings.keyPrefix.startsWith('/'))
    add('s3.keyPrefix', 's3KeyPrefix', 'a key prefix does not start with /', localized('problemS3KeyPrefix'));
  if (settings.signing === 'credentials') {
    if (!settings.accessKeyId.trim() || !settings.secretAccessKey.trim())
      add(
        's3.credentials',
        's3SecretAccessKey',
        'give the access key id and the secret',
        localized('problemS3Credentials'),
      );
  } else if (!isHttpUrl(settings.signingUrl)) {
    add('s3.signingUrl', 's3SigningUrl', 'must start with http:// or https://', scheme);
  }
  if (settings.publicUrl && !isHttpUrl(settings.publicUrl))
    add('s3.publicUrl', 's3PublicUrl', 'must start with http:// or https://', scheme);
  return problems;
}

/** The token step's own checks, and `{token}` used with no step to fetch it. */
function tokenProblems(destination: DestinationSpec): DestinationProblem[] {
  const problems: DestinationProblem[] = [];
  const add = (field: string, message: string, text: Localized) =>
    problems.push({ field, message, fieldText: localized(FIELD_TEXT[field] ?? 'destinationName'), text });
  const { tokenRequest } = destination;
  if (!tokenRequest) {
    const templates = [
      destination.url,
      ...destination.headers.map((header) => header.value),
      ...(destination.body.kind === 'json' ? [destination.body.template] : []),
      ...(destination.body.kind === 'multipart' || destination.body.kind === 'form-urlencoded'
        ? destination.body.fields.map((field) => field.value)
        : []),
    ];
    if (templates.some((source) => /\{token\}/i.test(source))) {
      add('tokenRequest.url', '{token} is used but no token step fetches it', localized('problemTokenWithoutStep'));
    }
    return problems;
  }
  const tokenUrl = resolveSampleUrl(tokenRequest.url);
  const uploadUrl = resolveSampleUrl(destination.url);
  if (tokenUrl instanceof LocalizedError) add('tokenRequest.url', tokenUrl.message, tokenUrl.localized);
  else if (!(uploadUrl instanceof LocalizedError) && tokenUrl.origin !== uploadUrl.origin) {
    add('tokenRequest.url', "the token step must be on the upload URL's site", localized('problemTokenOrigin'));
  }
  const reader = parseTemplate(tokenRequest.token, 'reply');
  if (reader instanceof TemplateError) add('tokenRequest.token', reader.message, reader.localized);
  else if (!tokenRequest.token.trim())
    add('tokenRequest.token', 'say where the token is', localized('problemNoTokenReader'));
  return problems;
}

/** Escapes a value for the inside of a JSON string literal. */
export function escapeJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * The snapshot as the panel and popup may see it: which destination, without
 * header values, field values, the body template or the URL's query (API keys
 * often travel there). Secrets stay in the background and extension storage.
 */
export function withoutSecrets(snapshot: DestinationSnapshot): DestinationSnapshot {
  const { body, tokenRequest } = snapshot;
  const hideValues = (pairs: NameValue[]) => pairs.map((pair) => ({ name: pair.name, value: '' }));
  return {
    ...snapshot,
    url: withoutQuery(snapshot.url),
    ...(tokenRequest ? { tokenRequest: { url: withoutQuery(tokenRequest.url), token: tokenRequest.token } } : {}),
    headers: hideValues(snapshot.headers),
    ...(snapshot.transport?.kind === 's3-multipart' ? { transport: s3WithoutSecrets(snapshot.transport) } : {}),
    body:
      body.kind === 'json'
        ? { kind: 'json', template: '' }
        : body.kind === 'binary'
          ? body
          : { ...body, fields: hideValues(body.fields) },
  };
}

function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    // A templated host: show nothing rather than leak the query.
    return '';
  }
}
