import { secondsUntil } from '../format';
import { type PanelRow, rowStatus } from './panel-rows';

/** The number a row's status chip shows beside its status, when it has one. */
export type ChipDetail =
  /** Compressing: how far, 0-100. */
  | { kind: 'percent'; value: number }
  /** Waiting, and the next to start: whole seconds to its start. */
  | { kind: 'starts-in'; seconds: number }
  /** Uploading: whole seconds since the request started, ticking. */
  | { kind: 'elapsed'; seconds: number };

/**
 * `nextStartAt` is the plan's next start when this row is the item it is for,
 * else null. Only rows that show a ticking number need `now` to move, so only
 * they re-render every tick (see `chipTicks`).
 */
export function chipDetail(row: PanelRow, nextStartAt: number | null, now: number): ChipDetail | undefined {
  const status = rowStatus(row);
  if (status === 'compressing') return { kind: 'percent', value: Math.round((row.progress ?? 0) * 100) };
  if (status === 'queued' && nextStartAt !== null && nextStartAt > now) {
    return { kind: 'starts-in', seconds: secondsUntil(nextStartAt, now) };
  }
  const startedAt = row.item?.startedAt;
  if (status === 'uploading' && startedAt !== undefined) {
    return { kind: 'elapsed', seconds: Math.max(0, Math.floor((now - startedAt) / 1000)) };
  }
  return undefined;
}

/** Whether the row's chip changes with the clock: the only rows that run a timer. */
export function chipTicks(row: PanelRow, nextStartAt: number | null): boolean {
  const status = rowStatus(row);
  return (status === 'queued' && (nextStartAt !== null || row.item?.retryAt !== undefined)) || status === 'uploading';
}

/** Whole percent saved by compression; undefined when nothing was saved. */
export function percentSaved(originalSize: number, compressedSize: number): number | undefined {
  if (originalSize <= 0 || compressedSize >= originalSize) return undefined;
  return Math.round((1 - compressedSize / originalSize) * 100);
}

/** Bytes saved by compression across handed-over items (never negative per item). */
export function bytesSaved(items: readonly { originalSize: number; size: number }[]): number {
  let saved = 0;
  for (const item of items) saved += Math.max(0, item.originalSize - item.size);
  return saved;
}
