import { browser } from 'wxt/browser';
import { createIframeUi } from 'wxt/utils/content-script-ui/iframe';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { findUploadForms, findUploadTargets } from '@/utils/destinations/page-form';
import { guardedReceiver } from '@/utils/message-guard';
import { CONTENT_SCRIPT_RULES } from '@/utils/message-rules/content-script';
import { watchPanelMoves } from './move-watch';
import { listenForPageUploaders } from './page-uploaders';
import { handTokenToPanel, takePanelToken } from './panel-token';
import { placePanel } from './placement';

/** Set in the isolated world, so a new injection can let go of the previous panel's listeners. */
declare global {
  interface Window {
    cadencePanel?: { unmount(): void };
  }
}

/**
 * Injected on demand (popup button, context menu) through `activeTab`; never
 * declared for every site. It only mounts, places and removes the panel,
 * which is an extension page in an iframe: the page cannot read or drive it.
 */
export default defineContentScript({
  registration: 'runtime',
  main(ctx) {
    const panelToken = takePanelToken();
    // Each injection mounts a new panel with its own token. WXT has already removed
    // the previous injection's iframe (it invalidates an older context of this script
    // as a new one starts); what is left is its message listeners, or a panel the
    // page removed.
    window.cadencePanel?.unmount();

    let stopPlacing: Promise<() => void> | undefined;
    let movesPort: MessagePort | undefined;
    let stopWatchingMoves = () => {};
    const ui = createIframeUi(ctx, {
      page: '/panel.html',
      position: 'inline',
      anchor: 'body',
      append: 'last',
      onBeforeMount(_wrapper, iframe) {
        // Paste and drop reach the panel only when it has focus; allow the clipboard
        // there (write: "Copy all" result links). Set before the iframe enters the
        // page: a permissions policy is fixed when the frame navigates. Named by the
        // extension's own origin: the src is the session's dynamic URL (use_dynamic_url),
        // whose origin is not the one the panel document runs in.
        const panelOrigin = `chrome-extension://${browser.runtime.id}`;
        iframe.allow = `clipboard-read ${panelOrigin}; clipboard-write ${panelOrigin}`;
        movesPort = handTokenToPanel(iframe, panelToken);
      },
      onMount(wrapper, iframe) {
        iframe.title = 'Cadence';
        stopPlacing = placePanel(wrapper, iframe, { onEscape: () => closePanel() });
        if (movesPort) stopWatchingMoves = watchPanelMoves(wrapper, iframe, movesPort);
      },
    });
    ui.mount();

    // "This page's upload form": the panel asks (through the background) for
    // the page's upload forms and which one to outline. Only page data flows
    // here; nothing from extension storage ever reaches this script.
    let highlighted: { form: HTMLFormElement; outline: string; offset: string } | undefined;
    const unhighlight = () => {
      if (!highlighted) return;
      highlighted.form.style.outline = highlighted.outline;
      highlighted.form.style.outlineOffset = highlighted.offset;
      highlighted.form.removeAttribute('data-cadence-chosen-form');
      highlighted = undefined;
    };
    // Only the background may ask (utils/message-rules/content-script.ts); the page cannot reach this listener at all.
    const messages = guardedReceiver('content-script', CONTENT_SCRIPT_RULES);
    const stopFinding = messages.on('page/find-forms', () => findUploadForms(document));
    // The page's own uploaders outlive the panel: a batch handed to them goes on with the panel closed.
    ctx.onInvalidated(listenForPageUploaders(messages));
    const stopHighlighting = messages.on('page/highlight-form', ({ data }) => {
      unhighlight();
      const form = data.index === null ? undefined : findUploadTargets(document)[data.index]?.form;
      if (!form) return;
      highlighted = { form, outline: form.style.outline, offset: form.style.outlineOffset };
      form.style.outline = '3px solid #2b6cb0';
      form.style.outlineOffset = '4px';
      form.setAttribute('data-cadence-chosen-form', '');
      form.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    });

    function closePanel() {
      void stopPlacing?.then((stop) => stop());
      stopWatchingMoves();
      ui.remove();
      unhighlight();
      window.cadencePanel = undefined;
      stopListening();
      stopFinding();
      stopHighlighting();
    }
    const stopListening = messages.on('panel/unmount', closePanel);
    window.cadencePanel = { unmount: closePanel };
  },
});
