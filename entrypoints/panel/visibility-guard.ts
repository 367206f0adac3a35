import { t } from '@/utils/i18n';
import { PANEL_MOVED_MESSAGE } from '../page.content/panel-token';

/** How often, at most, Chrome re-checks the panel's visibility (the smallest `delay` it allows). */
const VISIBILITY_CHECK_MS = 100;

/**
 * A press counts only when the panel has been shown as itself, and its frame
 * has not moved, for this long: longer than the gap between the two presses
 * of a double-click (Chrome discards input to a cross-origin frame that moved
 * within the last 500 ms by the same reasoning).
 */
export const STEADY_MS = 500;

/** Presses that land where the pointer is: what a page that moves or reveals the panel could borrow. */
const PRESS_EVENTS = [
  'click',
  'auxclick',
  'dblclick',
  'mousedown',
  'mouseup',
  'pointerdown',
  'pointerup',
  'drop',
  'dragover',
] as const;
const POINTER_EVENTS: ReadonlySet<string> = new Set(PRESS_EVENTS);

/** Everything by which a user's hand could act on the panel without meaning to. */
const GUARDED_EVENTS = [...PRESS_EVENTS, 'keydown', 'keyup', 'keypress', 'paste'] as const;

/** Pointer events that only tell where the frame is (never stopped). */
const PLACE_EVENTS = ['pointermove', 'pointerover', 'pointerenter', 'mousemove', 'mouseover'] as const;

/** The IntersectionObserver v2 parts lib.dom does not declare yet. */
interface VisibilityEntry extends IntersectionObserverEntry {
  readonly isVisible?: boolean;
}

/**
 * Clickjacking guard. The panel is the page's guest: the page cannot script it,
 * but it can make its frame transparent, transform it, or paint something over
 * it, and so borrow the user's clicks (and drops) for "Resume", "Cancel all" or
 * a dropped private photo. IntersectionObserver v2 (`trackVisibility`) tells
 * whether the panel is shown as itself: no opacity, transform or filter from
 * the page, nothing painted over it. Until Chrome has said it is, and whenever
 * it says it is not, every pointer, key, paste and drop event is stopped at
 * the window before any of the panel's handlers sees it, and the panel says
 * why (`data-obscured`, drawn by ui.css). A press of the pointer counts only
 * once the panel has been shown as itself, and unmoved, for STEADY_MS: a page
 * that reveals the panel, or slides it under the pointer, between the two
 * presses of a double-click on a decoy gets neither press.
 *
 * No library does this; it is one observer. A browser without the API
 * (Firefox) reports no `isVisible`: the guard stays off there.
 */
export function guardAgainstBorrowedClicks(doc: Document = document): BorrowedClicksGuard {
  const view = doc.defaultView;
  if (!view || !('isVisible' in view.IntersectionObserverEntry.prototype))
    return { watchMoves: () => {}, stop: () => {} };
  // When the page last showed the panel as itself (null: it does not now), and when its frame last moved.
  let visibleSince: number | null = null;
  let movedAt = Number.NEGATIVE_INFINITY;
  const steady = (now: number) =>
    visibleSince !== null && now - visibleSince >= STEADY_MS && now - movedAt >= STEADY_MS;
  // The frame's place as the panel's own pointer events show it: the same screen point has another
  // client point once the frame moved. Known at once, in the panel's own thread, where the content
  // script's word (watchMoves) comes by message and, on a loaded machine, may come after the press.
  let lastOffset: { x: number; y: number } | undefined;
  const notePlace = (event: Event) => {
    if (!(event instanceof view.MouseEvent)) return;
    // A click made by a key (Space, Enter) or a drop built by script has no place: all zero. It says
    // nothing about where the frame is, and taking it for a move would stop the next real press.
    if (event.screenX === 0 && event.screenY === 0 && event.clientX === 0 && event.clientY === 0) return;
    const offset = { x: event.screenX - event.clientX, y: event.screenY - event.clientY };
    if (lastOffset && (Math.abs(offset.x - lastOffset.x) > 2 || Math.abs(offset.y - lastOffset.y) > 2)) {
      movedAt = view.performance.now();
      markSteady();
    }
    lastOffset = offset;
  };
  for (const type of PLACE_EVENTS) view.addEventListener(type, notePlace, { capture: true, passive: true });
  const stop = (event: Event) => {
    notePlace(event);
    const now = view.performance.now();
    if (visibleSince !== null && (!POINTER_EVENTS.has(event.type) || steady(now))) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  };
  for (const type of GUARDED_EVENTS) view.addEventListener(type, stop, { capture: true });
  const root = doc.documentElement;
  // `data-steady` says presses count now (for styles and for anyone watching the panel's state).
  let steadyTimer: ReturnType<typeof setTimeout> | undefined;
  const markSteady = () => {
    clearTimeout(steadyTimer);
    root.removeAttribute('data-steady');
    if (visibleSince === null) return;
    const now = view.performance.now();
    const wait = Math.max(visibleSince, movedAt) + STEADY_MS - now;
    steadyTimer = setTimeout(() => root.setAttribute('data-steady', ''), Math.max(0, wait));
  };
  const show = (next: boolean) => {
    const changed = next !== (visibleSince !== null);
    if (next && visibleSince === null) visibleSince = view.performance.now();
    if (!next) visibleSince = null;
    if (changed) markSteady();
    if (next) root.removeAttribute('data-obscured');
    else root.setAttribute('data-obscured', t('panelObscured'));
  };
  const observer = new view.IntersectionObserver(
    (entries) => {
      const latest = entries.at(-1) as VisibilityEntry | undefined;
      if (latest) show(latest.isVisible === true);
    },
    { trackVisibility: true, delay: VISIBILITY_CHECK_MS } as IntersectionObserverInit,
  );
  observer.observe(root);
  let movesPort: MessagePort | undefined;
  return {
    watchMoves(port) {
      movesPort = port;
      port.onmessage = (event: MessageEvent) => {
        if ((event.data as { type?: unknown } | null)?.type !== PANEL_MOVED_MESSAGE) return;
        movedAt = view.performance.now();
        markSteady();
      };
    },
    stop() {
      clearTimeout(steadyTimer);
      root.removeAttribute('data-steady');
      observer.disconnect();
      movesPort?.close();
      for (const type of GUARDED_EVENTS) view.removeEventListener(type, stop, { capture: true });
      for (const type of PLACE_EVENTS) view.removeEventListener(type, notePlace, { capture: true });
      root.removeAttribute('data-obscured');
    },
  };
}

export interface BorrowedClicksGuard {
  /**
   * Listens on the port the content script tells of the frame's moves on
   * (move-watch.ts): a press within STEADY_MS of a move does not count.
   * Given once the panel has claimed its token, so a page's own port is never taken.
   */
  watchMoves(port: MessagePort): void;
  stop(): void;
}
