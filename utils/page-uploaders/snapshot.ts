import { type DestinationSnapshot, PAGE_UPLOADER_ID } from '../destinations/model';
import type { QueueItem } from '../queue/types';
import type { PageUploader } from './find';

/**
 * The snapshot a queued item keeps when it goes to the page's own uploader.
 * Its id names the tab and the uploader, so the pace (gap, hold, adaptive)
 * is kept per uploader; the request fields are unused: the page sends.
 */
export function snapshotFromPageUploader(uploader: PageUploader, tabId: number, pageUrl?: string): DestinationSnapshot {
  let origin = '';
  try {
    origin = pageUrl ? new URL(pageUrl).origin : '';
  } catch {
    origin = '';
  }
  return {
    id: pageUploaderId(tabId, uploader.index),
    name: uploader.label,
    url: origin ? `${origin}/` : '',
    method: 'POST',
    body: { kind: 'binary' },
    headers: [],
    sendCookies: false,
    reply: { url: '', thumbnailUrl: '', deletionUrl: '', errorMessage: '' },
    successStatuses: '2xx',
    pacing: null,
    // Bound to its tab like a page form: closing or leaving the page holds the batch by name (runner.pageGone).
    page: { kind: 'uploader' },
    pageUploader: { tabId, index: uploader.index, label: uploader.label },
  };
}

/** The pace key of one uploader in one tab. */
function pageUploaderId(tabId: number, index: number): string {
  return `${PAGE_UPLOADER_ID}:${tabId}:${index}`;
}

/**
 * An item of a page-uploader batch going on in another tab of the same site
 * ("Go on here"): it is handed to that tab's uploader, and paced with the
 * files added there (one key per uploader and tab).
 */
export function rebindPageUploader(item: QueueItem, tabId: number): Pick<QueueItem, 'destination' | 'destinationKey'> {
  const target = item.destination.pageUploader;
  if (!target) return { destination: item.destination, destinationKey: item.destinationKey };
  const id = pageUploaderId(tabId, target.index);
  return { destination: { ...item.destination, id, pageUploader: { ...target, tabId } }, destinationKey: id };
}
