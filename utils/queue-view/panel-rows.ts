import type { KeptOriginalReason } from '../compress/compress-image';
import type { QueueItem } from '../queue/types';

/**
 * A row in the panel: first a local draft (compressing, then handing over),
 * then the stored item the background reports on. One id for both, so the
 * row never jumps or doubles.
 */
export type DraftPhase = 'compressing' | 'handing-over' | 'held' | 'error';
/**
 * `unconfirmed`: done, but the site's reply did not say it kept the file (QueueItem.unconfirmed).
 * `already-uploaded`: its destination received this image before; not sent again (QueueItem.alreadyUploaded).
 */
export type RowStatus = DraftPhase | QueueItem['status'] | 'unconfirmed' | 'already-uploaded';

export interface PanelRow {
  id: string;
  name: string;
  originalSize: number;
  thumbnailUrl?: string;
  compressed?: {
    size: number;
    width: number;
    height: number;
    keptOriginal: boolean;
    note?: KeptOriginalReason;
    /** Converted because the original's format is not one web pages show (HEIC). */
    convertedFrom?: 'HEIC';
  };
  phase: DraftPhase;
  /** Compression progress, 0-1, while compressing. */
  progress?: number;
  error?: string;
  /**
   * A file the user may still send: over the size cap ('held'), the original of an image the
   * browser cannot read, or one whose hand-over was refused ('try-again').
   */
  sendable?: { file: File; width: number; height: number; action: 'send-anyway' | 'send-original' | 'try-again' };
  item?: QueueItem;
}

export function rowStatus(row: PanelRow): RowStatus {
  if (row.item?.status === 'done' && row.item.alreadyUploaded) return 'already-uploaded';
  if (row.item?.status === 'done' && row.item.unconfirmed) return 'unconfirmed';
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

/** The store's rows, with drafts this panel still holds and thumbnails it made. */
export function mergeSnapshot(current: readonly PanelRow[], items: readonly QueueItem[]): PanelRow[] {
  const byId = new Map(current.map((row) => [row.id, row]));
  const stored = items.map((item) => {
    const row = byId.get(item.id);
    if (!row) return rowFromItem(item);
    // An unchanged item keeps its row object, so its memoized row does not re-render (500 rows on every command).
    return row.item && sameItemState(row.item, item) ? row : { ...row, item };
  });
  const storedIds = new Set(items.map((item) => item.id));
  return [...stored, ...current.filter((row) => !storedIds.has(row.id))];
}

/**
 * What can change on a stored item after hand-over. Compared field by field
 * (not by serializing), since a command's reply compares all 500 rows.
 */
const CHANGING_FIELDS = [
  'status',
  'attempts',
  'startedAt',
  'finishedAt',
  'httpStatus',
  'resultUrl',
  'unconfirmed',
  'pageGone',
  'thumbnailUrl',
  'deletionUrl',
  'error',
  'failureKind',
  'problem',
  'excerpt',
  'retryAt',
  'autoRetries',
  'alreadyUploaded',
  'bytesSent',
] as const satisfies readonly (keyof QueueItem)[];

/** What is set once at hand-over (or, for `attemptLog`, changes only with `attempts`). */
const FIXED_FIELDS = [
  'id',
  'seq',
  'name',
  'type',
  'originalSize',
  'size',
  'width',
  'height',
  'destination',
  'destinationKey',
  'idempotencyKey',
  'createdAt',
  'source',
  'attemptLog',
  'sentHash',
  'originalHash',
  'nameCounter',
] as const satisfies readonly (keyof QueueItem)[];

/** Fields no row shows: a change to them alone re-renders nothing. */
const UNSHOWN_FIELDS = ['transportState'] as const satisfies readonly (keyof QueueItem)[];

/** A QueueItem field in no list fails `tsc` here, so a new field cannot leave rows stale. */
type UnsortedField = Exclude<
  keyof QueueItem,
  (typeof CHANGING_FIELDS)[number] | (typeof FIXED_FIELDS)[number] | (typeof UNSHOWN_FIELDS)[number]
>;
export const everyItemFieldSorted: [UnsortedField] extends [never] ? true : UnsortedField = true;

function sameItemState(a: QueueItem, b: QueueItem): boolean {
  return CHANGING_FIELDS.every((field) => a[field] === b[field]);
}

/** The reply to queue/add can arrive after a newer item-changed message: keep the later state. */
export function keepNewest(rows: readonly PanelRow[], item: QueueItem): PanelRow[] {
  const existing = rows.find((row) => row.id === item.id)?.item;
  return existing && existing.status !== 'queued' ? (rows as PanelRow[]) : mergeItem(rows, item);
}
