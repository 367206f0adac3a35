import type { Dispatch, StateUpdater } from 'preact/hooks';
import { useEffect, useRef } from 'preact/hooks';
import { formatBytes } from '@/utils/format';
import { t } from '@/utils/i18n';
import { guardedReceiver } from '@/utils/message-guard';
import { EXTENSION_PAGE_RULES } from '@/utils/message-rules/extension-page';
import { sendMessage } from '@/utils/messages';
import type { PageImageResult } from '@/utils/page-images/fetch-image';
import type { PanelRow } from '@/utils/queue-view/panel-rows';

/** The background's notice that an image waits; nothing else may send it (utils/message-rules/extension-page.ts). */
const fromBackground = guardedReceiver('extension-page', EXTENSION_PAGE_RULES);

/**
 * "Upload this image": images right-clicked in this tab go into the list
 * exactly like dropped files. The panel takes them once a destination is
 * chosen (on mount, and whenever the background says one is waiting), so
 * none is sent before the user's destination is known.
 */
export function usePageImages(
  destinationUsable: boolean,
  addFiles: (files: File[]) => void,
  setRows: Dispatch<StateUpdater<PanelRow[]>>,
): void {
  // The latest callbacks; the listener is set up once per readiness change.
  const latest = useRef({ addFiles, setRows });
  latest.current = { addFiles, setRows };

  useEffect(() => {
    if (!destinationUsable) return;
    let taking = Promise.resolve();
    const take = () => {
      // One take at a time, so the images keep the order they were clicked in.
      taking = taking
        .then(async () => {
          // Rows appear in the order the images were right-clicked, failed ones included.
          for (const result of await sendMessage('page-images/take', undefined)) {
            if (result.kind === 'file') latest.current.addFiles([result.file]);
            else latest.current.setRows((current) => [...current, pageImageErrorRow(result)]);
          }
        })
        .catch(() => {
          // The worker was restarting; the next notice or the next panel takes them.
        });
    };
    const stop = fromBackground.on('page-images/ready', take);
    take();
    return stop;
  }, [destinationUsable]);
}

/** A right-clicked image that could not be read: a row that says why, nothing else touched. */
export function pageImageErrorRow(result: Extract<PageImageResult, { kind: 'error' }>): PanelRow {
  return {
    id: crypto.randomUUID(),
    name: result.name,
    // The size is known only when it was the reason.
    originalSize: result.code === 'too-large' ? Number(result.detail) : 0,
    phase: 'error',
    error: describePageImageError(result),
  };
}

function describePageImageError(result: Extract<PageImageResult, { kind: 'error' }>): string {
  switch (result.code) {
    case 'not-image':
      return t('errorNotImage', result.detail);
    case 'too-large':
      return t('pageImageTooLarge', formatBytes(Number(result.detail)));
    case 'fetch-failed':
      return t('pageImageUnreadable', result.detail);
  }
}
