import { sendMessage } from '@/utils/messages';
import { PANEL_TOKEN_MESSAGE } from '../page.content/panel-token';

/** The content script posts the token as soon as this document has loaded; a page-made frame never gets one. */
export const CLAIM_TIMEOUT_MS = 5000;

/**
 * Waits for the one-time token from the content script that framed this panel
 * and claims it with the background (see background/panel-claims.ts). True
 * once claimed; false if no valid token came in time. Start it before the
 * document's load event, which is when the token is posted.
 *
 * The page the panel sits on can post to this window too: anything that is
 * not a valid token is simply not claimed, and the real token, which the page
 * cannot know, may still follow.
 */
export function claimThisPanel(timeoutMs = CLAIM_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (claimed: boolean) => {
      window.removeEventListener('message', onWindowMessage);
      clearTimeout(timer);
      resolve(claimed);
    };
    let timer = setTimeout(() => finish(false), timeoutMs);
    function onWindowMessage(event: MessageEvent) {
      // Our content script runs in the embedding page, so its messages come from the parent window.
      if (event.source !== window.parent || window.parent === window) return;
      const data: unknown = event.data;
      if (typeof data !== 'object' || data === null) return;
      const { type, token } = data as { type?: unknown; token?: unknown };
      if (type !== PANEL_TOKEN_MESSAGE || typeof token !== 'string' || token === '') return;
      // The time limit is for a token to arrive: a worker that is still waking up may take a while to answer.
      clearTimeout(timer);
      const claimFailed = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(false), timeoutMs);
      };
      sendMessage('panel/claim', { token }).then((claimed) => (claimed ? finish(true) : claimFailed()), claimFailed);
    }
    window.addEventListener('message', onWindowMessage);
  });
}
