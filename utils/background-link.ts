import { browser } from 'wxt/browser';

/** Port names are this, a colon, and the page's link id. */
export const PAGE_PORT_PREFIX = 'cadence-page';

/** What the background posts on each page's port. */
export interface LinkNews {
  /** Uploads or waiting originals are pending: a page whose port drops reconnects, which starts the worker again. */
  pending: boolean;
}

/** Soon enough that a stopped worker is back well within 5 s; the next tries wait longer. */
const FIRST_RECONNECT_MS = 250;
const MAX_RECONNECT_MS = 2_000;

export interface BackgroundLink {
  /** This page's id: the background tells live pages from gone ones by it (a waiting original's owner). */
  readonly id: string;
  /** Connect now if not connected (the page is about to give the background work). */
  ensure(): void;
  close(): void;
}

/**
 * Every Cadence page (panel, popup, options, offscreen) keeps a port to the
 * background. Chrome stops an idle service worker, or a stopped one stays
 * down until its alarm (30 s); a port's onDisconnect fires the moment the
 * worker goes, and connecting again starts it. So while work is pending an
 * open page brings a stopped worker back within a fraction of a second. With
 * nothing pending the page lets it sleep and connects again the next time
 * the background speaks or the page gives it work.
 */
export function linkToBackground(id: string = crypto.randomUUID()): BackgroundLink {
  let port: chrome.runtime.Port | undefined;
  let pending = false;
  let closed = false;
  let retryMs = FIRST_RECONNECT_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function connect() {
    if (closed || port) return;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    let opened: chrome.runtime.Port;
    try {
      opened = browser.runtime.connect({ name: `${PAGE_PORT_PREFIX}:${id}` });
    } catch {
      // The extension was reloaded or removed: this page is an orphan and has nobody to wake.
      closed = true;
      return;
    }
    port = opened;
    opened.onMessage.addListener((news: LinkNews) => {
      pending = news.pending === true;
      retryMs = FIRST_RECONNECT_MS;
    });
    opened.onDisconnect.addListener(() => {
      // Read, so Chrome does not log it as unchecked: the worker stopping is expected.
      void browser.runtime.lastError;
      port = undefined;
      if (closed || !pending) return;
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RECONNECT_MS);
    });
  }

  // Anything the background sends means it is running: be linked to it again.
  const onBackgroundSpoke = (_message: unknown, sender: chrome.runtime.MessageSender) => {
    if (sender.id === browser.runtime.id && sender.tab === undefined) connect();
    return undefined;
  };
  browser.runtime.onMessage.addListener(onBackgroundSpoke);
  connect();

  return {
    id,
    ensure: connect,
    close() {
      closed = true;
      clearTimeout(retryTimer);
      browser.runtime.onMessage.removeListener(onBackgroundSpoke);
      port?.disconnect();
      port = undefined;
    },
  };
}
