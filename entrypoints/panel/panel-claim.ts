import { sendMessage } from '@/utils/messages';
import { PANEL_TOKEN_MESSAGE } from '@/utils/panel-token';

/** The content script posts the token as soon as this document has loaded; a page-made frame never gets one. */
export const CLAIM_TIMEOUT_MS = 5000;

/**
 * Waits for a one-time token from the content script that framed this panel
 * and claims it with the background (see background/panel-claims.ts).
 * `onUnclaimed` runs when no token was claimed within `timeoutMs`; the panel
 * keeps listening, so a token that comes late still counts. `onClaimed` runs
 * once.
 *
 * The page the panel sits on can post to this window too: anything that is
 * not a valid token is simply not claimed.
 */
export function watchPanelClaim(
  {
    onClaimed,
    onUnclaimed,
  }: {
    /** `moves`: the port the content script tells of the frame's moves on (handed over with the token). */
    onClaimed(moves: MessagePort | undefined): void;
    onUnclaimed(): void;
  },
  timeoutMs = CLAIM_TIMEOUT_MS,
): void {
  let claimed = false;
  // The time limit is for a token to arrive: a worker that is still waking up may take a while to answer.
  let timer = setTimeout(onUnclaimed, timeoutMs);
  const claimFailed = () => {
    clearTimeout(timer);
    if (!claimed) timer = setTimeout(onUnclaimed, timeoutMs);
  };
  function onWindowMessage(event: MessageEvent) {
    // Our content script runs in the embedding page, so its messages come from the parent window.
    if (claimed || event.source !== window.parent || window.parent === window) return;
    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null) return;
    const { type, token } = data as { type?: unknown; token?: unknown };
    if (type !== PANEL_TOKEN_MESSAGE || typeof token !== 'string' || token === '') return;
    clearTimeout(timer);
    sendMessage('panel/claim', { token }).then((accepted) => {
      if (!accepted || claimed) return claimFailed();
      claimed = true;
      clearTimeout(timer);
      window.removeEventListener('message', onWindowMessage);
      onClaimed(event.ports[0]);
    }, claimFailed);
  }
  window.addEventListener('message', onWindowMessage);
}
