import { browser } from 'wxt/browser';
import { PANEL_TOKEN_MESSAGE } from '@/utils/panel-token';

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
 * Posts the token into our panel iframe once its first document has loaded
 * (a reload gets none: its token is spent). Addressed to the extension's
 * origin, so if the page navigated the iframe elsewhere the browser drops
 * it; it never appears in the DOM, where the page could copy it. Call before
 * the iframe enters the page, so no load is missed.
 */
export function handTokenToPanel(iframe: HTMLIFrameElement, token: string | undefined): void {
  const panelOrigin = new URL(browser.runtime.getURL('/')).origin;
  iframe.addEventListener(
    'load',
    () => {
      if (token) iframe.contentWindow?.postMessage({ type: PANEL_TOKEN_MESSAGE, token }, panelOrigin);
    },
    { once: true },
  );
}
