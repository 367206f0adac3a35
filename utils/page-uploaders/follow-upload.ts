import * as v from 'valibot';

/**
 * Follows the upload of one handed-over file through the reports of the
 * request watcher (request-watcher.ts) and settles on what the row shows.
 * The reports come from the page's world, so they are untrusted: parsed
 * against a schema, and only those that name this file (name and size) count.
 * A lying page can at worst mislead this row about its own site.
 */

/** A claim from the page's world about one of its requests. */
const uploadReport = v.variant('kind', [
  v.object({
    kind: v.literal('start'),
    id: v.pipe(v.string(), v.maxLength(100)),
    files: v.pipe(
      v.array(v.object({ name: v.pipe(v.string(), v.maxLength(1000)), size: v.number() })),
      v.maxLength(1000),
    ),
    url: v.pipe(v.string(), v.maxLength(10_000)),
  }),
  v.object({
    kind: v.literal('end'),
    id: v.pipe(v.string(), v.maxLength(100)),
    status: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(999)),
    excerpt: v.pipe(v.string(), v.maxLength(10_000)),
    error: v.picklist(['', 'network', 'abort', 'timeout']),
  }),
]);
export type UploadReport = v.InferOutput<typeof uploadReport>;

/** Reads one report's text; undefined for anything that is not a well-formed report. */
export function parseUploadReport(detail: unknown): UploadReport | undefined {
  if (typeof detail !== 'string' || detail.length > 50_000) return undefined;
  try {
    const parsed = v.safeParse(uploadReport, JSON.parse(detail));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

/** What became of one file handed to the page's uploader. */
export type PageUploadOutcome =
  | { kind: 'uploaded'; status: number; link?: string; excerpt: string }
  | {
      kind: 'failed';
      /** http: an error status; network: no reply; page-error: the uploader showed an error for it. */
      reason: 'http' | 'network' | 'page-error';
      status?: number;
      /** The page's own words when it showed some, else the start of the reply. */
      message: string;
      excerpt: string;
    }
  /** No request carried the file within `startWithinMs`: the page did not upload it. */
  | { kind: 'not-started' };

export interface FollowOptions {
  /** How long the page has to start a request carrying the file. @default 10_000 */
  startWithinMs?: number;
  /** After a failed request, how long to wait for the uploader's own retry. @default 1500 */
  retryGraceMs?: number;
  /** The page's own error text for this file, read from its markup once a request failed. */
  readPageError?(fileName: string): string | undefined;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/**
 * Resolves once the file's upload settled. `subscribe` feeds it reports and
 * returns the unsubscriber; call it before handing the file over, so the
 * first request is not missed.
 */
export function followUpload(
  file: { name: string; size: number },
  subscribe: (listener: (report: UploadReport) => void) => () => void,
  options: FollowOptions = {},
): Promise<PageUploadOutcome> {
  const {
    startWithinMs = 10_000,
    retryGraceMs = 1500,
    readPageError,
    setTimeout: schedule = (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: unschedule = (handle) => globalThis.clearTimeout(handle as number),
  } = options;
  return new Promise((resolve) => {
    const ours = new Set<string>();
    let timer: unknown;
    let lastFailure: PageUploadOutcome | undefined;
    const wait = (ms: number, then: () => void) => {
      if (timer !== undefined) unschedule(timer);
      timer = schedule(then, ms);
    };
    const finish = (outcome: PageUploadOutcome) => {
      if (timer !== undefined) unschedule(timer);
      unsubscribe();
      resolve(outcome);
    };
    const unsubscribe = subscribe((report) => {
      if (report.kind === 'start') {
        if (!report.files.some((carried) => carried.name === file.name && carried.size === file.size)) return;
        ours.add(report.id);
        // A request is under way: only its end (or a retry's) settles the row.
        if (timer !== undefined) unschedule(timer);
        timer = undefined;
        return;
      }
      if (!ours.has(report.id)) return;
      ours.delete(report.id);
      const ok = report.error === '' && report.status >= 200 && report.status < 300;
      if (ok) {
        const pageError = readPageError?.(file.name);
        if (pageError) {
          lastFailure = {
            kind: 'failed',
            reason: 'page-error',
            status: report.status,
            message: pageError,
            excerpt: report.excerpt,
          };
        } else {
          const link = linkFromReply(report.excerpt);
          return finish({
            kind: 'uploaded',
            status: report.status,
            ...(link ? { link } : {}),
            excerpt: report.excerpt,
          });
        }
      } else {
        const network = report.error !== '' || report.status === 0;
        lastFailure = {
          kind: 'failed',
          reason: network ? 'network' : 'http',
          ...(network ? {} : { status: report.status }),
          message: '',
          excerpt: report.excerpt,
        };
      }
      if (ours.size > 0) return;
      const failure = lastFailure;
      // The uploader may retry on its own; settle on the failure only if it does not.
      wait(retryGraceMs, () => {
        const shown = readPageError?.(file.name);
        finish(failure.kind === 'failed' && shown && !failure.message ? { ...failure, message: shown } : failure);
      });
    });
    wait(startWithinMs, () => finish(lastFailure ?? { kind: 'not-started' }));
  });
}

const LINK_KEYS = ['url', 'link', 'location', 'href', 'src', 'secure_url', 'downloadUrl', 'download_url'];

/**
 * The file's link in an uploader's reply, when it has one: a JSON field named
 * like a URL (at the top, or under data/file/files[0]/result), or a reply
 * that is only a URL. Only http(s) links count.
 */
export function linkFromReply(excerpt: string): string | undefined {
  const text = excerpt.trim();
  if (/^https?:\/\/\S+$/.test(text)) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const seen: unknown[] = [value];
  for (let depth = 0; depth < 3; depth += 1) {
    const next: unknown[] = [];
    for (const node of seen) {
      if (typeof node !== 'object' || node === null) continue;
      const record = node as Record<string, unknown>;
      for (const key of LINK_KEYS) {
        const candidate = record[key];
        if (typeof candidate === 'string' && /^https?:\/\//.test(candidate)) return candidate;
      }
      for (const key of ['data', 'file', 'files', 'result', 'image', 'upload']) {
        const child = record[key];
        next.push(Array.isArray(child) ? child[0] : child);
      }
    }
    seen.splice(0, seen.length, ...next);
  }
  return undefined;
}

/** Where upload libraries write an error next to a file's name. */
const ERROR_MARKUP: readonly { item: string; name: string; error: string }[] = [
  {
    item: '.dz-preview.dz-error',
    name: '[data-dz-name], .dz-filename',
    error: '[data-dz-errormessage], .dz-error-message',
  },
  // FilePond marks the item's state (processing-error, load-invalid); its sub-status is a hint such as "tap to retry".
  {
    item: '.filepond--item[data-filepond-item-state*=error], .filepond--item[data-filepond-item-state*=invalid]',
    name: '.filepond--file-info-main',
    error: '.filepond--file-status-main',
  },
  {
    item: '.uppy-Dashboard-Item.is-error',
    name: '.uppy-Dashboard-Item-name',
    error: '.uppy-Dashboard-Item-errorMessage',
  },
  { item: '.template-upload, .template-download', name: '.name', error: '.error' },
  { item: '.qq-upload-fail', name: '.qq-upload-file', error: '.qq-upload-status-text' },
];

/**
 * The error an upload library shows for this file, if it shows one. `earlier`:
 * the errors shown before this hand-over (shownPageErrors), which are about an
 * earlier try of a file with the same name (the user's Retry), not this one.
 */
export function pageErrorFor(
  root: ParentNode,
  fileName: string,
  earlier: ReadonlySet<Element> = new Set(),
): string | undefined {
  for (const markup of ERROR_MARKUP) {
    for (const item of root.querySelectorAll(markup.item)) {
      if (earlier.has(item) || item.querySelector(markup.name)?.textContent?.trim() !== fileName) continue;
      const text = item.querySelector(markup.error)?.textContent?.replace(/\s+/g, ' ').trim();
      if (text) return text.slice(0, 300);
    }
  }
  return undefined;
}

/** Every error an upload library shows now, to tell the next hand-over's error from these. */
export function shownPageErrors(root: ParentNode): Set<Element> {
  const shown = new Set<Element>();
  for (const markup of ERROR_MARKUP) for (const item of root.querySelectorAll(markup.item)) shown.add(item);
  return shown;
}
