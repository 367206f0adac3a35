import type { DestinationSnapshot } from '../destinations/model';
import type { AlreadyUploaded } from '../ledger/types';
import type { PaceMode } from '../pacing/pace';
import type { RateLimitSignal } from '../pacing/rate-limit';

/** The life of one queued image, as stored in IndexedDB and shown by the UI. */
export type ItemStatus = 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled';

/** How an attempt ended when it did not succeed; the row names it. */
export type FailureKind =
  /** The connection failed, was reset or aborted before a whole reply arrived. */
  | 'reset'
  /** No reply within the upload timeout. */
  | 'timeout'
  /** The server answered with a status outside 2xx. */
  | 'http'
  /** A 2xx status arrived but its body could not be read. */
  | 'unreadable'
  /** The image bytes were missing from storage. */
  | 'file'
  /** The extension lacks the destination origin's host permission (revoked after the item was queued). */
  | 'permission'
  /** The user cancelled it. */
  | 'cancelled';

/**
 * Failures of the reply, each named in its row:
 * - html-page: a 2xx whose body is a web page where the destination reads JSON or a URL
 *   (an error page served with 200, a captive portal);
 * - invalid-json: the destination reads JSON and the body is not JSON;
 * - sign-in-redirect: the upload was redirected to a page, e.g. a sign-in form;
 * - sign-in-required (401), forbidden (403), too-large-for-server (413);
 * - rate-limited: a success whose body matched the destination's rate-limit pattern (never "Done");
 * - reply-never-finished: the status arrived, the rest of the reply did not within the reply timeout;
 * - closed-mid-reply: the connection closed before the reply was whole;
 * - reply-too-large: the reply went past MAX_REPLY_BYTES and was cut off;
 * - signed-out: a page form's post came back as the site's sign-in page;
 * - form-error: a page form's post came back as the form again, with the site's error message.
 * - page-did-not-upload, page-showed-error, page-unreachable: the page's own uploader (issue 14).
 * - storage-refused: an S3 bucket answered with its error XML (its code, e.g. SignatureDoesNotMatch).
 */
export type ReplyProblem =
  | 'html-page'
  | 'invalid-json'
  | 'sign-in-redirect'
  | 'sign-in-required'
  | 'forbidden'
  | 'too-large-for-server'
  /** A success reply whose body matched the destination's rate-limit pattern: sent again once the host allows. */
  | 'rate-limited'
  | 'reply-never-finished'
  | 'closed-mid-reply'
  | 'reply-too-large'
  | 'signed-out'
  | 'form-error'
  /** The page's own uploader (issue 14) made no request carrying the file within the set time. */
  | 'page-did-not-upload'
  /** The page's uploader showed an error for the file (its words are the excerpt). */
  | 'page-showed-error'
  /** The page the batch goes to is closed, navigated away or no longer answers. */
  | 'page-unreachable'
  /** An S3 bucket (or its signing endpoint) refused a step; its own error code is the excerpt. */
  | 'storage-refused';

/** QueueItem.transportState: one variant per resumable transport (DestinationTransport). */
export type TransportState =
  | {
      kind: 'tus';
      /** The upload's URL the server gave at creation (absolute). */
      uploadUrl: string;
      /** The chunk size the pace reached, so a resumed upload does not start big on a fragile server. */
      chunkBytes: number;
    }
  | { kind: 'ietf-resumable'; uploadUrl: string }
  | S3UploadState;

/** Where an S3 multipart upload stands (utils/upload/s3-multipart.ts). */
export interface S3UploadState {
  kind: 's3-multipart';
  key: string;
  uploadId: string;
  /** The size the upload was made for: other bytes under the same item start over. */
  totalBytes: number;
  /**
   * The parts the server acknowledged, in byte order. Parts may differ in
   * size (S3 asks only that all but the last be at least 5 MiB), so each
   * attempt cuts the rest of the file at the size its pace chose.
   */
  parts: { partNumber: number; etag: string; size: number }[];
  /**
   * The part on its way when this was saved: if the server stored it but the
   * reply was lost, ListParts shows it and it is not sent again. A part sent
   * again always takes a new number, so a cut one never mixes into it.
   */
  sending?: { partNumber: number; size: number };
}

/** One try at uploading an item, kept so the pace can be derived from what happened (see utils/pacing/adaptive-controller.ts). */
export interface AttemptRecord {
  startedAt: number;
  finishedAt: number;
  result: 'ok' | FailureKind;
  httpStatus?: number;
  /** The image bytes sent: the adaptive pace reads throughput from them. Absent in records of older versions. */
  bytes?: number;
  /** When the request left, after the bytes were read from storage: the adaptive pace counts overlap from here. */
  sentAt?: number;
  problem?: ReplyProblem;
  /** A 429 or 503 with Retry-After: no request to this destination before this time. */
  holdUntil?: number;
  /** What the reply said of the destination's quota (utils/pacing/rate-limit.ts). */
  rateLimit?: RateLimitSignal;
}

export interface QueueItem {
  /** Made by the panel, so its draft row and the stored row are the same row. */
  id: string;
  /** Order of hand-over; the queue uploads in this order. */
  seq: number;
  name: string;
  type: string;
  originalSize: number;
  size: number;
  width: number;
  height: number;
  /** Snapshot of the destination when the item was handed over: later edits do not change queued items. */
  destination: DestinationSnapshot;
  /**
   * Which destination the item goes to, for the pace: a server's Retry-After
   * hold and the adaptive gap apply to every item bound for the same
   * destination. Its id, not its URL, so no secret in a query string ends up
   * in a field that is shown.
   */
  destinationKey: string;
  /** The same for every attempt, so a server can drop a repeat. */
  idempotencyKey: string;
  status: ItemStatus;
  /** Requests started for this item, resends after a worker's death included. */
  attempts: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  httpStatus?: number;
  resultUrl?: string;
  /**
   * Done, but the site's reply did not say it kept the file (a page form
   * answered with a page that neither names the file nor shows an error):
   * shown as "Sent; not confirmed by the site", never as plain "Done".
   */
  unconfirmed?: boolean;
  thumbnailUrl?: string;
  deletionUrl?: string;
  error?: string;
  failureKind?: FailureKind;
  /** The failure's own name, when the reply told what went wrong (see ReplyProblem). */
  problem?: ReplyProblem;
  /** The start of the failed reply, at most 300 characters: enough for a bug report, never the whole body. */
  excerpt?: string;
  /** A queued automatic retry starts no sooner than this (absolute ms). */
  retryAt?: number;
  /** Automatic retries since the item was handed over or retried by hand. */
  autoRetries?: number;
  attemptLog?: AttemptRecord[];
  /**
   * Bytes of the file the server has, while it uploads (a resumable
   * transport reports each chunk; a whole-file POST reports none, see
   * docs/resumable-uploads.md). Cleared when the attempt ends.
   */
  bytesSent?: number;
  /**
   * Where a resumable upload stands on the server (its upload URL): kept
   * across attempts, worker stops and browser restarts, so the next attempt
   * asks the server's offset instead of sending from byte 0. Dropped when
   * the item is done or cancelled.
   */
  transportState?: TransportState;
  /** The tab and page the panel was on when it handed the item over: the popup groups batches by it. */
  source?: ItemSource;
  /**
   * Queued but not started, because the page it is sent through (its
   * destination is the page itself: `destination.page`) was closed or left.
   * Nothing is lost; the user goes on from a panel on the same site
   * ({ kind: 'go-on-here' }), which binds the item to that tab.
   */
  pageGone?: PageGone;
  /** SHA-256 (hex) of the bytes to send, taken by the background at hand-over (the ledger; `{hash}`). */
  sentHash?: string;
  /** SHA-256 (hex) of the original as the user added it, when the background held it. */
  originalHash?: string;
  /** Its destination's `{counter}` for the file name, given out once at hand-over. */
  nameCounter?: number;
  /**
   * The destination already received this image (utils/ledger/): the item is
   * Done without a request, shows the earlier upload's links, and is sent
   * only when the user asks ("Send again anyway").
   */
  alreadyUploaded?: AlreadyUploaded;
}

/**
 * Where an item came from. Page data (the page's own origin and title, as the
 * browser reports the tab), shown only in extension pages; absent for items
 * stored before it existed, and origin and title absent when the browser
 * did not give the tab's URL.
 */
/** Why a page-bound item waits: its tab was closed, or went to another page. */
export type PageGone = 'closed' | 'left';

export interface ItemSource {
  tabId?: number;
  origin?: string;
  title?: string;
}

/** What the next start waits on, for the "what is waiting on what" line. */
export type WaitingOn =
  /** Nothing queued. */
  | 'nothing'
  /** Uploads are in flight, nothing else is queued. */
  | 'uploads'
  /** The pace: the delay, the interval or the adaptive gap. */
  | 'pace'
  /** Sequential: the upload in flight must finish first. */
  | 'finish'
  /** Staggered or adaptive: the concurrency cap is reached. */
  | 'slot'
  /** An automatic retry's earliest time. */
  | 'retry'
  /** The server's Retry-After. */
  | 'server'
  /** The destination's rate limit: its quota is used up, or what is left is spread over its window. */
  | 'quota'
  /** The user paused the queue. */
  | 'paused';

/** The queue's plan as the UI shows it: the mode, the next start, and what it waits on. */
export interface QueuePlan {
  mode: PaceMode;
  paused: boolean;
  /** Absolute time (ms since epoch) of the next planned start, or null. */
  nextStartAt: number | null;
  waitingOn: WaitingOn;
  /** The item the next start is for. */
  itemId?: string;
  itemName?: string;
  inFlight: number;
  /** Staggered and adaptive: at most this many in flight. */
  concurrency: number;
  /** The gap the next start keeps: the delay, the interval or the adaptive gap. */
  gapMs: number;
  /** The destination whose pace the mode, gap and cap describe (the next item's), when known. */
  destinationName?: string;
  /** Retry-After from the destination of the next item, while it lasts. */
  serverHoldUntil?: number;
  /** The rate limit of the next item's destination, while its window lasts. */
  quota?: PlanQuota;
}

/** A destination's rate limit as the panel and popup say it ("Host allows 50 an hour: next at 14:05"). */
export interface PlanQuota {
  /** A body said "limited" (no numbers to tell), or headers gave them. */
  source: RateLimitSignal['source'];
  /** Requests the quota still allows before `resetAt`. */
  left: number;
  limit?: number;
  windowMs?: number;
  resetAt: number;
}

export const IDLE_PLAN: QueuePlan = {
  mode: 'sequential',
  paused: false,
  nextStartAt: null,
  waitingOn: 'nothing',
  inFlight: 0,
  concurrency: 1,
  gapMs: 0,
};

/** What the UI needs to draw a batch: every item and the plan. */
export interface QueueSnapshot {
  items: QueueItem[];
  plan: QueuePlan;
}

export interface QueueCounts {
  queued: number;
  uploading: number;
  /** Done and confirmed by the site's reply. */
  done: number;
  /** Done, but not confirmed by the site (QueueItem.unconfirmed). */
  unconfirmed: number;
  failed: number;
  cancelled: number;
}

/** The counts as one comparable value: changes exactly when a count does. */
export function countsKey(counts: QueueCounts): string {
  return `${counts.queued}/${counts.uploading}/${counts.done}/${counts.unconfirmed}/${counts.failed}/${counts.cancelled}`;
}

export function countByStatus(items: readonly Pick<QueueItem, 'status' | 'unconfirmed'>[]): QueueCounts {
  const counts: QueueCounts = { queued: 0, uploading: 0, done: 0, unconfirmed: 0, failed: 0, cancelled: 0 };
  for (const item of items) counts[item.status === 'done' && item.unconfirmed ? 'unconfirmed' : item.status] += 1;
  return counts;
}

/** Rows that will not change by themselves any more: done (confirmed or not), failed, cancelled. */
export function finishedCount(counts: QueueCounts): number {
  return counts.done + counts.unconfirmed + counts.failed + counts.cancelled;
}

/** What the user can do to the queue from the panel or the popup. */
export type QueueCommand =
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'cancel'; itemId: string }
  | { kind: 'cancel-all' }
  | { kind: 'retry'; itemId: string }
  | { kind: 'retry-failed' }
  /** An item shown as "Already uploaded": send it to its destination anyway. */
  | { kind: 'send-again'; itemId: string }
  /** A panel on the site of items whose page was closed or left: send them through this tab. */
  | { kind: 'go-on-here' };
