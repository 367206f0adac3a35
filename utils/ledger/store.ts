import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { LedgerEntry } from './types';

/**
 * The ledger's own database, apart from the queue's (utils/queue/store.ts):
 * "Clear finished" and the queue's pruning never touch it, and its versions
 * move without a migration of the queue's.
 */
interface LedgerDb extends DBSchema {
  entries: {
    key: string;
    value: LedgerEntry;
    indexes: { bySent: [string, string]; byOriginal: [string, string]; byAt: number };
  };
  /** The last `{counter}` given out, per destination. */
  counters: { key: string; value: number };
}

export const LEDGER_DB_NAME = 'cadence-ledger';

export interface LedgerQuery {
  /** Words to find in the name, the destination's name, the result URL or the hash; empty lists all. */
  text?: string;
  /** At most this many, newest first. @default 200 */
  limit?: number;
}

export interface LedgerStore {
  /** Stores (or replaces, for the same item sent again) what a destination received. */
  record(entry: LedgerEntry): Promise<void>;
  /**
   * The newest entry of that destination with the same original or the same
   * bytes sent, and which of the two matched (the original first: compression
   * settings may have changed since).
   */
  findMatch(
    destinationKey: string,
    hashes: { originalHash?: string; sentHash: string },
  ): Promise<{ entry: LedgerEntry; by: 'original' | 'sent' } | undefined>;
  get(id: string): Promise<LedgerEntry | undefined>;
  list(query?: LedgerQuery): Promise<{ entries: LedgerEntry[]; total: number }>;
  remove(id: string): Promise<void>;
  /** Forgets every entry; the counters stay, so a name given out once is not given out again. */
  clear(): Promise<void>;
  /** The next `{counter}` of a destination, 1 first; kept across restarts. */
  nextCounter(destinationKey: string): Promise<number>;
}

const DEFAULT_LIMIT = 200;

export async function openLedger(name = LEDGER_DB_NAME): Promise<LedgerStore> {
  const db: IDBPDatabase<LedgerDb> = await openDB<LedgerDb>(name, 1, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        const entries = database.createObjectStore('entries', { keyPath: 'id' });
        entries.createIndex('bySent', ['destinationKey', 'sentHash']);
        // An entry without an original's hash is simply not in this index.
        entries.createIndex('byOriginal', ['destinationKey', 'originalHash']);
        entries.createIndex('byAt', 'at');
        database.createObjectStore('counters');
      }
    },
  });

  /** The newest of the entries under that index key. */
  async function newest(index: 'bySent' | 'byOriginal', key: [string, string]): Promise<LedgerEntry | undefined> {
    const found = await db.getAllFromIndex('entries', index, key);
    return found.sort((a, b) => b.at - a.at)[0];
  }

  return {
    async record(entry) {
      await db.put('entries', entry);
    },
    async findMatch(destinationKey, { originalHash, sentHash }) {
      if (originalHash) {
        const entry = await newest('byOriginal', [destinationKey, originalHash]);
        if (entry) return { entry, by: 'original' };
      }
      const entry = await newest('bySent', [destinationKey, sentHash]);
      return entry && { entry, by: 'sent' };
    },
    async get(id) {
      return db.get('entries', id);
    },
    async list({ text = '', limit = DEFAULT_LIMIT } = {}) {
      const words = text.toLowerCase().split(/\s+/).filter(Boolean);
      const all = (await db.getAllFromIndex('entries', 'byAt')).reverse();
      const matching = words.length === 0 ? all : all.filter((entry) => matches(entry, words));
      return { entries: matching.slice(0, limit), total: matching.length };
    },
    async remove(id) {
      await db.delete('entries', id);
    },
    async clear() {
      await db.clear('entries');
    },
    async nextCounter(destinationKey) {
      // One transaction: two hand-overs at once never get the same number.
      const tx = db.transaction('counters', 'readwrite');
      const next = ((await tx.store.get(destinationKey)) ?? 0) + 1;
      await Promise.all([tx.store.put(next, destinationKey), tx.done]);
      return next;
    },
  };
}

/** Every word appears in one of the fields a person would search by. */
function matches(entry: LedgerEntry, words: readonly string[]): boolean {
  const haystack = [entry.name, entry.destinationName, entry.resultUrl ?? '', entry.sentHash, entry.originalHash ?? '']
    .join('\n')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}
