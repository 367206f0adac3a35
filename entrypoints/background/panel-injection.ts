import { browser } from 'wxt/browser';

/**
 * Mounts the panel in one tab. Runs on a user gesture (popup button or
 * context menu), which grants `activeTab` for that tab: no host permission
 * is needed at install.
 */
export async function openPanelInTab(tabId: number): Promise<void> {
  await browser.scripting.executeScript({ target: { tabId }, files: ['/content-scripts/page.js'] });
}
