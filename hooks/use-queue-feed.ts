import { useEffect } from 'preact/hooks';
import { guardedReceiver } from '@/utils/message-guard';
import { EXTENSION_PAGE_RULES } from '@/utils/message-rules/extension-page';
import { sendMessage } from '@/utils/messages';
import type { QueueItem, QueuePlan, QueueSnapshot } from '@/utils/queue/types';

/** Queue news is taken only from the background (utils/message-rules/extension-page.ts). */
const fromBackground = guardedReceiver('extension-page', EXTENSION_PAGE_RULES);

/** What a page does with the queue's news; each handler keeps its own state. */
export interface QueueFeedHandlers {
  /** The whole queue as the store has it: first read, and again after the worker restarted. */
  onSnapshot(snapshot: QueueSnapshot): void;
  onItemChanged(item: QueueItem, plan: QueuePlan): void;
  onItemsRemoved(ids: ReadonlySet<string>): void;
  onPlanChanged(plan: QueuePlan): void;
}

/**
 * The queue as the background reports it, for the panel and the popup:
 * subscribes first, then reads the store, so no change falls between the two.
 * Handlers are taken once, at mount; pass ones that only call state setters.
 */
export function useQueueFeed(handlers: QueueFeedHandlers): void {
  useEffect(() => {
    const stopChanges = fromBackground.on('queue/item-changed', ({ data }) =>
      handlers.onItemChanged(data.item, data.plan),
    );
    const stopRemovals = fromBackground.on('queue/items-removed', ({ data }) => handlers.onItemsRemoved(new Set(data)));
    const stopPlan = fromBackground.on('queue/plan-changed', ({ data }) => handlers.onPlanChanged(data));
    const readQueue = () => sendMessage('queue/get', undefined).then(handlers.onSnapshot);
    // A restarted worker may have stored a change it never announced.
    const stopResync = fromBackground.on('queue/resync', () => void readQueue());
    void readQueue();
    return () => {
      stopChanges();
      stopRemovals();
      stopPlan();
      stopResync();
    };
  }, []);
}
