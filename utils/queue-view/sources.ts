import { countByStatus, type PageGone, type QueueCounts, type QueueItem } from '../queue/types';
import { bytesSaved } from './row-chip';

/** One page's batch, as the popup lists it. */
export interface SourceGroup {
  /** Stable across updates: the tab, else the origin, else "unknown". */
  key: string;
  tabId?: number;
  origin?: string;
  title?: string;
  counts: QueueCounts;
  /** Items in the batch, cancelled ones left out. */
  total: number;
  savedBytes: number;
  /** Names of the items uploading now. */
  uploading: string[];
  /** Items held because the page they go through was closed or left, by destination (its name) and why. */
  waitingForPage: { destination: string; why: PageGone; count: number }[];
}

/**
 * Groups items by the tab and page they were handed over from, in the order
 * each page's first item was: every batch across all tabs at a glance.
 * The title is the latest one seen (a tab's title can change).
 */
export function groupBySource(items: readonly QueueItem[]): SourceGroup[] {
  const groups = new Map<string, { group: Omit<SourceGroup, 'counts' | 'total' | 'savedBytes'>; items: QueueItem[] }>();
  const ordered = [...items].sort((a, b) => a.seq - b.seq);
  for (const item of ordered) {
    const source = item.source;
    const key =
      source?.tabId !== undefined
        ? `tab:${source.tabId}:${source.origin ?? ''}`
        : source?.origin
          ? `origin:${source.origin}`
          : 'unknown';
    let entry = groups.get(key);
    if (!entry) {
      entry = {
        group: { key, tabId: source?.tabId, origin: source?.origin, uploading: [], waitingForPage: [] },
        items: [],
      };
      groups.set(key, entry);
    }
    if (source?.title) entry.group.title = source.title;
    if (item.status === 'uploading') entry.group.uploading.push(item.name);
    if (item.status === 'queued' && item.pageGone) {
      const { name } = item.destination;
      const held = entry.group.waitingForPage.find((one) => one.destination === name && one.why === item.pageGone);
      if (held) held.count += 1;
      else entry.group.waitingForPage.push({ destination: name, why: item.pageGone, count: 1 });
    }
    entry.items.push(item);
  }
  return [...groups.values()].map(({ group, items: grouped }) => {
    const counts = countByStatus(grouped);
    const handedOver = grouped.filter((item) => item.status !== 'cancelled');
    return { ...group, counts, total: handedOver.length, savedBytes: bytesSaved(handedOver) };
  });
}
