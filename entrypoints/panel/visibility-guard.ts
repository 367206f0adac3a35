import { t } from '@/utils/i18n';

/** How often, at most, Chrome re-checks the panel's visibility (the smallest `delay` it allows). */
const VISIBILITY_CHECK_MS = 100;

/** Everything by which a user's hand could act on the panel without meaning to. */
const GUARDED_EVENTS = [
  'click',
  'auxclick',
  'dblclick',
  'mousedown',
  'mouseup',
  'pointerdown',
  'pointerup',
  'keydown',
  'keyup',
  'keypress',
  'paste',
  'drop',
  'dragover',
] as const;

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
 * why (`data-obscured`, drawn by ui.css).
 *
 * No library does this; it is one observer. A browser without the API
 * (Firefox) reports no `isVisible`: the guard stays off there.
 */
export function guardAgainstBorrowedClicks(doc: Document = document): () => void {
  const view = doc.defaultView;
  if (!view || !('isVisible' in view.IntersectionObserverEntry.prototype)) return () => {};
  let visible = false;
  const stop = (event: Event) => {
    if (visible) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  };
  for (const type of GUARDED_EVENTS) view.addEventListener(type, stop, { capture: true });
  const root = doc.documentElement;
  const show = (next: boolean) => {
    visible = next;
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
  return () => {
    observer.disconnect();
    for (const type of GUARDED_EVENTS) view.removeEventListener(type, stop, { capture: true });
    root.removeAttribute('data-obscured');
  };
}
