/**
 * What a destination already received: one entry per item that reached
 * Done there (written only then), so adding the same image again to the
 * same destination can show the earlier upload instead of sending it twice.
 */
export interface LedgerEntry {
  /** The queue item's id: sending the same item again replaces its entry. */
  id: string;
  /** The destination's id (QueueItem.destinationKey): a match counts only for the same destination. */
  destinationKey: string;
  destinationName: string;
  /** SHA-256 (hex) of the bytes sent. */
  sentHash: string;
  /** SHA-256 (hex) of the image as the user added it; absent when the background never held the original. */
  originalHash?: string;
  /** The name the host received (after the destination's file-name template). */
  name: string;
  /** Bytes sent. */
  size: number;
  /** When it was Done (ms since epoch). */
  at: number;
  resultUrl?: string;
  thumbnailUrl?: string;
  deletionUrl?: string;
}

/** A queued image matched an entry: the row shows it as "Already uploaded", with the entry's links. */
export interface AlreadyUploaded {
  /** The entry's id (the item that uploaded it). */
  entryId: string;
  /** When the destination received it. */
  at: number;
  /** Which hash matched: the original's, or the bytes that would be sent. */
  by: 'original' | 'sent';
}

/** What "Delete from host" found. */
export type HostDeletion = { ok: true; status: number } | { ok: false; status?: number; error: string };
