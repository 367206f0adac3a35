import type { KeptOriginalReason } from '../compress/compress-image';
import type { QueueItem } from './types';

/**
 * A row in the panel: first a local draft (compressing, then handing over),
 * then the stored item the background reports on. One id for both, so the
 * row never jumps or doubles.
 */
export type DraftPhase = 'compressing' | 'handing-over' | 'held' | 'error';
export type RowStatus = DraftPhase | QueueItem['status'];

export interface PanelRow {
  id: string;
  name: string;
  originalSize: number;
  thumbnailUrl?: string;
  compressed?: { size: number; width: number; height: number; keptOriginal: boolean; note?: KeptOriginalReason };
  phase: DraftPhase;
  /** Compression progress, 0-1, while compressing. */
  progress?: number;
  error?: string;
  /** A file the user may still send: over the size cap ('held'), or the original of an image the browser cannot read. */
  sendable?: { file: File; width: number; height: number; action: 'send-anyway' | 'send-original' };
  item?: QueueItem;
}

export function rowStatus(row: PanelRow): RowStatus {
  return row.item?.status ?? row.phase;
}

/** Folds a stored item into the rows, keeping what only the panel knows (thumbnail). */
export function mergeItem(rows: readonly PanelRow[], item: QueueItem): PanelRow[] {
  const index = rows.findIndex((row) => row.id === item.id);
  if (index === -1) return [...rows, rowFromItem(item)];
  const next = rows.slice();
  next[index] = { ...(rows[index] as PanelRow), item };
  return next;
}

export function rowFromItem(item: QueueItem): PanelRow {
  return {
    id: item.id,
    name: item.name,
    originalSize: item.originalSize,
    compressed: {
      size: item.size,
      width: item.width,
      height: item.height,
      keptOriginal: item.size === item.originalSize,
    },
    phase: 'handing-over',
    item,
  };
}

export function updateRow(rows: readonly PanelRow[], id: string, patch: Partial<PanelRow>): PanelRow[] {
  return rows.map((row) => (row.id === id ? { ...row, ...patch } : row));
}
