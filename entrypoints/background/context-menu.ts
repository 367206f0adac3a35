import { browser } from 'wxt/browser';
import { loadLanguage, t } from '@/utils/i18n';
import { openPanelInTab } from './panel-injection';
import type { ImageClick } from './upload-image';

/** The one Cadence entry in the context menu; the items below sit under it. */
export const CADENCE_MENU = 'cadence';
export const UPLOAD_HERE_MENU = 'cadence-upload-here';
export const UPLOAD_IMAGE_MENU = 'cadence-upload-image';
/**
 * Web pages only: the panel cannot open on extension or browser pages, and
 * the panel's own thumbnails (an extension frame) are not page images.
 */
const WEB_PAGES = ['http://*/*', 'https://*/*'];

/**
 * "Upload here" on pages and frames, "Upload this image" on images, both
 * under one Cadence parent. Menus persist, so this runs on install and
 * update, and again when the options change the language (the titles).
 */
export function createContextMenus(): Promise<void> {
  // One at a time: two quick language changes would otherwise create each id twice.
  makingMenus = makingMenus.then(makeMenus, makeMenus);
  return makingMenus;
}
let makingMenus: Promise<void> = Promise.resolve();

async function makeMenus(): Promise<void> {
  await browser.contextMenus.removeAll();
  await loadLanguage();
  browser.contextMenus.create({
    id: CADENCE_MENU,
    title: t('extName'),
    contexts: ['page', 'frame', 'image'],
    documentUrlPatterns: WEB_PAGES,
  });
  browser.contextMenus.create({
    id: UPLOAD_HERE_MENU,
    parentId: CADENCE_MENU,
    title: t('menuUploadHere'),
    contexts: ['page', 'frame'],
    documentUrlPatterns: WEB_PAGES,
  });
  browser.contextMenus.create({
    id: UPLOAD_IMAGE_MENU,
    parentId: CADENCE_MENU,
    title: t('menuUploadImage'),
    contexts: ['image'],
    documentUrlPatterns: WEB_PAGES,
  });
}

/**
 * The click is the user gesture that grants `activeTab` for that tab: the
 * panel is injected there and nowhere else. A click in a frame opens the
 * panel on the tab's page; an image is read in the frame that shows it.
 */
export async function onContextMenuClick(
  info: Pick<chrome.contextMenus.OnClickData, 'menuItemId' | 'srcUrl' | 'frameId'>,
  tab: Pick<chrome.tabs.Tab, 'id'> | undefined,
  uploadImage: (click: ImageClick) => Promise<void>,
): Promise<void> {
  if (tab?.id === undefined) return;
  if (info.menuItemId === UPLOAD_HERE_MENU) await openPanelInTab(tab.id);
  else if (info.menuItemId === UPLOAD_IMAGE_MENU && info.srcUrl) {
    await uploadImage({ tabId: tab.id, frameId: info.frameId ?? 0, srcUrl: info.srcUrl });
  }
}
