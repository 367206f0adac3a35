import * as v from 'valibot';
import { count, MAX_HANDOVER_BYTES, MAX_IMAGE_URL_LENGTH, noData, type ReceiverRules, text } from './common';

/**
 * What our content scripts accept, and from whom: only the background. Kept
 * apart so a content script, which runs in every page, carries these few
 * schemas and none of the queue's.
 */

export const highlightFormData = v.strictObject({ index: v.nullable(count) });

/** The compressed image itself, as structured clone delivers it: a real File, not empty, not absurdly large. */
export const handedOverFile = v.pipe(
  v.instance(File),
  v.check((file) => file.size > 0, 'the image is empty'),
  v.check((file) => file.size <= MAX_HANDOVER_BYTES, 'the image is larger than a hand-over may be'),
  v.check((file) => file.name.length <= 1000, 'the file name is too long'),
);

export const CONTENT_SCRIPT_RULES = {
  'panel/unmount': { accept: { 'content-script': ['background'] }, data: noData },
  'page/find-forms': { accept: { 'content-script': ['background'] }, data: noData },
  'page/highlight-form': { accept: { 'content-script': ['background'] }, data: highlightFormData },
  // The page's own uploaders (issue 14). Only the background drives them; the panel chooses one through queue/add.
  'page/find-uploaders': { accept: { 'content-script': ['background'] }, data: noData },
  'page/highlight-uploader': { accept: { 'content-script': ['background'] }, data: highlightFormData },
  'page/watch-uploads': { accept: { 'content-script': ['background'] }, data: noData },
  'page/hand-to-uploader': {
    accept: { 'content-script': ['background'] },
    data: v.strictObject({
      label: text,
      index: count,
      file: handedOverFile,
      startWithinMs: v.pipe(count, v.maxValue(10 * 60_000)),
    }),
  },
  'page/stop-watching': { accept: { 'content-script': ['background'] }, data: noData },
  // "Upload this image": the background asks the one frame the user right-clicked; its reply is
  // checked apart (isPageImageResult), since a web page's script could shape what the frame reads.
  'page/fetch-image': {
    accept: { 'content-script': ['background'] },
    data: v.strictObject({ url: v.pipe(v.string(), v.maxLength(MAX_IMAGE_URL_LENGTH)) }),
  },
} as const satisfies ReceiverRules;
