import { browser } from 'wxt/browser';
import { openPanelInTab } from './panel-injection';

export const UPLOAD_HERE_MENU = 'cadence-upload-here';

/** "Upload here" on pages and frames. Menus persist, so this runs on install and update only. */
export function createContextMenus(): void {
  browser.contextMenus.create({
    id: UPLOAD_HERE_MENU,
    title: browser.i18n.getMessage('menuUploadHere'),
    contexts: ['page', 'frame'],
  });
}

/**
 * The click is the user gesture that grants `activeTab` for that tab: the
 * panel is injected there and nowhere else. A click in a frame opens the
 * panel on the tab's page.
 */
export async function onContextMenuClick(
  info: Pick<chrome.contextMenus.OnClickData, 'menuItemId'>,
  tab: Pick<chrome.tabs.Tab, 'id'> | undefined,
): Promise<void> {
  if (info.menuItemId === UPLOAD_HERE_MENU && tab?.id !== undefined) await openPanelInTab(tab.id);
}
