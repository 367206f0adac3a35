import type { GetDataType } from '@webext-core/messaging';
import * as v from 'valibot';
import { HTTP_METHODS } from './destinations/model';
import type { ProtocolMap } from './messages';

/**
 * Run-time rules for every message of the protocol: who may send it to whom,
 * and the shape its data must have. The message guard (message-guard.ts)
 * applies them before any handler runs, so a message from the wrong context
 * or with a wrong shape never reaches the code that acts on it.
 *
 * `MESSAGE_RULES` must have an entry for every key of `ProtocolMap` and each
 * schema's output must be exactly that message's data type: both are checked
 * by `tsc` (see `RulesFor` and `ExactSchemas` below).
 */

/** Who sent a message, as the receiver can tell from `runtime.MessageSender` (see `senderContext`). */
export type SenderContext =
  /** The service worker. */
  | 'background'
  /** The in-page panel iframe whose document claimed its one-time token. */
  | 'panel'
  /** A panel.html document that did not claim a token: framed by a web page, or opened on its own. */
  | 'unclaimed-panel'
  | 'popup'
  | 'options'
  /** Our content script, running in a web page. */
  | 'content-script'
  /** A web page, another extension, or any page of ours not listed above. */
  | 'foreign';

/** Where a message is received: the service worker, an extension page (panel, popup, options), or our content script. */
export type ReceiverContext = 'background' | 'extension-page' | 'content-script';

type DataOf<K extends keyof ProtocolMap> = GetDataType<ProtocolMap[K]>;

export interface MessageRule<Data> {
  /** For each receiver that handles this message, the senders it accepts. A receiver not listed accepts none. */
  accept: Partial<Record<ReceiverContext, readonly SenderContext[]>>;
  data: v.GenericSchema<unknown, Data>;
}

export type RulesFor = { [K in keyof ProtocolMap]: MessageRule<DataOf<K>> };

/** Largest image a hand-over carries: a phone's original HEIC or PNG sent as it is fits with room to spare. */
export const MAX_HANDOVER_BYTES = 256 * 1024 * 1024;
/** Larger than any real image side; the panel sends 0 for an original it could not decode. */
const MAX_IMAGE_SIDE = 100_000;
const MAX_ID_LENGTH = 200;
const MAX_TEXT_LENGTH = 100_000;
const MAX_LIST_LENGTH = 10_000;
/** A right-clicked image's URL may be a whole data: image. */
const MAX_IMAGE_URL_LENGTH = 150 * 1024 * 1024;

const text = v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH));
const shortText = v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH));
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** A size, a delay or a gap computed by the background: finite and not negative, maybe fractional. */
const amount = v.pipe(v.number(), v.finite(), v.minValue(0));
const time = v.pipe(v.number(), v.finite());
const list = <T extends v.GenericSchema>(item: T) => v.pipe(v.array(item), v.maxLength(MAX_LIST_LENGTH));

const nameValue = v.object({ name: text, value: text });

const pageForm = v.strictObject({
  index: count,
  label: text,
  action: text,
  method: shortText,
  fileField: text,
  fields: list(nameValue),
});

const destinationChoice = v.variant('kind', [
  v.strictObject({ kind: v.literal('saved'), id: shortText }),
  v.strictObject({ kind: v.literal('page-form'), form: pageForm }),
]);

/** The compressed image itself, as structured clone delivers it: a real File, not empty, not absurdly large. */
const handedOverFile = v.pipe(
  v.instance(File),
  v.check((file) => file.size > 0, 'the image is empty'),
  v.check((file) => file.size <= MAX_HANDOVER_BYTES, 'the image is larger than a hand-over may be'),
  v.check((file) => file.name.length <= 1000, 'the file name is too long'),
);

const handOver = v.strictObject({
  id: shortText,
  file: handedOverFile,
  originalSize: count,
  width: v.pipe(count, v.maxValue(MAX_IMAGE_SIDE)),
  height: v.pipe(count, v.maxValue(MAX_IMAGE_SIDE)),
  destination: destinationChoice,
});

const pacingMode = v.picklist(['sequential', 'staggered', 'adaptive']);

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

const destination = v.object({
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

const queueItem = v.object({
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

const queuePlan = v.object({
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

const queueCommand = v.variant('kind', [
  v.strictObject({ kind: v.literal('pause') }),
  v.strictObject({ kind: v.literal('resume') }),
  v.strictObject({ kind: v.literal('cancel'), itemId: shortText }),
  v.strictObject({ kind: v.literal('cancel-all') }),
  v.strictObject({ kind: v.literal('retry'), itemId: shortText }),
  v.strictObject({ kind: v.literal('retry-failed') }),
]);

/** A message without data: `sendMessage(type, undefined)`. */
const noData = v.undefined();

/** Queue state flows only from the background to the extension's pages. */
const fromBackgroundToPages = { 'extension-page': ['background'] } as const;

const MESSAGE_RULES_EXACT = {
  'panel/claim': {
    // The only message a panel may send before it has claimed.
    accept: { background: ['unclaimed-panel', 'panel'] },
    data: v.strictObject({ token: shortText }),
  },
  'queue/add': { accept: { background: ['panel'] }, data: handOver },
  'queue/get': { accept: { background: ['panel', 'popup'] }, data: noData },
  'panel/open': {
    accept: { background: ['popup'] },
    data: v.strictObject({ tabId: count }),
  },
  'panel/close': { accept: { background: ['panel'] }, data: noData },
  'panel/unmount': { accept: { 'content-script': ['background'] }, data: noData },
  'queue/clear-finished': { accept: { background: ['panel', 'popup'] }, data: noData },
  'queue/control': { accept: { background: ['panel', 'popup'] }, data: queueCommand },
  // The panel asks the background, which asks the panel's tab's content script.
  'page/find-forms': { accept: { background: ['panel'], 'content-script': ['background'] }, data: noData },
  'page/highlight-form': {
    accept: { background: ['panel'], 'content-script': ['background'] },
    data: v.strictObject({ index: v.nullable(count) }),
  },
  'destination/test': { accept: { background: ['options'] }, data: destination },
  'queue/item-changed': { accept: fromBackgroundToPages, data: v.strictObject({ item: queueItem, plan: queuePlan }) },
  'queue/items-removed': { accept: fromBackgroundToPages, data: list(shortText) },
  'queue/plan-changed': { accept: fromBackgroundToPages, data: queuePlan },
  'queue/resync': { accept: fromBackgroundToPages, data: noData },
  // "Upload this image": the background asks the one frame the user right-clicked; its reply is
  // checked apart (isPageImageResult), since a web page's script could shape what the frame reads.
  'page/fetch-image': {
    accept: { 'content-script': ['background'] },
    data: v.strictObject({ url: v.pipe(v.string(), v.maxLength(MAX_IMAGE_URL_LENGTH)) }),
  },
  'page-images/take': { accept: { background: ['panel'] }, data: noData },
  'page-images/ready': { accept: fromBackgroundToPages, data: noData },
} satisfies RulesFor;

/**
 * `satisfies RulesFor` only checks that each schema's output fits the data
 * type; this checks it is exactly the data type, so a field added to a
 * payload type without its schema (or the reverse) fails `tsc`.
 */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** The messages whose schema output is not exactly their data type; `never` when all match. */
type MismatchedSchemas = {
  [K in keyof ProtocolMap]: Equals<v.InferOutput<(typeof MESSAGE_RULES_EXACT)[K]['data']>, DataOf<K>> extends true
    ? never
    : K;
}[keyof ProtocolMap];
/** A type error here names the message whose schema drifted from its data type. */
export const schemasMatchProtocol: [MismatchedSchemas] extends [never] ? true : `schema differs: ${MismatchedSchemas}` =
  true;

/** The rules as the guard reads them: one entry per message, its schema typed by the message's data. */
export const MESSAGE_RULES: RulesFor = MESSAGE_RULES_EXACT;
