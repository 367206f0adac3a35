import * as v from 'valibot';
import { OUTPUT_FORMATS, PHOTOS_AS, TRANSPARENT_AS } from '../compress/presets';
import { destinationSchema } from '../destinations/schema';
import { count, list, MAX_IMAGE_SIDE, noData, type ReceiverRules, shortText, text } from './common';
import { handedOverFile, highlightFormData } from './content-script';

/** What the service worker accepts, and from which of the extension's own contexts. */

const formPart = v.union([
  v.strictObject({ name: text, value: text }),
  v.strictObject({
    name: text,
    file: v.strictObject({ input: count, multiple: v.boolean(), accept: text }),
  }),
]);

const pageForm = v.strictObject({
  index: count,
  label: text,
  action: text,
  method: shortText,
  enctype: shortText,
  charset: shortText,
  fileField: text,
  fileInput: count,
  parts: list(formPart),
  fillable: list(
    v.strictObject({
      part: count,
      label: text,
      kind: v.picklist(['text', 'textarea', 'select']),
      options: list(v.strictObject({ value: text, label: text })),
      required: v.boolean(),
    }),
  ),
});

const pageUploader = v.strictObject({
  index: count,
  label: text,
  way: v.picklist(['input', 'drop']),
  library: v.optional(text),
  inFrame: v.boolean(),
  multiple: v.boolean(),
});

const destinationChoice = v.variant('kind', [
  v.strictObject({ kind: v.literal('saved'), id: shortText }),
  v.strictObject({ kind: v.literal('page-form'), form: pageForm }),
  v.strictObject({ kind: v.literal('page-uploader'), uploader: pageUploader }),
]);

/**
 * What the content script says became of a file handed to the page's
 * uploader (follow-upload.ts): checked by the background before it is believed.
 */
export const pageUploadOutcome = v.variant('kind', [
  v.strictObject({ kind: v.literal('uploaded'), status: count, link: v.optional(text), excerpt: text }),
  v.strictObject({
    kind: v.literal('failed'),
    reason: v.picklist(['http', 'network', 'page-error']),
    status: v.optional(count),
    message: text,
    excerpt: text,
  }),
  v.strictObject({ kind: v.literal('not-started') }),
]);

const handOver = v.strictObject({
  id: shortText,
  file: handedOverFile,
  originalSize: count,
  width: v.pipe(count, v.maxValue(MAX_IMAGE_SIDE)),
  height: v.pipe(count, v.maxValue(MAX_IMAGE_SIDE)),
  destination: destinationChoice,
});

const imageSide = v.pipe(count, v.maxValue(MAX_IMAGE_SIDE));

const compressionPlan = v.variant('kind', [
  v.strictObject({ kind: v.literal('original'), keepMetadata: v.boolean() }),
  v.strictObject({
    kind: v.literal('compress'),
    keepMetadata: v.boolean(),
    transparentAs: v.picklist(TRANSPARENT_AS),
    photosAs: v.exactOptional(v.picklist(PHOTOS_AS)),
    maxSide: v.pipe(count, v.minValue(1), v.maxValue(MAX_IMAGE_SIDE)),
    maxBytes: v.pipe(count, v.minValue(1)),
    format: v.picklist(OUTPUT_FORMATS),
    quality: v.pipe(v.number(), v.minValue(0.01), v.maxValue(1)),
    ssimTarget: v.exactOptional(v.pipe(v.number(), v.minValue(0.5), v.maxValue(1))),
  }),
]);

const originalHandOver = v.strictObject({
  id: shortText,
  file: handedOverFile,
  plan: compressionPlan,
  destination: destinationChoice,
  owner: shortText,
});

const compressedHandOver = v.strictObject({ id: shortText, file: handedOverFile, width: imageSide, height: imageSide });

const queueCommand = v.variant('kind', [
  v.strictObject({ kind: v.literal('pause') }),
  v.strictObject({ kind: v.literal('resume') }),
  v.strictObject({ kind: v.literal('cancel'), itemId: shortText }),
  v.strictObject({ kind: v.literal('cancel-all') }),
  v.strictObject({ kind: v.literal('retry'), itemId: shortText }),
  v.strictObject({ kind: v.literal('retry-failed') }),
  v.strictObject({ kind: v.literal('go-on-here') }),
  v.strictObject({ kind: v.literal('send-again'), itemId: shortText }),
]);

export const BACKGROUND_RULES = {
  'panel/claim': {
    // The only message a panel may send before it has claimed.
    accept: { background: ['unclaimed-panel', 'panel'] },
    data: v.strictObject({ token: shortText }),
  },
  'queue/add': { accept: { background: ['panel'] }, data: handOver },
  'queue/add-original': { accept: { background: ['panel'] }, data: originalHandOver },
  'queue/add-compressed': { accept: { background: ['panel', 'offscreen'] }, data: compressedHandOver },
  'queue/drop-original': { accept: { background: ['panel'] }, data: v.strictObject({ id: shortText }) },
  'originals/claim': { accept: { background: ['offscreen'] }, data: v.strictObject({ owner: shortText }) },
  'originals/not-compressed': {
    accept: { background: ['offscreen'] },
    data: v.strictObject({
      id: shortText,
      problem: v.picklist(['over-cap', 'unreadable']),
      file: v.optional(handedOverFile),
      width: imageSide,
      height: imageSide,
      detail: text,
    }),
  },
  'queue/get': { accept: { background: ['panel', 'popup'] }, data: noData },
  'panel/open': {
    accept: { background: ['popup'] },
    data: v.strictObject({ tabId: count }),
  },
  'panel/close': { accept: { background: ['panel'] }, data: noData },
  // The options page has the same button beside its storage line (StorageSection).
  'queue/clear-finished': { accept: { background: ['panel', 'popup', 'options'] }, data: noData },
  'queue/control': { accept: { background: ['panel', 'popup'] }, data: queueCommand },
  // The panel asks the background, which asks the panel's tab's content script.
  'page/find-forms': { accept: { background: ['panel'] }, data: noData },
  'page/highlight-form': { accept: { background: ['panel'] }, data: highlightFormData },
  'page/find-uploaders': { accept: { background: ['panel'] }, data: noData },
  'page/highlight-uploader': { accept: { background: ['panel'] }, data: highlightFormData },
  'destination/test': { accept: { background: ['options'] }, data: destinationSchema },
  'ledger/list': {
    accept: { background: ['options'] },
    data: v.strictObject({ text, limit: v.pipe(count, v.minValue(1), v.maxValue(1000)) }),
  },
  'ledger/clear': { accept: { background: ['options'] }, data: noData },
  'ledger/delete-from-host': { accept: { background: ['options'] }, data: v.strictObject({ id: shortText }) },
  'page-images/take': { accept: { background: ['panel'] }, data: noData },
} as const satisfies ReceiverRules;
