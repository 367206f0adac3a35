import * as v from 'valibot';
import { count, MAX_IMAGE_URL_LENGTH, noData, type ReceiverRules } from './common';

/**
 * What our content scripts accept, and from whom: only the background. Kept
 * apart so a content script, which runs in every page, carries these few
 * schemas and none of the queue's.
 */

export const highlightFormData = v.strictObject({ index: v.nullable(count) });

export const CONTENT_SCRIPT_RULES = {
  'panel/unmount': { accept: { 'content-script': ['background'] }, data: noData },
  'page/find-forms': { accept: { 'content-script': ['background'] }, data: noData },
  'page/highlight-form': { accept: { 'content-script': ['background'] }, data: highlightFormData },
  // "Upload this image": the background asks the one frame the user right-clicked; its reply is
  // checked apart (isPageImageResult), since a web page's script could shape what the frame reads.
  'page/fetch-image': {
    accept: { 'content-script': ['background'] },
    data: v.strictObject({ url: v.pipe(v.string(), v.maxLength(MAX_IMAGE_URL_LENGTH)) }),
  },
} as const satisfies ReceiverRules;
