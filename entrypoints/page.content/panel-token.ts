import { browser } from 'wxt/browser';

/** The `type` of the one message the content script posts into its panel iframe. */
export const PANEL_TOKEN_MESSAGE = 'cadence/panel-token';

/**
 * The one-time token the background put into this isolated world just before
 * injecting the content script (panel-injection.ts). Taken once: a later
 * injection brings its own.
 */
export function takePanelToken(): string | undefined {
  const scope = globalThis as { cadencePanelToken?: string };
  const token = scope.cadencePanelToken;
  delete scope.cadencePanelToken;
  return token;
}

/**
 * Posts the token into the panel once its document has loaded. Addressed to
 * the extension's origin, so if the page navigated the iframe elsewhere the
 * browser drops it, and it never appears in the DOM, where the page could
 * copy it. Call before the iframe enters the page, so no load is missed.
 */
export function handTokenToPanel(iframe: HTMLIFrameElement, token: string | undefined): void {
  const panelOrigin = new URL(browser.runtime.getURL('/')).origin;
  iframe.addEventListener('load', () => {
    iframe.contentWindow?.postMessage({ type: PANEL_TOKEN_MESSAGE, token: token ?? '' }, panelOrigin);
  });
}
