import { browser } from 'wxt/browser';
import { issuePanelToken } from './panel-claims';

/**
 * Mounts the panel in one tab. Runs on a user gesture (popup button or
 * context menu), which grants `activeTab` for that tab: no host permission
 * is needed at install. The panel's one-time token (panel-claims.ts) goes
 * into the content script's isolated world first, where the page cannot
 * read it; the content script takes it from there.
 */
export async function openPanelInTab(tabId: number): Promise<void> {
  const token = await issuePanelToken(tabId);
  await browser.scripting.executeScript({
    target: { tabId },
    func: (panelToken: string) => {
      (globalThis as { cadencePanelToken?: string }).cadencePanelToken = panelToken;
    },
    args: [token],
  });
  await browser.scripting.executeScript({ target: { tabId }, files: ['/content-scripts/page.js'] });
}
