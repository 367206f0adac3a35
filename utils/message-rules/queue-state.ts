import * as v from 'valibot';
import { HTTP_METHODS } from '../destinations/model';
import { PACE_MODES } from '../pacing/pace';
import { amount, count, list, nameValue, shortText, text, time } from './common';

// The queue's state as the background reports it (items, plan) and the
// destinations inside it: received by the extension's pages, and by the
// background where a page sends a destination to test.

export const pacingMode = v.picklist(PACE_MODES);

// Destinations and queue state below come from storage and IndexedDB, where a
// row written by an earlier version may carry a field this one dropped: those
// objects are not strict (unknown keys are left out of the parsed data), while
// what a page hands in (hand-over, command, claim) is.

const destinationBody = v.variant('kind', [
  v.object({ kind: v.literal('multipart'), fileField: text, fields: list(nameValue) }),
  v.object({ kind: v.literal('binary') }),
  v.object({ kind: v.literal('json'), template: text }),
  v.object({ kind: v.literal('form-urlencoded'), fields: list(nameValue) }),
]);

const destinationSpecEntries = {
  url: text,
  method: v.picklist(HTTP_METHODS),
  body: destinationBody,
  headers: list(nameValue),
  sendCookies: v.boolean(),
  reply: v.object({ url: text, thumbnailUrl: text, deletionUrl: text, errorMessage: text }),
  successStatuses: text,
};

const destinationPacing = v.object({
  mode: pacingMode,
  delayMs: amount,
  concurrency: count,
  adaptiveFloorMs: amount,
  maxRetries: count,
});

export const destination = v.object({
  ...destinationSpecEntries,
  id: shortText,
  name: text,
  pacing: v.nullable(destinationPacing),
  compressionPresetId: v.nullable(shortText),
  transparentAs: v.picklist(['webp', 'png']),
});

const destinationSnapshot = v.object({
  ...destinationSpecEntries,
  id: shortText,
  name: text,
  pacing: v.optional(v.nullable(destinationPacing)),
});

const failureKind = v.picklist(['reset', 'timeout', 'http', 'unreadable', 'file', 'permission', 'cancelled']);

const replyProblem = v.picklist([
  'html-page',
  'invalid-json',
  'sign-in-redirect',
  'sign-in-required',
  'forbidden',
  'too-large-for-server',
  'reply-never-finished',
  'closed-mid-reply',
  'reply-too-large',
]);

const itemSource = v.object({
  tabId: v.optional(count),
  origin: v.optional(text),
  title: v.optional(text),
});

export const queueItem = v.object({
  id: shortText,
  seq: count,
  name: text,
  type: text,
  originalSize: amount,
  size: amount,
  width: amount,
  height: amount,
  destination: destinationSnapshot,
  destinationKey: shortText,
  idempotencyKey: shortText,
  status: v.picklist(['queued', 'uploading', 'done', 'failed', 'cancelled']),
  attempts: count,
  createdAt: time,
  startedAt: v.optional(time),
  finishedAt: v.optional(time),
  httpStatus: v.optional(count),
  resultUrl: v.optional(text),
  thumbnailUrl: v.optional(text),
  deletionUrl: v.optional(text),
  error: v.optional(text),
  failureKind: v.optional(failureKind),
  problem: v.optional(replyProblem),
  excerpt: v.optional(text),
  source: v.optional(itemSource),
  retryAt: v.optional(time),
  autoRetries: v.optional(count),
  attemptLog: v.optional(
    list(
      v.object({
        startedAt: time,
        finishedAt: time,
        result: v.union([v.literal('ok'), failureKind]),
        httpStatus: v.optional(count),
        holdUntil: v.optional(time),
        problem: v.optional(replyProblem),
      }),
    ),
  ),
});

export const queuePlan = v.object({
  mode: pacingMode,
  paused: v.boolean(),
  nextStartAt: v.nullable(time),
  waitingOn: v.picklist(['nothing', 'uploads', 'pace', 'finish', 'slot', 'retry', 'server', 'paused']),
  itemId: v.optional(shortText),
  itemName: v.optional(text),
  inFlight: count,
  concurrency: count,
  gapMs: amount,
  destinationName: v.optional(text),
  serverHoldUntil: v.optional(time),
});
