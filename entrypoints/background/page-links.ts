import { browser } from 'wxt/browser';
import { type LinkNews, PAGE_PORT_PREFIX } from '@/utils/background-link';

/**
 * The ports Cadence pages keep to the worker (utils/background-link.ts): who
 * is alive, so a waiting original whose page went away is compressed
 * elsewhere; and the one bit each page needs to bring a stopped worker back,
 * whether work is pending.
 */
export function createPageLinks(onPageGone: (id: string) => void) {
  const live = new Map<string, Set<chrome.runtime.Port>>();
  let pending = false;
  const extensionBase = browser.runtime.getURL('/');

  browser.runtime.onConnect.addListener((port) => {
    const [prefix, id] = port.name.split(':');
    // Only the extension's own pages: a content script runs in a web page and has no say here.
    const fromOwnPage = port.sender?.id === browser.runtime.id && port.sender.url?.startsWith(extensionBase);
    if (prefix !== PAGE_PORT_PREFIX || !id || !fromOwnPage) {
      port.disconnect();
      return;
    }
    const ports = live.get(id) ?? new Set();
    ports.add(port);
    live.set(id, ports);
    port.postMessage({ pending } satisfies LinkNews);
    port.onDisconnect.addListener(() => {
      ports.delete(port);
      if (ports.size > 0) return;
      live.delete(id);
      onPageGone(id);
    });
  });

  return {
    isLive: (id: string): boolean => live.has(id),
    setPending(next: boolean): void {
      if (next === pending) return;
      pending = next;
      for (const ports of live.values()) for (const port of ports) port.postMessage({ pending } satisfies LinkNews);
    },
  };
}
