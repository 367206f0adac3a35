import { storage } from 'wxt/utils/storage';

/**
 * Only a panel that claims the one-time token made when the user opened
 * Cadence on its tab counts, since any web page can frame panel.html. Kept in
 * session storage: it outlives the idle service worker and content scripts
 * cannot read it. The whole model: docs/security.md, "The panel's claim token".
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
