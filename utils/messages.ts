import { defineExtensionMessaging } from '@webext-core/messaging';
import type { QueueCommand, QueueItem, QueuePlan, QueueSnapshot } from './queue/types';

/** One compressed image handed from the panel to the background. */
export interface HandOver {
  /** The panel's row id; the stored item keeps it. */
  id: string;
  /** The compressed image itself: crosses by structured clone, never base64. */
  file: File;
  originalSize: number;
  width: number;
  height: number;
}

/** An item changed state; sent by the background the moment it happens. */
export interface ItemChanged {
  item: QueueItem;
  /** The plan after this change: the countdown to the next start and what it waits on. */
  plan: QueuePlan;
}

/**
 * The whole message protocol. Every sender and handler is checked against it.
 * Direction is in each comment; the background accepts messages only from the
 * extension's own pages (see `isFromExtensionPage`).
 */
interface ProtocolMap {
  /** panel -> background. Resolves once the item and its bytes are in IndexedDB. */
  'queue/add'(handOver: HandOver): QueueItem;
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
  /** background -> panel(s), popup. */
  'queue/item-changed'(change: ItemChanged): void;
  /** background -> panel(s), popup. Rows that no longer exist (cleared, or beyond the kept results). */
  'queue/items-removed'(ids: string[]): void;
  /** background -> panel(s), popup. The plan changed with no item changing (pause, a hold over, a slot free). */
  'queue/plan-changed'(plan: QueuePlan): void;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();

/**
 * True for the panel, popup and options pages; false for web pages, content
 * scripts and other extensions. `extensionBaseUrl` is `runtime.getURL('/')`.
 */
export function isFromExtensionPage(
  sender: chrome.runtime.MessageSender,
  extensionId: string,
  extensionBaseUrl: string,
): boolean {
  return sender.id === extensionId && typeof sender.url === 'string' && sender.url.startsWith(extensionBaseUrl);
}
