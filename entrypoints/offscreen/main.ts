import { linkToBackground } from '@/utils/background-link';
import { sendUntilAnswered } from '@/utils/hand-over';
import { sendMessage } from '@/utils/messages';
import { compressWaiting } from '@/utils/queue/compress-waiting';

// Chrome's offscreen document, opened by the background when images were
// added but their panel went away before compressing them: a service worker
// cannot run the compression workers, a page can. Its link to the background
// also keeps a stopped worker coming back while it works.
const link = linkToBackground();
void compressWaiting({
  claim: () => sendUntilAnswered(() => sendMessage('originals/claim', { owner: link.id })),
  deliver: (compressed) => sendUntilAnswered(() => sendMessage('queue/add-compressed', compressed)),
  notCompressed: (report) => sendUntilAnswered(() => sendMessage('originals/not-compressed', report)),
}).finally(() => {
  link.close();
  window.close();
});
