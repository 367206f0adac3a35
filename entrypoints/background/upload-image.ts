import { browser } from 'wxt/browser';
import { sendMessage } from '@/utils/messages';
import { type PageImageResult, pageImageName } from '@/utils/page-images/fetch-image';
import type { PendingPageImages } from '@/utils/page-images/pending';
import { openPanelInTab } from './panel-injection';

export interface ImageClick {
  tabId: number;
  /** The frame that shows the image (0: the page itself). */
  frameId: number;
  srcUrl: string;
}

/**
 * "Upload this image": opens the panel in the tab, has the frame that shows
 * the image read it (only there are `blob:` URLs and the page's cookies
 * usable), and leaves it for the tab's panel, which adds it like a dropped
 * file. A failure becomes a named error row in that panel.
 */
export async function uploadImageFromPage(click: ImageClick, pending: Promise<PendingPageImages>): Promise<void> {
  await openPanelInTab(click.tabId, { keepOpenPanel: true });
  const result = await readImageInFrame(click);
  await (await pending).add(click.tabId, result);
  // The panel may not listen yet: it also takes what waits for its tab when it mounts.
  sendMessage('page-images/ready', undefined).catch(() => {});
}

async function readImageInFrame({ tabId, frameId, srcUrl }: ImageClick): Promise<PageImageResult> {
  const failed = (detail: string): PageImageResult => ({
    kind: 'error',
    code: 'fetch-failed',
    name: pageImageName(srcUrl, ''),
    detail,
  });
  try {
    await browser.scripting.executeScript({
      target: { tabId, frameIds: [frameId] },
      files: ['/content-scripts/image-fetch.js'],
    });
    const reply: unknown = await sendMessage('page/fetch-image', { url: srcUrl }, { tabId, frameId });
    return isPageImageResult(reply) ? reply : failed('the page sent no image back');
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  }
}

/** The frame's reply comes from a renderer that also runs the page: trust its shape only after checking it. */
export function isPageImageResult(reply: unknown): reply is PageImageResult {
  if (typeof reply !== 'object' || reply === null) return false;
  const candidate = reply as Record<string, unknown>;
  if (candidate.kind === 'file') {
    const file = candidate.file;
    return file instanceof File && file.size > 0 && file.type.startsWith('image/');
  }
  return (
    candidate.kind === 'error' &&
    ['fetch-failed', 'not-image', 'too-large'].includes(candidate.code as string) &&
    typeof candidate.name === 'string' &&
    typeof candidate.detail === 'string'
  );
}
