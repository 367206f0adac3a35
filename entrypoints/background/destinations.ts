import { destinationSummariesSetting, summarizeDestination } from '@/utils/destination-summary';
import { accessPatternFor, accessUrls, hasAccess, originLabel } from '@/utils/destinations/access';
import { type Destination, type DestinationSnapshot, snapshotOf } from '@/utils/destinations/model';
import { snapshotFromPageForm } from '@/utils/destinations/page-form';
import type { DestinationChoice, DestinationTestResult } from '@/utils/messages';
import { snapshotFromPageUploader } from '@/utils/page-uploaders/snapshot';
import type { ItemSource } from '@/utils/queue/types';
import { destinationsSetting, replyTimeoutMsSetting } from '@/utils/settings';
import { excerpt } from '@/utils/upload/parse-reply';
import { setTimeoutTimer } from '@/utils/upload/send-request';
import { sendThroughTransport } from '@/utils/upload/transports';

/**
 * Keeps the summaries the panel and popup read (utils/destination-summary.ts)
 * in step with the saved destinations: now, since a migration or an earlier
 * version may have written them without, and after every change, whoever
 * made it. Each refresh re-reads the destinations, one after another, so the
 * last write is always of the latest list. Returns the remover.
 */
export function keepDestinationSummaries(): () => void {
  let refreshes = Promise.resolve();
  const refresh = () => {
    refreshes = refreshes
      .then(async () => {
        const summaries = (await destinationsSetting.getValue()).map(summarizeDestination);
        const stored = await destinationSummariesSetting.getValue();
        if (JSON.stringify(stored) !== JSON.stringify(summaries)) await destinationSummariesSetting.setValue(summaries);
      })
      .catch((error: unknown) => console.warn('Cadence: could not update the destination summaries', error));
    return refreshes;
  };
  void refresh();
  const stop = destinationsSetting.watch(() => void refresh());
  return stop;
}

/** A test waits less than a queued upload: the user is watching the button. */
export const TEST_UPLOAD_TIMEOUT_MS = 30_000;

/**
 * Turns the panel's choice into the snapshot a queued item keeps. Refuses
 * (so nothing is queued) when the destination is gone or Cadence has no
 * access to its origin: the panel checks that first and offers to ask.
 */
export async function resolveDestination(choice: DestinationChoice, source?: ItemSource): Promise<DestinationSnapshot> {
  let snapshot: DestinationSnapshot;
  if (choice.kind === 'page-uploader') {
    // The page itself sends the file, with its own access: Cadence needs no permission for its origin.
    // The tab is the sender's (sourceOf(sender.tab)), never one the panel names: a panel can hand files
    // only to its own page.
    if (source?.tabId === undefined) {
      throw new Error("The page's uploader can be used only from the panel on that page");
    }
    return snapshotFromPageUploader(choice.uploader, source.tabId, source.origin);
  }
  if (choice.kind === 'page-form') {
    const fromForm = snapshotFromPageForm(choice.form);
    if (fromForm instanceof Error) throw new Error(`This page's form cannot be used: ${fromForm.message}`);
    snapshot = fromForm;
  } else {
    const saved = (await destinationsSetting.getValue()).find((destination) => destination.id === choice.id);
    if (!saved) throw new Error('The chosen destination no longer exists: choose another one');
    snapshot = snapshotOf(saved);
  }
  for (const url of accessUrls(snapshot)) await assertAccess(url);
  return snapshot;
}

async function assertAccess(url: string): Promise<void> {
  if (!accessPatternFor(url)) throw new Error('The destination URL is not an http(s) address');
  if (!(await hasAccess(url))) {
    throw new Error(`Cadence has no access to ${originLabel(url)}: allow it in the panel or the options page`);
  }
}

/** "Test destination": one small generated image, sent as a real upload would be. */
export async function testDestination(destination: Destination): Promise<DestinationTestResult> {
  const spec = snapshotOf(destination);
  try {
    for (const url of accessUrls(spec)) await assertAccess(url);
    const image = await sampleImage();
    // The same path as a queued upload, reply timeout included; Date.now, since nothing here is paced.
    const { outcome, reply } = await sendThroughTransport(
      { destination: spec, name: 'cadence-test.png', idempotencyKey: crypto.randomUUID() },
      image,
      { fetch: (request) => fetch(request), setTimer: setTimeoutTimer, now: Date.now },
      { uploadTimeoutMs: TEST_UPLOAD_TIMEOUT_MS, replyTimeoutMs: () => replyTimeoutMsSetting.getValue() },
    );
    if (!reply || outcome.ok) {
      return outcome.ok
        ? { ...outcome, status: reply?.status, excerpt: excerpt(reply?.body ?? '') }
        : { ok: false, status: outcome.httpStatus, excerpt: outcome.excerpt ?? '', error: outcome.error };
    }
    return { ok: false, status: reply.status, excerpt: excerpt(reply.body), error: outcome.error };
  } catch (error) {
    return { ok: false, excerpt: '', error: error instanceof Error ? error.message : String(error) };
  }
}

/** A 64x64 PNG with a gradient, so a server that checks for an image accepts it. */
async function sampleImage(): Promise<File> {
  const canvas = new OffscreenCanvas(64, 64);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  const gradient = context.createLinearGradient(0, 0, 64, 64);
  gradient.addColorStop(0, '#2b6cb0');
  gradient.addColorStop(1, '#f6ad55');
  context.fillStyle = gradient;
  context.fillRect(0, 0, 64, 64);
  return new File([await canvas.convertToBlob({ type: 'image/png' })], 'cadence-test.png', { type: 'image/png' });
}
