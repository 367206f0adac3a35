import type { GuardedReceiver } from '@/utils/message-guard';
import type { CONTENT_SCRIPT_RULES } from '@/utils/message-rules/content-script';
import type { UploaderHandOver } from '@/utils/messages';
import { findPageUploaders, findUploaderTargets, type UploaderTarget } from '@/utils/page-uploaders/find';
import {
  followUpload,
  type PageUploadOutcome,
  pageErrorFor,
  parseUploadReport,
  shownPageErrors,
  type UploadReport,
} from '@/utils/page-uploaders/follow-upload';
import { handFilesTo } from '@/utils/page-uploaders/hand-over';

/**
 * The content script's side of "this page's uploader": lists the page's
 * uploaders, outlines one, hands it a file and follows the request it makes.
 * Only the background asks (utils/message-rules/content-script.ts); the files come from the
 * batch the user handed to this page, one at a time.
 */
export function listenForPageUploaders(messages: GuardedReceiver<typeof CONTENT_SCRIPT_RULES>): () => void {
  let outlined: { element: HTMLElement; outline: string; offset: string } | undefined;
  /** The request watcher's event name in this page, while a batch goes to it. */
  let channel: string | undefined;
  const listeners = new Set<(report: UploadReport) => void>();
  /** Every window that may carry the watcher's reports: the page's and its same-origin frames'. */
  let watchedWindows: Window[] = [];

  const unoutline = () => {
    if (!outlined) return;
    outlined.element.style.outline = outlined.outline;
    outlined.element.style.outlineOffset = outlined.offset;
    outlined = undefined;
  };
  const onReport = (event: Event) => {
    const report = parseUploadReport((event as CustomEvent).detail);
    if (report) for (const listener of listeners) listener(report);
  };
  const listenOn = (view: Window) => {
    if (!channel || watchedWindows.includes(view)) return;
    view.addEventListener(channel, onReport);
    watchedWindows.push(view);
  };
  const stopWatching = () => {
    if (!channel) return;
    for (const view of watchedWindows) {
      view.removeEventListener(channel, onReport);
      view.dispatchEvent(new CustomEvent(`${channel}:stop`));
    }
    watchedWindows = [];
    channel = undefined;
  };

  const stops = [
    messages.on('page/find-uploaders', () => findPageUploaders(document)),
    messages.on('page/highlight-uploader', ({ data }) => {
      unoutline();
      const target = data.index === null ? undefined : findUploaderTargets(document)[data.index];
      // A hidden input has no box to outline: outline what the person sees, the button around it.
      const element = target && visibleBox(target);
      if (!element) return;
      outlined = { element, outline: element.style.outline, offset: element.style.outlineOffset };
      element.style.outline = '3px solid #2b6cb0';
      element.style.outlineOffset = '4px';
      element.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }),
    messages.on('page/watch-uploads', () => {
      if (channel) return { channel, fresh: false };
      channel = `cadence-uploads-${crypto.randomUUID()}`;
      listenOn(window);
      return { channel, fresh: true };
    }),
    messages.on('page/hand-to-uploader', ({ data }) => handToUploader(data)),
    messages.on('page/stop-watching', () => {
      stopWatching();
      unoutline();
    }),
  ];

  async function handToUploader(handOver: UploaderHandOver): Promise<PageUploadOutcome> {
    const targets = findUploaderTargets(document);
    const target = targets.find((candidate) => candidate.uploader.label === handOver.label) ?? targets[handOver.index];
    if (!target) return { kind: 'not-started' };
    const page = target.element.ownerDocument;
    const view = page.defaultView;
    if (view) listenOn(view);
    // An error the uploader still shows for an earlier try of a file of the same name (before Retry) is not this try's.
    const earlierErrors = shownPageErrors(page);
    const outcome = followUpload(
      handOver.file,
      (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      {
        startWithinMs: handOver.startWithinMs,
        readPageError: (name) => pageErrorFor(page, name, earlierErrors),
      },
    );
    handFilesTo(target, [handOver.file]);
    return outcome;
  }

  return () => {
    for (const stop of stops) stop();
    stopWatching();
    unoutline();
  };
}

/** The element itself, or the nearest ancestor with a box. Not `instanceof HTMLElement`: a frame's elements have their own realm. */
function visibleBox(target: UploaderTarget): HTMLElement | undefined {
  let element: Element | null = target.element;
  while (element && element.getClientRects().length === 0) element = element.parentElement;
  return element && 'style' in element ? (element as HTMLElement) : undefined;
}
