import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { claimPanel, isClaimedPanel, issuePanelToken, TOKEN_LIFETIME_MS } from '@/entrypoints/background/panel-claims';

type Sender = chrome.runtime.MessageSender;
const panelIn = (tabId: number, documentId: string | undefined, frameId = 5): Sender => ({
  id: 'cadence',
  url: 'chrome-extension://cadence/panel.html',
  tab: { id: tabId } as chrome.tabs.Tab,
  frameId,
  documentId,
});

describe('the panel one-time token', () => {
  beforeEach(() => fakeBrowser.reset());

  it('claims once: the panel it was issued for is claimed, a copy of the token claims nothing', async () => {
    const token = await issuePanelToken(3, 1000);
    const real = panelIn(3, 'real-panel');
    const copy = panelIn(3, 'page-made-frame', 9);
    expect(await isClaimedPanel(real)).toBe(false);
    expect(await claimPanel(token, real, 1001)).toBe(true);
    expect(await claimPanel(token, copy, 1002)).toBe(false);
    expect(await isClaimedPanel(real)).toBe(true);
    expect(await isClaimedPanel(copy)).toBe(false);
  });

  it('two claims of one token at the same moment: exactly one wins', async () => {
    const token = await issuePanelToken(3, 1000);
    const results = await Promise.all([
      claimPanel(token, panelIn(3, 'first'), 1001),
      claimPanel(token, panelIn(3, 'second', 6), 1001),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it.each([
    { case: 'another tab', sender: panelIn(4, 'doc'), at: 1001 },
    { case: 'after it expired', sender: panelIn(3, 'doc'), at: 1000 + TOKEN_LIFETIME_MS },
    { case: 'a sender without a document id', sender: panelIn(3, undefined), at: 1001 },
  ])('refuses a claim from $case, and the token is spent', async ({ sender, at }) => {
    const token = await issuePanelToken(3, 1000);
    expect(await claimPanel(token, sender, at)).toBe(false);
    expect(await claimPanel(token, panelIn(3, 'real'), 1002)).toBe(false);
  });

  it('refuses a token it never issued', async () => {
    await issuePanelToken(3, 1000);
    expect(await claimPanel('guessed', panelIn(3, 'doc'), 1001)).toBe(false);
    expect(await claimPanel('__proto__', panelIn(3, 'doc'), 1001)).toBe(false);
  });

  it('a claimed document counts only in the tab and frame it claimed from', async () => {
    const token = await issuePanelToken(3, 1000);
    await claimPanel(token, panelIn(3, 'doc', 5), 1001);
    expect(await isClaimedPanel(panelIn(3, 'doc', 5))).toBe(true);
    expect(await isClaimedPanel(panelIn(3, 'doc', 6))).toBe(false);
    expect(await isClaimedPanel(panelIn(8, 'doc', 5))).toBe(false);
  });

  it('outlives the service worker: tokens and claims are in session storage', async () => {
    const token = await issuePanelToken(3, 1000);
    await claimPanel(token, panelIn(3, 'doc'), 1001);
    const stored = await fakeBrowser.storage.session.get(['panelTokens', 'panelClaims']);
    expect(stored.panelTokens).toEqual({});
    expect(stored.panelClaims).toEqual({ doc: { tabId: 3, frameId: 5 } });
  });
});
