import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { QueueItem } from './types';
import type { WaitingOriginal } from './waiting-original';

/**
 * IndexedDB is the queue's only source of truth: the service worker can be
 * stopped at any moment and loses every global when it is.
 */

interface CadenceDb extends DBSchema {
  items: { key: string; value: QueueItem; indexes: { bySeq: number } };
  /** Compressed image bytes, kept apart so listing items never loads them. */
  blobs: { key: string; value: Blob };
  /** Images added but not compressed yet, until their compressed version is stored (version 2). */
  originals: { key: string; value: WaitingOriginal };
}

export const DB_NAME = 'cadence';

export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

export interface QueueStore {
  /**
   * Stores the row and its bytes in one transaction, so neither exists alone,
   * and drops the waiting original of the same id in it. Idempotent by id: a
   * hand-over sent again (its reply lost when the worker stopped) gets the
   * stored item back and stores nothing twice.
   */
  add(item: Omit<QueueItem, 'seq'>, blob: Blob): Promise<QueueItem>;
  /** Keeps an original until it is compressed. False (nothing written) when the id is already an original or an item. */
  addOriginal(original: WaitingOriginal): Promise<boolean>;
  getOriginal(id: string): Promise<WaitingOriginal | undefined>;
  listOriginals(): Promise<WaitingOriginal[]>;
  countOriginals(): Promise<number>;
  updateOriginal(id: string, patch: Partial<Omit<WaitingOriginal, 'id'>>): Promise<void>;
  dropOriginal(id: string): Promise<void>;
  list(): Promise<QueueItem[]>;
  get(id: string): Promise<QueueItem | undefined>;
  getBlob(id: string): Promise<Blob | undefined>;
  update(id: string, patch: Partial<Omit<QueueItem, 'id' | 'seq'>>): Promise<QueueItem>;
  deleteBlob(id: string): Promise<void>;
  /** Removes finished rows (done, failed) and their bytes; returns the removed ids. */
  clearFinished(): Promise<string[]>;
  /** Keeps at most `keep` done rows (the newest), so results stay bounded. Returns the removed ids. */
  pruneDone(keep: number): Promise<string[]>;
}

const FINISHED: ReadonlySet<QueueItem['status']> = new Set(['done', 'failed', 'cancelled']);

export async function openQueueStore(name = DB_NAME): Promise<QueueStore> {
  const db: IDBPDatabase<CadenceDb> = await openDB<CadenceDb>(name, 2, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        const items = database.createObjectStore('items', { keyPath: 'id' });
        items.createIndex('bySeq', 'seq', { unique: true });
        database.createObjectStore('blobs');
      }
      if (oldVersion < 2) database.createObjectStore('originals', { keyPath: 'id' });
    },
  });

  return {
    async add(draft, blob) {
      const tx = db.transaction(['items', 'blobs', 'originals'], 'readwrite');
      const items = tx.objectStore('items');
      const stored = await items.get(draft.id);
      if (stored) {
        await tx.done;
        return stored;
      }
      const last = await items.index('bySeq').openCursor(null, 'prev');
      const item: QueueItem = { ...draft, seq: (last?.value.seq ?? 0) + 1 };
      const writes: Promise<unknown>[] = [];
      try {
        writes.push(items.add(item));
        writes.push(tx.objectStore('blobs').put(blob, item.id));
        // Dropped only with the compressed image stored: originals are big, and never both lost.
        writes.push(tx.objectStore('originals').delete(item.id));
        await Promise.all([...writes, tx.done]);
      } catch (error) {
        for (const write of writes) write.catch(() => {});
        // Neither the row nor its bytes may stay alone: undo whatever part was written.
        try {
          tx.abort();
        } catch {
          // Already aborted by the failed request.
        }
        await tx.done.catch(() => {});
        if (error instanceof DOMException && error.name === 'QuotaExceededError') {
          throw new QueueFullError('browser storage is full: nothing was added');
        }
        throw error;
      }
      return item;
    },
    async addOriginal(original) {
      const tx = db.transaction(['items', 'originals'], 'readwrite');
      const originals = tx.objectStore('originals');
      const known = (await tx.objectStore('items').getKey(original.id)) ?? (await originals.getKey(original.id));
      if (known !== undefined) {
        await tx.done;
        return false;
      }
      const write = originals.add(original);
      try {
        await Promise.all([write, tx.done]);
      } catch (error) {
        write.catch(() => {});
        if (error instanceof DOMException && error.name === 'QuotaExceededError') {
          throw new QueueFullError('browser storage is full: nothing was added');
        }
        throw error;
      }
      return true;
    },
    async getOriginal(id) {
      return db.get('originals', id);
    },
    async listOriginals() {
      const originals = await db.getAll('originals');
      return originals.sort((a, b) => a.createdAt - b.createdAt);
    },
    async countOriginals() {
      return db.count('originals');
    },
    async updateOriginal(id, patch) {
      const tx = db.transaction('originals', 'readwrite');
      const current = await tx.store.get(id);
      if (current) await tx.store.put({ ...current, ...patch });
      await tx.done;
    },
    async dropOriginal(id) {
      await db.delete('originals', id);
    },
    async list() {
      return db.getAllFromIndex('items', 'bySeq');
    },
    async get(id) {
      return db.get('items', id);
    },
    async getBlob(id) {
      return db.get('blobs', id);
    },
    async update(id, patch) {
      const tx = db.transaction('items', 'readwrite');
      const current = await tx.store.get(id);
      if (!current) throw new Error(`no queued item ${id}`);
      const next: QueueItem = { ...current, ...patch };
      await Promise.all([tx.store.put(next), tx.done]);
      return next;
    },
    async deleteBlob(id) {
      await db.delete('blobs', id);
    },
    async clearFinished() {
      return removeWhere((items) => items.filter((item) => FINISHED.has(item.status)));
    },
    async pruneDone(keep) {
      return removeWhere((items) => {
        const done = items.filter((item) => item.status === 'done');
        return done.slice(0, Math.max(0, done.length - keep));
      });
    },
  };

  /** Deletes the rows `choose` picks (from all rows in hand-over order) and their bytes, in one transaction. */
  async function removeWhere(choose: (items: QueueItem[]) => QueueItem[]): Promise<string[]> {
    const tx = db.transaction(['items', 'blobs'], 'readwrite');
    const chosen = choose(await tx.objectStore('items').index('bySeq').getAll());
    await Promise.all([
      ...chosen.flatMap((item) => [tx.objectStore('items').delete(item.id), tx.objectStore('blobs').delete(item.id)]),
      tx.done,
    ]);
    return chosen.map((item) => item.id);
  }
}
