import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { type DestinationSnapshot, withoutSecrets } from '@/utils/destinations/model';
import { HandOverRefusedError, refuseWhenFull } from '@/utils/hand-over';
import { deleteFromHost } from '@/utils/ledger/delete-from-host';
import { entryFor, ledgerFieldsFor } from '@/utils/ledger/queue-check';
import { openLedger } from '@/utils/ledger/store';
import { guardedReceiver } from '@/utils/message-guard';
import { BACKGROUND_RULES } from '@/utils/message-rules/background';
import { type HandOver, sendMessage } from '@/utils/messages';
import { openPendingPageImages } from '@/utils/page-images/pending';
import { QueueRunner } from '@/utils/queue/runner';
import { openQueueStore } from '@/utils/queue/store';
import type { ItemSource, PageGone, QueueItem, QueuePlan } from '@/utils/queue/types';
import {
  adaptiveLevelsSetting,
  languageSetting,
  paceSetting,
  queuePausedSetting,
  rateLimitReadingsSetting,
  readGlobalPace,
  rememberAdaptiveLevel,
  rememberRateLimit,
} from '@/utils/settings';
import { setTimeoutTimer } from '@/utils/upload/send-request';
import { createContextMenus, onContextMenuClick } from './context-menu';
import { keepDestinationSummaries, resolveDestination, testDestination } from './destinations';
import { createKeepAlive, WAKE_ALARM } from './keep-alive';
import { createPageLinks } from './page-links';
import { handToPageUploader, stopWatchingPage } from './page-uploader';
import { claimPanel, isClaimedPanel } from './panel-claims';
import { openPanelInTab } from './panel-injection';
import { uploadImageFromPage } from './upload-image';
import { createWaitingOriginals, ORPHAN_GRACE_MS, openOffscreenCompressor } from './waiting-originals';

/** Done rows kept for the list and export; older ones go when new items arrive. */
const MAX_KEPT_RESULTS = 1000;

// Wiring only: listeners are registered synchronously at the top level so a
// worker woken by an event (alarm, message, menu click) handles it.
export default defineBackground({
  type: 'module',
  main() {
    // Tabs whose page went away (closed, or a new document): items bound to them wait (runner.pageGone).
    const goneTabs = new Map<number, PageGone>();
    const storePromise = openQueueStore();
    const ledgerPromise = openLedger();
    const checkLedger = async (destination: DestinationSnapshot, file: File, original?: File) =>
      ledgerFieldsFor(await ledgerPromise, destination, file, original, Date.now());
    const keepAlive = createKeepAlive();
    // Pending work is queued uploads or originals still waiting to be compressed: either keeps
    // the worker awake, arms its alarm and has open Cadence pages bring it back if it stops.
    // Uploads are unknown (null) until the runner first looked: publishing before that would clear the alarm.
    const pending = { uploads: null as boolean | null, wakeAt: null as number | null, originals: false };
    const publishPending = () => {
      if (pending.uploads === null) return;
      const any = pending.uploads || pending.originals;
      keepAlive.update(any, pending.wakeAt);
      pageLinks.setPending(any);
    };
    const pageLinks = createPageLinks(() => void originals.adoptOrphans());
    // Firefox compresses orphans in this very page (compressHere), under this owner.
    const EVENT_PAGE_OWNER = `event-page:${crypto.randomUUID()}`;
    let compressingHere: Promise<void> | undefined;
    const originals = createWaitingOriginals({
      store: storePromise,
      isLive: (owner) => (owner === EVENT_PAGE_OWNER && compressingHere !== undefined) || pageLinks.isLive(owner),
      onWaitingChange(waiting) {
        pending.originals = waiting;
        publishPending();
      },
      async onQueued(item) {
        const runner = await runnerPromise;
        broadcastItemChanged(item, runner.plan);
        void runner.pump();
      },
      beforeQueue: async () => broadcastItemsRemoved(await (await storePromise).pruneDone(MAX_KEPT_RESULTS)),
      ledgerFields: checkLedger,
      startCompressing: import.meta.env.FIREFOX ? compressHere : openOffscreenCompressor,
    });
    const runnerPromise = storePromise.then(
      (store) =>
        new QueueRunner({
          store,
          now: () => Date.now(),
          setTimer: setTimeoutTimer,
          readPacing: readGlobalPace,
          adaptiveMemory: { read: () => adaptiveLevelsSetting.getValue(), remember: rememberAdaptiveLevel },
          rateLimitMemory: { read: () => rateLimitReadingsSetting.getValue(), remember: rememberRateLimit },
          setPaused: (paused) => queuePausedSetting.setValue(paused),
          random: () => Math.random(),
          fetch: (request) => fetch(request),
          handToPage: handToPageUploader,
          hasOriginAccess: (url) => browser.permissions.contains({ origins: [`${new URL(url).origin}/*`] }),
          pageGoneFor: (tabId) => goneTabs.get(tabId),
          async onDone(item) {
            const entry = entryFor(item);
            if (entry) await (await ledgerPromise).record(entry);
          },
          notify: (item, plan) => {
            broadcastItemChanged(item, plan);
            void followPageBatch(item);
          },
          onPlanChange: broadcastPlanChanged,
          onPendingChange(uploads, wakeAt) {
            pending.uploads = uploads;
            pending.wakeAt = wakeAt;
            publishPending();
          },
        }),
    );
    // Every wake (startup, alarm, message, menu click) starts this module
    // afresh, and it resumes the queue from the store.
    // A worker stopped between storing a change and announcing it (a finish,
    // say) leaves open pages a step behind: each start has them re-read the queue.
    void runnerPromise.then(async (runner) => {
      await runner.resume();
      sendMessage('queue/resync', undefined).catch(() => {});
    });
    // The panel and popup read destinations only as these summaries, which hold no secret.
    keepDestinationSummaries();
    // Originals whose page did not link up again once this worker started are orphans.
    void originals.recount();
    setTimeout(() => void originals.adoptOrphans(), ORPHAN_GRACE_MS);
    // A listener here is what makes Chrome start the worker when the browser
    // starts, so a batch cut off by a browser restart goes on by itself.
    browser.runtime.onStartup.addListener(() => {});

    const pendingImagesPromise = openPendingPageImages();
    browser.runtime.onInstalled.addListener(() => void createContextMenus());
    // The menu titles follow the language chosen in the options.
    languageSetting.watch(() => void createContextMenus());
    browser.contextMenus.onClicked.addListener((info, tab) => {
      onContextMenuClick(info, tab, (click) => uploadImageFromPage(click, pendingImagesPromise)).catch(
        (error: unknown) => {
          // The panel could not open in that tab (e.g. a page the browser keeps scripts out of): no place to show it.
          console.warn('Cadence: the context menu action failed', error);
        },
      );
    });
    browser.tabs.onRemoved.addListener((tabId) => void pendingImagesPromise.then((pending) => pending.dropTab(tabId)));
    // An upload through the page itself (its form) needs that page: closing or leaving it
    // holds its queued items by name until the user goes on from a panel on that site.
    browser.tabs.onRemoved.addListener((tabId) => {
      goneTabs.set(tabId, 'closed');
      void runnerPromise.then((runner) => runner.pageGone(tabId, 'closed'));
    });
    browser.tabs.onUpdated.addListener((tabId, change) => {
      // A new document in the tab (another page, or a reload): the panel and the page it sent through are gone.
      if (change.status !== 'loading') return;
      goneTabs.set(tabId, 'left');
      void runnerPromise.then((runner) => runner.pageGone(tabId, 'left'));
    });
    // A pace changed in the panel, the popup or the options is planned with at once:
    // the countdown line shows it, and an item already waiting gets the new pause.
    paceSetting.watch(() => void runnerPromise.then((runner) => runner.pump()));
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name !== WAKE_ALARM) return;
      void runnerPromise.then((runner) => runner.pump());
      void originals.adoptOrphans();
    });

    // Every handler sits behind the guard (utils/message-guard.ts): it runs only for
    // a sender that BACKGROUND_RULES accepts for that message, with data that matches
    // its schema; a panel counts only once it has claimed its token.
    const messages = guardedReceiver('background', BACKGROUND_RULES, { isClaimedPanel });
    messages.on('panel/claim', ({ data, sender }) => {
      // A panel in the tab again: its page is there (items already waiting still wait for "Go on here").
      if (sender.tab?.id !== undefined) goneTabs.delete(sender.tab.id);
      return claimPanel(data.token, sender);
    });

    messages.on('queue/add', async ({ data, sender }) => {
      const item = await addToQueue(data, sourceOf(sender.tab));
      const runner = await runnerPromise;
      broadcastItemChanged(item, runner.plan);
      void runner.pump();
      return forDisplay(item);
    });
    messages.on('queue/add-original', async ({ data, sender }) => {
      await originals.addOriginal(data, sourceOf(sender.tab));
    });
    messages.on('queue/add-compressed', async ({ data }) => forDisplay(await originals.addCompressed(data)));
    messages.on('queue/drop-original', async ({ data }) => originals.drop(data.id));
    messages.on('originals/claim', async ({ data }) => originals.claim(data.owner));
    messages.on('originals/not-compressed', async ({ data }) => void (await originals.notCompressed(data)));
    messages.on('queue/clear-finished', async () => {
      broadcastItemsRemoved(await (await storePromise).clearFinished());
    });
    messages.on('queue/get', async () => {
      const [store, runner] = await Promise.all([storePromise, runnerPromise]);
      // Acting first means the reply carries a fresh plan.
      await runner.pump();
      return { items: (await store.list()).map(forDisplay), plan: runner.plan };
    });
    messages.on('queue/control', async ({ data, sender }) => {
      const [store, runner] = await Promise.all([storePromise, runnerPromise]);
      // "Go on here": the panel's own tab and site (never a tab the panel names).
      const { origin } = sourceOf(sender.tab);
      if (data.kind === 'go-on-here' && sender.tab?.id !== undefined && origin) {
        goneTabs.delete(sender.tab.id);
        await runner.goOnHere(sender.tab.id, origin);
      } else await runner.control(data);
      return { items: (await store.list()).map(forDisplay), plan: runner.plan };
    });
    messages.on('panel/open', async ({ data }) => {
      await openPanelInTab(data.tabId);
    });
    messages.on('page/find-forms', async ({ sender }) => {
      // The panel's own tab: the content script there reads the page's forms.
      if (sender.tab?.id === undefined) return [];
      return sendMessage('page/find-forms', undefined, sender.tab.id);
    });
    messages.on('page/highlight-form', async ({ data, sender }) => {
      if (sender.tab?.id !== undefined) await sendMessage('page/highlight-form', data, sender.tab.id);
    });
    // The same for the page's own uploaders (issue 14): asked of the panel's own tab only.
    messages.on('page/find-uploaders', async ({ sender }) => {
      if (sender.tab?.id === undefined) return [];
      return sendMessage('page/find-uploaders', undefined, sender.tab.id);
    });
    messages.on('page/highlight-uploader', async ({ data, sender }) => {
      if (sender.tab?.id !== undefined) await sendMessage('page/highlight-uploader', data, sender.tab.id);
    });
    messages.on('page-images/take', async ({ sender }) => {
      // Only the images right-clicked in the panel's own tab.
      if (sender.tab?.id === undefined) return [];
      const images = await (await pendingImagesPromise).take(sender.tab.id);
      return images.map((image) => image.result);
    });
    messages.on('destination/test', async ({ data }) => {
      return testDestination(data);
    });
    messages.on('ledger/list', async ({ data }) => (await ledgerPromise).list(data));
    messages.on('ledger/clear', async () => (await ledgerPromise).clear());
    messages.on('ledger/delete-from-host', async ({ data }) =>
      deleteFromHost(await ledgerPromise, data.id, (request) => fetch(request)),
    );
    messages.on('panel/close', async ({ sender }) => {
      if (sender.tab?.id !== undefined) await sendMessage('panel/unmount', undefined, sender.tab.id);
    });

    /** Firefox: the event page is a page, so it runs the compression workers itself, one run at a time. */
    function compressHere(): Promise<void> {
      compressingHere ??= import('@/utils/queue/compress-waiting')
        .then(({ compressWaiting }) =>
          compressWaiting({
            claim: () => originals.claim(EVENT_PAGE_OWNER),
            deliver: (compressed) => originals.addCompressed(compressed),
            notCompressed: (report) => originals.notCompressed(report),
          }),
        )
        .finally(() => {
          compressingHere = undefined;
        });
      return compressingHere;
    }

    /**
     * A batch handed to a page's uploader needs the page. Closed or navigated
     * away: the queue pauses and the item waits again (nothing lost; Resume
     * once the page is open with Cadence on it). Nothing more queued for that
     * page: its request watcher is removed.
     */
    async function followPageBatch(item: QueueItem): Promise<void> {
      const target = item.destination.pageUploader;
      if (!target || item.status === 'queued' || item.status === 'uploading') return;
      if (item.status === 'failed' && item.problem === 'page-unreachable') {
        const runner = await runnerPromise;
        await runner.control({ kind: 'pause' });
        await runner.control({ kind: 'retry', itemId: item.id });
        return;
      }
      const items = await (await storePromise).list();
      const more = items.some(
        (other) =>
          other.destination.pageUploader?.tabId === target.tabId &&
          (other.status === 'queued' || other.status === 'uploading'),
      );
      if (!more) await stopWatchingPage(target.tabId);
    }

    async function addToQueue(handOver: HandOver, source: ItemSource): Promise<QueueItem> {
      // The guard already refused anything but a non-empty File (utils/message-rules/).
      const { file } = handOver;
      const [destination, store] = await Promise.all([
        resolveDestination(handOver.destination, source).catch((error: unknown) => {
          throw new HandOverRefusedError('destination', error instanceof Error ? error.message : String(error));
        }),
        storePromise,
      ]);
      broadcastItemsRemoved(await store.pruneDone(MAX_KEPT_RESULTS));
      const ledger = await checkLedger(destination, file);
      return store
        .add(
          {
            id: handOver.id,
            name: file.name,
            type: file.type,
            originalSize: handOver.originalSize,
            size: file.size,
            width: handOver.width,
            height: handOver.height,
            destination,
            destinationKey: destination.id,
            idempotencyKey: crypto.randomUUID(),
            status: 'queued',
            attempts: 0,
            createdAt: Date.now(),
            source,
            ...ledger,
          },
          file,
        )
        .catch(refuseWhenFull);
    }
  },
});

// No open panel or popup is normal for these: they re-read the store when they open.
function broadcastItemChanged(item: QueueItem, plan: QueuePlan): void {
  sendMessage('queue/item-changed', { item: forDisplay(item), plan }).catch(() => {});
}

function broadcastPlanChanged(plan: QueuePlan): void {
  sendMessage('queue/plan-changed', plan).catch(() => {});
}

/** The panel's tab, as the popup names its batch. URL and title are there while the tab granted access (activeTab). */
function sourceOf(tab: chrome.tabs.Tab | undefined): ItemSource {
  let origin: string | undefined;
  try {
    origin = tab?.url ? new URL(tab.url).origin : undefined;
  } catch {
    origin = undefined;
  }
  return { tabId: tab?.id, origin, title: tab?.title || undefined };
}

/** Items leave the background without the destination's secrets (headers, fields, query). */
function forDisplay(item: QueueItem): QueueItem {
  return { ...item, destination: withoutSecrets(item.destination) };
}

function broadcastItemsRemoved(ids: string[]): void {
  if (ids.length > 0) sendMessage('queue/items-removed', ids).catch(() => {});
}
