import { usesCounter } from '../destinations/file-name-template';
import type { DestinationSnapshot } from '../destinations/model';
import type { QueueItem } from '../queue/types';
import { uploadFileName } from '../upload/build-request';
import { sha256Hex } from './hash';
import type { LedgerStore } from './store';
import type { LedgerEntry } from './types';

/** What the ledger adds to an item as it is queued. */
export type LedgerFields = Pick<
  QueueItem,
  'sentHash' | 'originalHash' | 'nameCounter' | 'alreadyUploaded' | 'resultUrl' | 'thumbnailUrl' | 'deletionUrl'
> & { status?: 'done'; finishedAt?: number };

/**
 * Whether a destination keeps a ledger: a request Cadence makes to a saved
 * destination. A page's own form or uploader is the site's business (its
 * reply may not even name the file).
 */
export function keepsLedger(destination: Pick<DestinationSnapshot, 'page' | 'pageUploader'>): boolean {
  return !destination.page && !destination.pageUploader;
}

/**
 * Hashes the bytes to send (and the original, when the background holds
 * it), gives out the file name's counter, and looks the image up: one the
 * destination already received comes back Done as "Already uploaded", with
 * the earlier links, and is not sent. Never refuses a hand-over: when
 * hashing fails the item is simply queued without the ledger's help.
 */
export async function ledgerFieldsFor(
  ledger: LedgerStore,
  destination: DestinationSnapshot,
  file: Blob,
  original: Blob | undefined,
  now: number,
): Promise<LedgerFields> {
  if (!keepsLedger(destination)) return {};
  try {
    const [sentHash, originalHash] = await Promise.all([
      sha256Hex(file),
      original ? sha256Hex(original) : Promise.resolve(undefined),
    ]);
    const match = await ledger.findMatch(destination.id, { sentHash, originalHash });
    const nameCounter = usesCounter(destination.fileNameTemplate)
      ? await ledger.nextCounter(destination.id)
      : undefined;
    const fields: LedgerFields = { sentHash, originalHash, nameCounter };
    if (!match) return fields;
    const { entry, by } = match;
    return {
      ...fields,
      status: 'done',
      finishedAt: now,
      alreadyUploaded: { entryId: entry.id, at: entry.at, by },
      resultUrl: entry.resultUrl,
      thumbnailUrl: entry.thumbnailUrl,
      deletionUrl: entry.deletionUrl,
    };
  } catch (error) {
    console.warn('Cadence: the ledger could not check this image; it is queued as usual', error);
    return {};
  }
}

/**
 * The entry a Done item leaves in the ledger; none for an item that was not
 * sent (already uploaded), that the site did not confirm, or whose bytes
 * were never hashed.
 */
export function entryFor(item: QueueItem): LedgerEntry | undefined {
  if (item.status !== 'done' || item.alreadyUploaded || item.unconfirmed || !item.sentHash) return undefined;
  if (!keepsLedger(item.destination)) return undefined;
  return {
    id: item.id,
    destinationKey: item.destinationKey,
    destinationName: item.destination.name,
    sentHash: item.sentHash,
    originalHash: item.originalHash,
    name: uploadFileName(item),
    size: item.size,
    at: item.finishedAt ?? item.createdAt,
    resultUrl: item.resultUrl,
    thumbnailUrl: item.thumbnailUrl,
    deletionUrl: item.deletionUrl,
  };
}
