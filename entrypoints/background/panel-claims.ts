import { storage } from 'wxt/utils/storage';

/**
 * panel.html is a web-accessible resource (the content script frames it into
 * the page), so any web page can frame it too, hidden or disguised, and get
 * the user's clicks on it. A panel counts only once it claims the one-time
 * token the background made when the user opened Cadence on that tab:
 *
 * 1. `issuePanelToken(tabId)` at injection (popup button, context menu);
 *    the token goes into the content script's isolated world, never the DOM.
 * 2. The content script posts it into its own iframe, addressed to the
 *    extension's origin, so only our panel document in our iframe gets it.
 * 3. The panel sends `panel/claim`; `claimPanel` accepts a token once, within
 *    `TOKEN_LIFETIME_MS`, from a panel in the same tab, and remembers that
 *    document (`sender.documentId`) as a claimed panel.
 *
 * The WAR has `use_dynamic_url`, so a page cannot frame panel.html before it
 * sees our iframe; one that copies the iframe's src gets a panel without a
 * token (it is never in the DOM), and a token it guessed or replayed claims
 * nothing. A reloaded panel is a new document whose token is spent: it
 * shows the refusal until Cadence is opened on the page again, which mounts
 * a new panel with a new token.
 * Kept in session storage: the service worker stops when idle and forgets its
 * globals, and session storage is out of content scripts' reach.
 */

/** The content script posts the token within moments of injection; an unused one expires. */
export const TOKEN_LIFETIME_MS = 60_000;
/** Claims kept per browser session; the oldest go first (a tab rarely holds more than one). */
const MAX_CLAIMS = 100;

interface IssuedToken {
  tabId: number;
  expiresAt: number;
}

interface PanelClaim {
  tabId: number;
  frameId: number;
}

const tokensItem = storage.defineItem<Record<string, IssuedToken>>('session:panelTokens', { fallback: {} });
const claimsItem = storage.defineItem<Record<string, PanelClaim>>('session:panelClaims', { fallback: {} });

// Read-modify-write of session storage: one at a time, so two claims of one token cannot both see it unspent.
let serial: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const run = serial.then(task, task);
  serial = run.catch(() => {});
  return run;
}

export function issuePanelToken(tabId: number, now = Date.now()): Promise<string> {
  return oneAtATime(async () => {
    const token = crypto.randomUUID();
    const tokens = await tokensItem.getValue();
    const live = Object.fromEntries(Object.entries(tokens).filter(([, issued]) => issued.expiresAt > now));
    await tokensItem.setValue({ ...live, [token]: { tabId, expiresAt: now + TOKEN_LIFETIME_MS } });
    return token;
  });
}

/** Spends `token` for the sending panel document; false when it is unknown, spent, expired or for another tab. */
export function claimPanel(token: string, sender: chrome.runtime.MessageSender, now = Date.now()): Promise<boolean> {
  return oneAtATime(async () => {
    const tokens = await tokensItem.getValue();
    const issued = Object.hasOwn(tokens, token) ? tokens[token] : undefined;
    if (!issued) return false;
    const { [token]: _spent, ...rest } = tokens;
    await tokensItem.setValue(rest);
    const tabId = sender.tab?.id;
    if (issued.expiresAt <= now || tabId !== issued.tabId || !sender.documentId || sender.frameId === undefined) {
      return false;
    }
    const claims = Object.entries(await claimsItem.getValue()).slice(-(MAX_CLAIMS - 1));
    await claimsItem.setValue(Object.fromEntries([...claims, [sender.documentId, { tabId, frameId: sender.frameId }]]));
    return true;
  });
}

/** True for a panel document that claimed a token, in the tab and frame it claimed from. */
export async function isClaimedPanel(sender: chrome.runtime.MessageSender): Promise<boolean> {
  if (!sender.documentId) return false;
  const claims = await claimsItem.getValue();
  const claim = Object.hasOwn(claims, sender.documentId) ? claims[sender.documentId] : undefined;
  return claim !== undefined && claim.tabId === sender.tab?.id && claim.frameId === sender.frameId;
}
