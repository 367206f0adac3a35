import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { PageImageResult } from './fetch-image';

/**
 * Images from "Upload this image" waiting for their tab's panel, which may
 * still be loading when the image arrives. Kept in IndexedDB (a File does
 * not fit storage.session, which stores JSON) so a service worker stopped
 * in between loses nothing; the panel takes them on mount and when told.
 */

export interface PendingPageImage {
  id: string;
  tabId: number;
  result: PageImageResult;
  createdAt: number;
}

/** A File is kept as its bytes and name: a File's name does not survive every IndexedDB (fake-indexeddb in tests). */
type StoredResult = Exclude<PageImageResult, { kind: 'file' }> | { kind: 'file'; name: string; bytes: Blob };

interface StoredImage extends Omit<PendingPageImage, 'result'> {
  result: StoredResult;
}

interface PendingDb extends DBSchema {
  images: { key: string; value: StoredImage; indexes: { byTab: number } };
}

function toStored(result: PageImageResult): StoredResult {
  return result.kind === 'file' ? { kind: 'file', name: result.file.name, bytes: result.file } : result;
}

function fromStored(result: StoredResult): PageImageResult {
  return result.kind === 'file'
    ? { kind: 'file', file: new File([result.bytes], result.name, { type: result.bytes.type }) }
    : result;
}

export interface PendingPageImages {
  add(tabId: number, result: PageImageResult): Promise<PendingPageImage>;
  /** Removes and returns the tab's images, oldest first. */
  take(tabId: number): Promise<PendingPageImage[]>;
  /** Drops a closed tab's images. */
  dropTab(tabId: number): Promise<void>;
}

/** Breaks ties between images added in the same millisecond, so click order holds. */
let addedInThisWorker = 0;

export async function openPendingPageImages(name = 'cadence-page-images'): Promise<PendingPageImages> {
  const db: IDBPDatabase<PendingDb> = await openDB<PendingDb>(name, 1, {
    upgrade(database) {
      database.createObjectStore('images', { keyPath: 'id' }).createIndex('byTab', 'tabId');
    },
  });
  const takeAll = async (tabId: number) => {
    const transaction = db.transaction('images', 'readwrite');
    const index = transaction.store.index('byTab');
    const images = await index.getAll(tabId);
    await Promise.all([...images.map((image) => transaction.store.delete(image.id)), transaction.done]);
    return images
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((image) => ({ ...image, result: fromStored(image.result) }));
  };
  return {
    async add(tabId, result) {
      addedInThisWorker += 1;
      const image = { id: crypto.randomUUID(), tabId, createdAt: Date.now() + addedInThisWorker / 1e6 };
      await db.put('images', { ...image, result: toStored(result) });
      return { ...image, result };
    },
    take: takeAll,
    async dropTab(tabId) {
      await takeAll(tabId);
    },
  };
}
