import { defineContentScript } from 'wxt/utils/define-content-script';
import { guardedReceiver } from '@/utils/message-guard';
import { CONTENT_SCRIPT_RULES } from '@/utils/message-rules/content-script';
import { fetchPageImage } from '@/utils/page-images/fetch-image';

declare global {
  interface Window {
    cadenceImageFetchReady?: boolean;
  }
}

/**
 * "Upload this image": injected by the background into the one frame the
 * user right-clicked (through `activeTab`), it answers the background's
 * `page/fetch-image` with the image's bytes. It lives in the frame because
 * only there does a fetch carry the page's origin: a `blob:` URL the page
 * made, and an image behind the page's cookies, are readable from here only.
 */
export default defineContentScript({
  registration: 'runtime',
  main() {
    // A second "Upload this image" in the same frame injects again; one listener is enough.
    if (window.cadenceImageFetchReady) return;
    window.cadenceImageFetchReady = true;
    // Only the background may ask (utils/message-rules/content-script.ts); the page cannot reach this listener at all.
    guardedReceiver('content-script', CONTENT_SCRIPT_RULES).on('page/fetch-image', ({ data }) =>
      fetchPageImage(data.url),
    );
  },
});
