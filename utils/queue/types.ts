import type { DestinationSnapshot } from '../destinations/model';

/** The life of one queued image, as stored in IndexedDB and shown by the UI. */
export type ItemStatus = 'queued' | 'uploading' | 'done' | 'failed';

export interface QueueItem {
  /** Made by the panel, so its draft row and the stored row are the same row. */
  id: string;
  /** Order of hand-over; the queue uploads in this order. */
  seq: number;
  name: string;
  type: string;
  originalSize: number;
  size: number;
  width: number;
  height: number;
  /** Snapshot of the destination when the item was handed over: later edits do not change queued items. */
  destination: DestinationSnapshot;
  /** The same for every attempt, so a server can drop a repeat. */
  idempotencyKey: string;
  status: ItemStatus;
  attempts: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  httpStatus?: number;
  resultUrl?: string;
  thumbnailUrl?: string;
  deletionUrl?: string;
  error?: string;
}

/** What the UI needs to draw a batch: every item and when the next one starts. */
export interface QueueSnapshot {
  items: QueueItem[];
  /** Absolute time (ms since epoch) of the next planned start, or null. */
  nextStartAt: number | null;
}

export interface QueueCounts {
  queued: number;
  uploading: number;
  done: number;
  failed: number;
}

export function countByStatus(items: readonly Pick<QueueItem, 'status'>[]): QueueCounts {
  const counts: QueueCounts = { queued: 0, uploading: 0, done: 0, failed: 0 };
  for (const item of items) counts[item.status] += 1;
  return counts;
}
