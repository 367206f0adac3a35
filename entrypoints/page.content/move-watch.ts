import { PANEL_MOVED_MESSAGE } from './panel-token';

/**
 * Tells the panel, over the port handed over with its token, whenever its
 * frame's place on the screen changes: a page that slides the panel under
 * the pointer between two presses of a double-click must not get the
 * second press onto a button (the panel counts a click only when its frame
 * has not moved for a while: visibility-guard.ts). The panel cannot see its
 * own frame's place; this script can.
 *
 * Checked every animation frame (any move the page makes, by the wrapper's
 * style, an ancestor's transform or layout, shows in the frame's rectangle
 * before it is painted) and at once when the page edits the wrapper's or
 * frame's attributes. Runs only while the panel is mounted.
 */
export function watchPanelMoves(wrapper: HTMLElement, iframe: HTMLIFrameElement, port: MessagePort): () => void {
  let last = '';
  let frame = 0;
  const check = () => {
    const rect = iframe.getBoundingClientRect();
    const place = `${rect.x},${rect.y},${rect.width},${rect.height}`;
    if (last && place !== last) port.postMessage({ type: PANEL_MOVED_MESSAGE });
    last = place;
  };
  const loop = () => {
    check();
    frame = requestAnimationFrame(loop);
  };
  loop();
  const observer = new MutationObserver(check);
  for (const target of [wrapper, iframe, document.documentElement, document.body]) {
    if (target) observer.observe(target, { attributes: true });
  }
  return () => {
    cancelAnimationFrame(frame);
    observer.disconnect();
    port.close();
  };
}
