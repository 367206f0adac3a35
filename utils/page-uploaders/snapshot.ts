import { type DestinationSnapshot, PAGE_UPLOADER_ID } from '../destinations/model';
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
    id: `${PAGE_UPLOADER_ID}:${tabId}:${uploader.index}`,
    name: uploader.label,
    url: origin ? `${origin}/` : '',
    method: 'POST',
    body: { kind: 'binary' },
    headers: [],
    sendCookies: false,
    reply: { url: '', thumbnailUrl: '', deletionUrl: '', errorMessage: '' },
    successStatuses: '2xx',
    pacing: null,
    pageUploader: { tabId, index: uploader.index, label: uploader.label },
  };
}
