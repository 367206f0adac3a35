import { browser } from 'wxt/browser';
import { PANEL_TOKEN_MESSAGE } from '@/utils/panel-token';

/** Posted on the port handed over with the token: the panel's frame moved on the page just now. */
export const PANEL_MOVED_MESSAGE = 'cadence/panel-moved';

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
 * (a reload gets none: its token is spent), with a MessagePort the content
 * script keeps the other end of (`port`: it tells the panel when its frame
 * moved, see move-watch.ts). Addressed to the extension's origin, so if the
 * page navigated the iframe elsewhere the browser drops it; neither ever
 * appears in the DOM, where the page could copy them. Call before the
 * iframe enters the page, so no load is missed.
 */
export function handTokenToPanel(iframe: HTMLIFrameElement, token: string | undefined): MessagePort {
  const panelOrigin = new URL(browser.runtime.getURL('/')).origin;
  const channel = new MessageChannel();
  iframe.addEventListener(
    'load',
    () => {
      if (token) {
        iframe.contentWindow?.postMessage({ type: PANEL_TOKEN_MESSAGE, token }, panelOrigin, [channel.port2]);
      }
    },
    { once: true },
  );
  return channel.port1;
}
