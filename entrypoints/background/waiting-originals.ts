import { browser } from 'wxt/browser';
import type { DestinationSnapshot } from '@/utils/destinations/model';
import { HandOverRefusedError, refuseWhenFull } from '@/utils/hand-over';
import type { LedgerFields } from '@/utils/ledger/queue-check';
import type { ClaimedOriginal, CompressedHandOver, NotCompressed, OriginalHandOver } from '@/utils/messages';
import type { QueueStore } from '@/utils/queue/store';
import type { ItemSource, QueueItem } from '@/utils/queue/types';
import type { WaitingOriginal } from '@/utils/queue/waiting-original';
import { resolveDestination } from './destinations';

/** A page whose port dropped with the worker reconnects within a second; only then is an original it owns an orphan. */
export const ORPHAN_GRACE_MS = 2_000;

export interface WaitingOriginalsEffects {
  store: Promise<QueueStore>;
  isLive(owner: string): boolean;
  /** Waiting originals exist (not set aside): keep the worker awake and its pages linked. */
  onWaitingChange(waiting: boolean): void;
  /** An item was stored: announce it and let the runner act. */
  onQueued(item: QueueItem): Promise<void>;
  /** Drop old done rows before storing more. */
  beforeQueue(): Promise<void>;
  /** Hashes the image and looks it up in the ledger (utils/ledger/queue-check.ts). */
  ledgerFields?(destination: DestinationSnapshot, file: File, original: File): Promise<LedgerFields>;
  /** Start the page that compresses orphans (Chrome: the offscreen document; Firefox: the event page itself). */
  startCompressing(): Promise<void>;
}

/**
 * The background's side of "what the user added is the queue's": originals
 * stored the moment they are added, their compressed versions stored in
 * their place, and originals whose page went away given to a page that
 * compresses them (docs/architecture.md#where-hand-over-begins).
 */
export function createWaitingOriginals(effects: WaitingOriginalsEffects) {
  async function recount(): Promise<void> {
    effects.onWaitingChange((await (await effects.store).countOriginals()) > 0);
  }

  /**
   * The queue item made from a waiting original, stored with `file` in its
   * place (the original dropped in the same transaction). Idempotent: an item
   * already stored under this id is returned as it is.
   */
  async function fromOriginal(
    id: string,
    file: File,
    outcome: Pick<QueueItem, 'width' | 'height' | 'status' | 'failureKind' | 'error'>,
  ): Promise<QueueItem> {
    const store = await effects.store;
    const stored = await store.get(id);
    if (stored) return stored;
    const original = await store.getOriginal(id);
    if (!original) {
      // Another page's hand-over of the same image may have just stored it.
      const raced = await store.get(id);
      if (raced) return raced;
      throw new HandOverRefusedError('gone', 'the image is no longer waiting to be queued');
    }
    await effects.beforeQueue();
    // Only an image about to be sent is looked up: a failed one waits for the user anyway.
    const ledger =
      outcome.status === 'queued' ? await effects.ledgerFields?.(original.destination, file, original.file) : undefined;
    const item = await store
      .add(
        {
          id,
          name: file.name,
          type: file.type,
          originalSize: original.file.size,
          size: file.size,
          ...outcome,
          destination: original.destination,
          destinationKey: original.destination.id,
          idempotencyKey: crypto.randomUUID(),
          attempts: 0,
          createdAt: Date.now(),
          source: original.source,
          ...ledger,
        },
        file,
      )
      .catch(refuseWhenFull);
    await effects.onQueued(item);
    await recount();
    return item;
  }

  return {
    recount,

    async addOriginal(handOver: OriginalHandOver, source: ItemSource): Promise<void> {
      const [destination, store] = await Promise.all([
        resolveDestination(handOver.destination, source).catch((error: unknown) => {
          throw new HandOverRefusedError('destination', error instanceof Error ? error.message : String(error));
        }),
        effects.store,
      ]);
      const original: WaitingOriginal = {
        id: handOver.id,
        file: handOver.file,
        plan: handOver.plan,
        destination,
        source,
        owner: handOver.owner,
        createdAt: Date.now(),
      };
      await store.addOriginal(original).catch(refuseWhenFull);
      await recount();
    },

    async addCompressed(compressed: CompressedHandOver): Promise<QueueItem> {
      const { file, width, height } = compressed;
      return fromOriginal(compressed.id, file, { width, height, status: 'queued' });
    },

    /** An orphan the offscreen document could not make ready: a failed item, sent only when the user retries it. */
    async notCompressed(report: NotCompressed): Promise<QueueItem> {
      const { id, problem, width, height, detail } = report;
      const store = await effects.store;
      const file = report.file ?? (await store.getOriginal(id))?.file;
      if (!file) {
        const stored = await store.get(id);
        if (stored) return stored;
        throw new HandOverRefusedError('gone', 'the image is no longer waiting to be queued');
      }
      return fromOriginal(id, file, {
        width,
        height,
        status: 'failed',
        failureKind: 'file',
        error:
          problem === 'over-cap'
            ? `Over the size cap once compressed (${detail}): not sent without your word. Retry sends it anyway.`
            : `Could not be compressed (${detail}). Retry sends the original as it is.`,
      });
    },

    async drop(id: string): Promise<void> {
      await (await effects.store).dropOriginal(id);
      await recount();
    },

    /** The next original nobody alive is compressing, now `owner`'s. */
    async claim(owner: string): Promise<ClaimedOriginal | null> {
      const store = await effects.store;
      const next = (await store.listOriginals()).find(
        (original) => original.owner !== owner && !effects.isLive(original.owner),
      );
      if (!next) return null;
      await store.updateOriginal(next.id, { owner });
      return { id: next.id, file: next.file, plan: next.plan };
    },

    /** Has orphans compressed, if there are any. */
    async adoptOrphans(): Promise<void> {
      const originals = await (await effects.store).listOriginals();
      if (originals.some((original) => !effects.isLive(original.owner))) await effects.startCompressing();
    },
  };
}

/** Chrome: the offscreen document compresses, since a service worker cannot start the compression workers. */
export async function openOffscreenCompressor(): Promise<void> {
  if (await chrome.offscreen.hasDocument()) return;
  try {
    await chrome.offscreen.createDocument({
      url: browser.runtime.getURL('/offscreen.html'),
      reasons: [chrome.offscreen.Reason.WORKERS],
      justification: 'Compress images whose panel was closed before they were compressed',
    });
  } catch (error) {
    // Two wakes may race to open it; one document is all there may be, and all that is needed.
    if (!(await chrome.offscreen.hasDocument())) throw error;
  }
}
