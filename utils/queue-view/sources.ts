import { countByStatus, type QueueCounts, type QueueItem } from '../queue/types';
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
      entry = { group: { key, tabId: source?.tabId, origin: source?.origin, uploading: [] }, items: [] };
      groups.set(key, entry);
    }
    if (source?.title) entry.group.title = source.title;
    if (item.status === 'uploading') entry.group.uploading.push(item.name);
    entry.items.push(item);
  }
  return [...groups.values()].map(({ group, items: grouped }) => {
    const counts = countByStatus(grouped);
    const handedOver = grouped.filter((item) => item.status !== 'cancelled');
    return { ...group, counts, total: handedOver.length, savedBytes: bytesSaved(handedOver) };
  });
}
