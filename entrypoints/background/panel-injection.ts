import { browser } from 'wxt/browser';
import { issuePanelToken } from './panel-claims';

/**
 * Mounts the panel in one tab. Runs on a user gesture (popup button or
 * context menu), which grants `activeTab` for that tab: no host permission
 * is needed at install. The panel's one-time token (panel-claims.ts) goes
 * into the content script's isolated world first, where the page cannot
 * read it; the content script takes it from there.
 */
export async function openPanelInTab(tabId: number, { keepOpenPanel = false } = {}): Promise<void> {
  // Injecting again replaces the panel (and whatever exists only there: images
  // still compressing, held rows). "Upload this image" only needs one open.
  if (keepOpenPanel && (await hasOpenPanel(tabId))) return;
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

/** Whether the tab shows a panel this extension mounted (its content script's state, in the isolated world). */
async function hasOpenPanel(tabId: number): Promise<boolean> {
  const [probe] = await browser.scripting.executeScript({
    target: { tabId },
    func: () =>
      (globalThis as { cadencePanel?: unknown }).cadencePanel !== undefined &&
      document.querySelector('[data-cadence-panel]') !== null,
  });
  return probe?.result === true;
}
