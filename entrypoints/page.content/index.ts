import { createIframeUi } from 'wxt/utils/content-script-ui/iframe';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { findUploadForms } from '@/utils/destinations/page-form';
import { onMessage } from '@/utils/messages';
import { placePanel } from './placement';

/** Set in the isolated world, so an injection into a tab that has the panel only shows it again. */
declare global {
  interface Window {
    cadencePanelMounted?: boolean;
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
    if (window.cadencePanelMounted) return;
    window.cadencePanelMounted = true;

    let stopPlacing: Promise<() => void> | undefined;
    const ui = createIframeUi(ctx, {
      page: '/panel.html',
      position: 'inline',
      anchor: 'body',
      append: 'last',
      onBeforeMount(_wrapper, iframe) {
        // Paste and drop reach the panel only when it has focus; allow the clipboard
        // there (write: "Copy all" result links). Set before the iframe enters the
        // page: a permissions policy is fixed when the frame navigates.
        iframe.allow = 'clipboard-read; clipboard-write';
      },
      onMount(wrapper, iframe) {
        iframe.title = 'Cadence';
        stopPlacing = placePanel(wrapper, iframe, { onEscape: () => closePanel() });
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
    const uploadFormElements = () =>
      [...document.querySelectorAll('form')].filter((form) => form.querySelector('input[type=file][name]'));
    const stopFinding = onMessage('page/find-forms', () => findUploadForms(document));
    const stopHighlighting = onMessage('page/highlight-form', ({ data }) => {
      unhighlight();
      const form = data.index === null ? undefined : uploadFormElements()[data.index];
      if (!form) return;
      highlighted = { form, outline: form.style.outline, offset: form.style.outlineOffset };
      form.style.outline = '3px solid #2b6cb0';
      form.style.outlineOffset = '4px';
      form.setAttribute('data-cadence-chosen-form', '');
      form.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    });

    const stopListening = onMessage('panel/unmount', () => closePanel());
    function closePanel() {
      void stopPlacing?.then((stop) => stop());
      ui.remove();
      unhighlight();
      window.cadencePanelMounted = false;
      stopListening();
      stopFinding();
      stopHighlighting();
    }
  },
});
