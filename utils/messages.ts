import { defineExtensionMessaging } from '@webext-core/messaging';
import type { CompressionPlan } from './compress/presets';
import type { Destination } from './destinations/model';
import type { PageForm } from './destinations/page-form';
import type { LedgerQuery } from './ledger/store';
import type { HostDeletion, LedgerEntry } from './ledger/types';
import type { PageImageResult } from './page-images/fetch-image';
import type { PageUploader } from './page-uploaders/find';
import type { PageUploadOutcome } from './page-uploaders/follow-upload';
import type { QueueCommand, QueueItem, QueuePlan, QueueSnapshot } from './queue/types';

/** Where a hand-over goes: a saved destination, or the upload form of the page the panel is on. */
export type DestinationChoice =
  | { kind: 'saved'; id: string }
  | { kind: 'page-form'; form: PageForm }
  /** The page's own script-driven uploader: Cadence hands it the files at the pace (issue 14). */
  | { kind: 'page-uploader'; uploader: PageUploader };

/** The background hands one queued file to the page's uploader in the item's tab. */
export interface UploaderHandOver {
  /** Found again by label first (the page may have changed), then by index. */
  label: string;
  index: number;
  file: File;
  /** "The page did not upload it" once this long passed without a request carrying the file. */
  startWithinMs: number;
}

/** What "Test destination" saw. */
export interface DestinationTestResult {
  /** HTTP status, absent when no reply arrived. */
  status?: number;
  /** The start of the reply body. */
  excerpt: string;
  ok: boolean;
  resultUrl?: string;
  thumbnailUrl?: string;
  deletionUrl?: string;
  error?: string;
}

/** One compressed image handed from the panel to the background. */
export interface HandOver {
  /** The panel's row id; the stored item keeps it. */
  id: string;
  /** The compressed image itself: crosses by structured clone, never base64. */
  file: File;
  originalSize: number;
  width: number;
  height: number;
  destination: DestinationChoice;
}

/** CompressionPlan with its intersection spelled out, so its run-time schema can match it exactly (message-schemas.ts). */
export type PlanData = CompressionPlan extends infer Plan
  ? Plan extends unknown
    ? { [K in keyof Plan]: Plan[K] }
    : never
  : never;

/** An image the user just added, handed over before it is compressed (see WaitingOriginal). */
export interface OriginalHandOver {
  /** The panel's row id; the compressed hand-over and the queue item keep it. */
  id: string;
  /** The original as the user chose it: crosses by structured clone. */
  file: File;
  plan: PlanData;
  destination: DestinationChoice;
  /** The sending page's background link id (utils/background-link.ts): it compresses the image while it lives. */
  owner: string;
}

/** The compressed version of a waiting original; everything else the queue item needs is stored with the original. */
export interface CompressedHandOver {
  id: string;
  file: File;
  width: number;
  height: number;
}

/** A waiting original given to the page that compresses it in place of the page that added it. */
export interface ClaimedOriginal {
  id: string;
  file: File;
  plan: CompressionPlan;
}

/**
 * An orphaned original the offscreen document could not make ready to send
 * without a person: it becomes a failed item the user can retry (popup,
 * panel), never an upload nobody agreed to.
 */
export interface NotCompressed {
  id: string;
  /** over-cap: `file` is the smallest attempt, over the size cap; unreadable: the original is kept as it is. */
  problem: 'over-cap' | 'unreadable';
  /** The compressed file, for over-cap. */
  file?: File;
  width: number;
  height: number;
  detail: string;
}

/** An item changed state; sent by the background the moment it happens. */
export interface ItemChanged {
  item: QueueItem;
  /** The plan after this change: the countdown to the next start and what it waits on. */
  plan: QueuePlan;
}

/**
 * The whole message protocol. Every sender and handler is checked against it.
 * Direction is in each comment; `MESSAGE_RULES` (utils/message-rules/) holds,
 * for each message, who may send it to whom and its run-time schema: a new
 * message here is a type error there until it has both.
 */
export interface ProtocolMap {
  /**
   * panel -> background. The one-time token the content script handed this
   * panel (see panel-claim.ts); true once this panel document is the tab's
   * claimed panel. Every other panel message is refused until then.
   */
  'panel/claim'(request: { token: string }): boolean;
  /**
   * panel -> background. Resolves once the item and its bytes are in IndexedDB.
   * Idempotent by id: sent again, it returns the item already stored.
   */
  'queue/add'(handOver: HandOver): QueueItem;
  /**
   * panel -> background. The original the moment it is added; resolves once it is in
   * IndexedDB, from where the queue is answerable for it. Idempotent by id.
   */
  'queue/add-original'(original: OriginalHandOver): void;
  /**
   * panel, offscreen -> background. The compressed version of a waiting original:
   * stored as a queue item, and the original dropped, in one transaction.
   * Idempotent by id.
   */
  'queue/add-compressed'(compressed: CompressedHandOver): QueueItem;
  /** panel -> background. The panel keeps this image itself (held over the cap, or unreadable): drop its original. */
  'queue/drop-original'(request: { id: string }): void;
  /**
   * offscreen -> background. The next waiting original no live page is
   * compressing, now owned by the asking page; null when none is left.
   */
  'originals/claim'(request: { owner: string }): ClaimedOriginal | null;
  /** offscreen -> background. This original could not be made ready to send: store it as a failed item, unsent. */
  'originals/not-compressed'(report: NotCompressed): void;
  /** panel, popup -> background. The batch as the store has it now. */
  'queue/get'(): QueueSnapshot;
  /** popup -> background. Mount the panel in that tab (the popup's "Upload on this page"). */
  'panel/open'(request: { tabId: number }): void;
  /** panel -> background. The panel's close button; the background tells the tab's content script. */
  'panel/close'(): void;
  /** background -> content script. Remove the panel iframe from the page. */
  'panel/unmount'(): void;
  /** panel, popup -> background. "Clear finished": removes done and failed rows and their bytes. */
  'queue/clear-finished'(): void;
  /** panel, popup -> background. Pause, resume, cancel, retry; resolves once the store has it. */
  'queue/control'(command: QueueCommand): QueueSnapshot;
  /**
   * panel -> background -> the tab's content script. The page's upload forms
   * (a <form> with an <input type=file>): what the content script reads from
   * the page, never anything from extension storage.
   */
  'page/find-forms'(): PageForm[];
  /** panel -> background -> content script. Outline the chosen form on the page; null removes the outline. */
  'page/highlight-form'(request: { index: number | null }): void;
  /**
   * panel -> background -> the tab's content script. The page's own
   * uploaders (file inputs, drop zones), named as a person sees them.
   */
  'page/find-uploaders'(): PageUploader[];
  /** panel -> background -> content script. Outline that uploader on the page; null removes the outline. */
  'page/highlight-uploader'(request: { index: number | null }): void;
  /**
   * background -> the item's tab's content script. Starts (once per page) the
   * watch of the page's upload requests; `fresh` when the background must now
   * inject the watcher (request-watcher.ts) into the page under `channel`.
   */
  'page/watch-uploads'(): { channel: string; fresh: boolean };
  /**
   * background -> content script. Hand one file to the page's uploader and
   * follow its request; resolves with what became of it.
   */
  'page/hand-to-uploader'(handOver: UploaderHandOver): PageUploadOutcome;
  /** background -> content script. The batch for this page ended: remove the request watcher. */
  'page/stop-watching'(): void;
  /** options -> background. What the destinations already received (the ledger), newest first, filtered by words. */
  'ledger/list'(query: Required<LedgerQuery>): { entries: LedgerEntry[]; total: number };
  /** options -> background. Forgets every ledger entry; the hosts keep their files. */
  'ledger/clear'(): void;
  /** options -> background. Opens the entry's deletion URL from the background; a 2xx removes the entry. */
  'ledger/delete-from-host'(request: { id: string }): HostDeletion;
  /** options -> background. Upload a small generated image to this (possibly unsaved) destination. */
  'destination/test'(destination: Destination): DestinationTestResult;
  /** background -> panel(s), popup. */
  'queue/item-changed'(change: ItemChanged): void;
  /** background -> panel(s), popup. Rows that no longer exist (cleared, or beyond the kept results). */
  'queue/items-removed'(ids: string[]): void;
  /** background -> panel(s), popup. The plan changed with no item changing (pause, a hold over, a slot free). */
  'queue/plan-changed'(plan: QueuePlan): void;
  /**
   * background -> panel(s), popup. The worker started afresh: a change the
   * previous one stored just before it was stopped may never have been
   * announced, so open pages read the queue again (`queue/get`).
   */
  'queue/resync'(): void;
  /**
   * background -> the image-fetch content script of the one frame the user
   * right-clicked ("Upload this image"). Its reply is the image (a File, by
   * structured clone) or a named error; the background checks its shape.
   */
  'page/fetch-image'(request: { url: string }): PageImageResult;
  /** panel -> background. Takes (removes) the right-clicked images waiting for the panel's own tab. */
  'page-images/take'(): PageImageResult[];
  /** background -> panel(s). An image for some tab's panel is waiting; each panel takes only its tab's. */
  'page-images/ready'(): void;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
