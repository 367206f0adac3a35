import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { pageUploadOutcome } from '@/utils/message-rules/background';
import { sendMessage } from '@/utils/messages';
import type { PageUploadOutcome } from '@/utils/page-uploaders/follow-upload';
import { installUploadWatcher } from '@/utils/page-uploaders/request-watcher';
import type { QueueItem } from '@/utils/queue/types';
import { EXCERPT_LENGTH, PROBLEM_NAMES, type UploadOutcome } from '@/utils/upload/parse-reply';

/**
 * "The page did not upload it" once this long passed after the hand-over
 * without a request carrying the file. Pages take their time: FilePond loads
 * each file and animates its list before sending, and on a busy machine with
 * 20 files in its list that took over 10 s.
 */
export const PAGE_UPLOAD_START_MS = 30_000;

/**
 * The transport of "this page's uploader": instead of a fetch, the file goes
 * to the content script of the item's tab, which hands it to the uploader
 * the user chose and follows the request the page makes. The queue's pace,
 * pause, cancel and retry stay the runner's; this is one attempt.
 */
export async function handToPageUploader(item: QueueItem, blob: Blob, signal: AbortSignal): Promise<UploadOutcome> {
  const target = item.destination.pageUploader;
  if (!target) return { ok: false, kind: 'file', error: 'Not a page uploader item' };
  const { tabId } = target;
  try {
    const { channel, fresh } = await sendMessage('page/watch-uploads', undefined, tabId);
    if (fresh) {
      // The watcher runs in the page's own world, only in this tab, from the user's batch on (activeTab).
      const inject = (allFrames: boolean) =>
        browser.scripting.executeScript({
          target: { tabId, allFrames },
          world: 'MAIN',
          func: installUploadWatcher,
          args: [channel],
        });
      // Every frame, for uploaders in same-origin frames; a frame Cadence may not enter
      // (another origin: an ad, a video) must not keep it from the page itself.
      await inject(true).catch(() => inject(false));
    }
  } catch (error) {
    return unreachable(error);
  }
  const file = new File([blob], item.name, { type: item.type || blob.type });
  let reply: unknown;
  try {
    const handing = sendMessage(
      'page/hand-to-uploader',
      { label: target.label, index: target.index, file, startWithinMs: PAGE_UPLOAD_START_MS },
      tabId,
    );
    reply = await Promise.race([handing, aborted(signal)]);
  } catch (error) {
    if (signal.aborted && signal.reason === 'timed out') {
      return { ok: false, kind: 'timeout', error: 'The page did not finish the upload in time' };
    }
    if (signal.aborted) return { ok: false, kind: 'cancelled', error: 'Cancelled' };
    return unreachable(error);
  }
  // The content script runs in a web page: its reply is checked before it is believed.
  const parsed = v.safeParse(pageUploadOutcome, reply);
  if (!parsed.success) return unreachable('the page gave an answer of the wrong shape');
  return toUploadOutcome(parsed.output);
}

/** Tells the item's page its batch ended: the request watcher is removed. */
export async function stopWatchingPage(tabId: number): Promise<void> {
  await sendMessage('page/stop-watching', undefined, tabId).catch(() => {});
}

/** Row outcome for what the page did. Not retried automatically unless the request itself broke. */
export function toUploadOutcome(outcome: PageUploadOutcome): UploadOutcome {
  switch (outcome.kind) {
    case 'uploaded':
      return { ok: true, httpStatus: outcome.status, ...(outcome.link ? { resultUrl: outcome.link } : {}) };
    case 'not-started':
      // Handing the same file again would most likely be ignored again: the user decides (Retry).
      return {
        ok: false,
        kind: 'unreadable',
        problem: 'page-did-not-upload',
        error: `${PROBLEM_NAMES['page-did-not-upload']} within ${PAGE_UPLOAD_START_MS / 1000} s`,
      };
    case 'failed': {
      const excerpt = (outcome.message || outcome.excerpt).slice(0, EXCERPT_LENGTH);
      const withExcerpt = excerpt ? { excerpt } : {};
      if (outcome.reason === 'network') {
        // The connection broke: the same pace decides when to hand it over again.
        return { ok: false, kind: 'reset', error: "The page's upload request failed", ...withExcerpt };
      }
      if (outcome.reason === 'page-error' || outcome.message) {
        return {
          ok: false,
          kind: 'http',
          ...(outcome.status === undefined ? {} : { httpStatus: outcome.status }),
          problem: 'page-showed-error',
          error: PROBLEM_NAMES['page-showed-error'],
          ...withExcerpt,
        };
      }
      return {
        ok: false,
        kind: 'http',
        ...(outcome.status === undefined ? {} : { httpStatus: outcome.status }),
        error: `HTTP ${outcome.status ?? '?'}`,
        ...withExcerpt,
      };
    }
  }
}

function unreachable(error: unknown): UploadOutcome {
  return {
    ok: false,
    kind: 'unreadable',
    problem: 'page-unreachable',
    error: `${PROBLEM_NAMES['page-unreachable']} (${error instanceof Error ? error.message : String(error)})`,
  };
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
