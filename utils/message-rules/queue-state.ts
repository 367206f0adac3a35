import * as v from 'valibot';
import { destinationSnapshotSchema } from '../destinations/schema';
import { PACE_MODES } from '../pacing/pace';
import { RATE_LIMIT_SOURCES } from '../pacing/rate-limit';
import { amount, count, list, shortText, text, time } from './common';

// The queue's state as the background reports it (items, plan): received by
// the extension's pages.

export const pacingMode = v.picklist(PACE_MODES);

// Queue state comes from IndexedDB, where a row written by an earlier version
// may carry a field this one dropped: these objects are not strict (unknown
// keys are left out of the parsed data), while what a page hands in
// (hand-over, command, claim) is. Destinations: utils/destinations/schema.ts.

const failureKind = v.picklist(['reset', 'timeout', 'http', 'unreadable', 'file', 'permission', 'cancelled']);

const replyProblem = v.picklist([
  'html-page',
  'invalid-json',
  'sign-in-redirect',
  'sign-in-required',
  'forbidden',
  'too-large-for-server',
  'rate-limited',
  'reply-never-finished',
  'closed-mid-reply',
  'reply-too-large',
  'signed-out',
  'form-error',
  'page-did-not-upload',
  'page-showed-error',
  'page-unreachable',
  'storage-refused',
]);

const rateLimitSource = v.picklist(RATE_LIMIT_SOURCES);
const rateLimitSignalSchema = v.object({
  source: rateLimitSource,
  remaining: count,
  resetAt: time,
  limit: v.optional(count),
  windowMs: v.optional(amount),
});

const itemSource = v.object({
  tabId: v.optional(count),
  origin: v.optional(text),
  title: v.optional(text),
});

/** TransportState (utils/queue/types.ts). */
export const transportState = v.variant('kind', [
  v.object({ kind: v.literal('tus'), uploadUrl: text, chunkBytes: count }),
  v.object({ kind: v.literal('ietf-resumable'), uploadUrl: text }),
  v.object({
    kind: v.literal('s3-multipart'),
    key: text,
    uploadId: text,
    totalBytes: count,
    parts: list(v.object({ partNumber: count, etag: text, size: count })),
    sending: v.optional(v.object({ partNumber: count, size: count })),
  }),
]);

export const queueItem = v.object({
  id: shortText,
  seq: count,
  name: text,
  type: text,
  originalSize: amount,
  size: amount,
  width: amount,
  height: amount,
  destination: destinationSnapshotSchema,
  destinationKey: shortText,
  idempotencyKey: shortText,
  status: v.picklist(['queued', 'uploading', 'done', 'failed', 'cancelled']),
  attempts: count,
  createdAt: time,
  startedAt: v.optional(time),
  finishedAt: v.optional(time),
  httpStatus: v.optional(count),
  resultUrl: v.optional(text),
  unconfirmed: v.optional(v.boolean()),
  pageGone: v.optional(v.picklist(['closed', 'left'])),
  thumbnailUrl: v.optional(text),
  deletionUrl: v.optional(text),
  error: v.optional(text),
  failureKind: v.optional(failureKind),
  problem: v.optional(replyProblem),
  excerpt: v.optional(text),
  source: v.optional(itemSource),
  sentHash: v.optional(shortText),
  originalHash: v.optional(shortText),
  nameCounter: v.optional(count),
  alreadyUploaded: v.optional(v.object({ entryId: shortText, at: time, by: v.picklist(['original', 'sent']) })),
  retryAt: v.optional(time),
  autoRetries: v.optional(count),
  bytesSent: v.optional(amount),
  transportState: v.optional(transportState),
  attemptLog: v.optional(
    list(
      v.object({
        startedAt: time,
        finishedAt: time,
        result: v.union([v.literal('ok'), failureKind]),
        httpStatus: v.optional(count),
        bytes: v.optional(count),
        sentAt: v.optional(time),
        holdUntil: v.optional(time),
        problem: v.optional(replyProblem),
        rateLimit: v.optional(rateLimitSignalSchema),
      }),
    ),
  ),
});

export const queuePlan = v.object({
  mode: pacingMode,
  paused: v.boolean(),
  nextStartAt: v.nullable(time),
  waitingOn: v.picklist(['nothing', 'uploads', 'pace', 'finish', 'slot', 'retry', 'server', 'quota', 'paused']),
  itemId: v.optional(shortText),
  itemName: v.optional(text),
  inFlight: count,
  concurrency: count,
  gapMs: amount,
  destinationName: v.optional(text),
  serverHoldUntil: v.optional(time),
  quota: v.optional(
    v.object({
      source: rateLimitSource,
      left: count,
      limit: v.optional(count),
      windowMs: v.optional(amount),
      resetAt: time,
    }),
  ),
});
