import * as v from 'valibot';
import { count, list, shortText, text } from '../bounded-schemas';
import { PHOTOS_AS, TRANSPARENT_AS } from '../compress/presets';
import { storedPaceSchema } from '../pacing/pace';
import { HTTP_METHODS, MAX_TUS_CHUNK_BYTES, MIN_TUS_CHUNK_BYTES } from './model';
import { s3SettingsSchema } from './s3-settings';

/**
 * The shape of a destination (model.ts), one schema for every place one
 * arrives from outside the code: a message (utils/message-rules/), a queued
 * item read back, the settings file (utils/settings-transfer.ts). Shape only:
 * whether it would work is `validateDestination`'s question.
 *
 * Not strict: a destination stored by an earlier version may carry a field
 * this one dropped; unknown keys are left out of the parsed data.
 */

export const nameValueSchema = v.object({ name: text, value: text });

export const destinationBodySchema = v.variant('kind', [
  v.object({
    kind: v.literal('multipart'),
    fileField: text,
    fields: list(nameValueSchema),
    // A page form's order and its empty file inputs (model.ts DestinationBody).
    fileAt: v.optional(count),
    emptyFileFields: v.optional(list(v.object({ name: text, at: count }))),
  }),
  v.object({ kind: v.literal('binary') }),
  v.object({ kind: v.literal('json'), template: text }),
  v.object({ kind: v.literal('form-urlencoded'), fields: list(nameValueSchema) }),
]);

/** DestinationTransport (model.ts); i16-s3 adds the 's3-multipart' variant. */
export const destinationTransportSchema = v.variant('kind', [
  v.object({ kind: v.literal('post') }),
  v.object({
    kind: v.literal('tus'),
    chunkBytes: v.pipe(count, v.minValue(MIN_TUS_CHUNK_BYTES), v.maxValue(MAX_TUS_CHUNK_BYTES)),
  }),
  v.object({ kind: v.literal('ietf-resumable') }),
  s3SettingsSchema,
]);

const destinationSpecEntries = {
  url: text,
  method: v.picklist(HTTP_METHODS),
  body: destinationBodySchema,
  headers: list(nameValueSchema),
  tokenRequest: v.optional(v.object({ url: text, token: text })),
  sendCookies: v.boolean(),
  reply: v.object({ url: text, thumbnailUrl: text, deletionUrl: text, errorMessage: text }),
  rateLimit: v.optional(v.object({ headerPrefix: shortText, bodyPattern: text })),
  successStatuses: text,
  fileNameTemplate: v.optional(text),
  transport: v.optional(destinationTransportSchema),
};

/** A saved destination (`Destination`). */
export const destinationSchema = v.object({
  ...destinationSpecEntries,
  id: shortText,
  name: text,
  pacing: v.nullable(storedPaceSchema),
  compressionPresetId: v.nullable(shortText),
  transparentAs: v.picklist(TRANSPARENT_AS),
  photosAs: v.exactOptional(v.picklist(PHOTOS_AS)),
});

/** What a queued item keeps of its destination (`DestinationSnapshot`). */
export const destinationSnapshotSchema = v.object({
  ...destinationSpecEntries,
  id: shortText,
  name: text,
  pacing: v.optional(v.nullable(storedPaceSchema)),
  page: v.optional(v.object({ kind: v.picklist(['form', 'uploader']) })),
  pageUploader: v.optional(v.object({ tabId: count, index: count, label: text })),
});

/** The request and reply part alone, nothing else (a ready-made host's destination, hosts/preset.ts). */
export const destinationSpecSchema = v.strictObject(destinationSpecEntries);
