import { t } from '@/utils/i18n';
import {
  clampToViewport,
  defaultPosition,
  GRIP_HEIGHT,
  KEY_STEP,
  panelSize,
  type Size,
} from '@/utils/page-panel/geometry';
import { type PanelPlace, readPanelPlace, savePanelPlace } from '@/utils/page-panel/place-setting';

/**
 * Adds the grip strip to the panel's wrapper and keeps the wrapper placed:
 * moved by dragging the grip (pointer capture, so the iframe never swallows
 * the drag) or by arrow keys on it, collapsed and expanded by its button,
 * clamped into the viewport on resize, and remembered per site (origin).
 * Lives in the page's DOM, outside the panel's iframe: a page can move or
 * fold it, which is harmless; it holds no extension data.
 */
export async function placePanel(
  wrapper: HTMLElement,
  iframe: HTMLIFrameElement,
  { onEscape }: { onEscape: () => void },
): Promise<() => void> {
  const origin = location.origin;
  // Out of the page's flow and unseen until its stored place is read: no flash at the page's end.
  Object.assign(wrapper.style, { position: 'fixed', visibility: 'hidden' });

  const grip = document.createElement('div');
  const handle = document.createElement('button');
  const toggle = document.createElement('button');
  grip.append(handle, toggle);
  wrapper.insertBefore(grip, iframe);
  wrapper.setAttribute('data-cadence-panel', '');
  grip.setAttribute('data-cadence-grip', '');
  handle.type = 'button';
  handle.setAttribute('data-cadence-move', '');
  handle.setAttribute('aria-label', t('panelMoveLabel'));
  handle.title = t('panelMoveLabel');
  handle.textContent = '⠿⠿⠿';
  toggle.type = 'button';
  toggle.setAttribute('data-cadence-collapse', '');

  // `all: initial` first: the page's own CSS must not restyle or hide the grip.
  const buttonStyle =
    'all:initial;font:12px/1 system-ui,sans-serif;color:#fff;cursor:pointer;padding:0 8px;height:100%;display:flex;align-items:center;';
  grip.style.cssText = `all:initial;display:flex;justify-content:space-between;height:${GRIP_HEIGHT}px;background:#3355dd;user-select:none;touch-action:none;`;
  handle.style.cssText = `${buttonStyle}cursor:move;flex:1;justify-content:center;letter-spacing:2px;`;
  toggle.style.cssText = buttonStyle;
  Object.assign(wrapper.style, {
    position: 'fixed',
    zIndex: '2147483647',
    display: 'flex',
    flexDirection: 'column',
    boxShadow: '0 8px 28px rgba(0,0,0,.28)',
    borderRadius: '10px',
    overflow: 'hidden',
    background: '#fff',
  });
  Object.assign(iframe.style, { width: '100%', flex: '1', minHeight: '0', border: '0', display: 'block' });

  // Read after the grip is in place, so the wrapper is marked and structured at once.
  const stored = await readPanelPlace(origin);
  let place: Omit<PanelPlace, 'savedAt'> = {
    left: stored?.left ?? null,
    top: stored?.top ?? null,
    collapsed: stored?.collapsed ?? false,
  };

  const viewport = (): Size => ({ width: window.innerWidth, height: window.innerHeight });

  /** Draws `place`; a position the window cannot hold is clamped (not saved, so a larger window restores it). */
  function apply() {
    const size = panelSize(place.collapsed, viewport());
    const position =
      place.left === null || place.top === null
        ? defaultPosition(size, viewport())
        : clampToViewport({ left: place.left, top: place.top }, size, viewport());
    Object.assign(wrapper.style, {
      left: `${position.left}px`,
      top: `${position.top}px`,
      width: `${size.width}px`,
      height: `${size.height}px`,
      visibility: 'visible',
    });
    wrapper.toggleAttribute('data-collapsed', place.collapsed);
    const label = t(place.collapsed ? 'panelExpand' : 'panelCollapse');
    toggle.textContent = place.collapsed ? '▴' : '▾';
    toggle.setAttribute('aria-label', label);
    toggle.setAttribute('aria-expanded', String(!place.collapsed));
    toggle.title = label;
  }

  function moveTo(left: number, top: number) {
    const size = panelSize(place.collapsed, viewport());
    place = { ...place, ...clampToViewport({ left, top }, size, viewport()) };
    apply();
  }

  const save = () => void savePanelPlace(origin, place);

  let drag: { pointerId: number; startX: number; startY: number; left: number; top: number } | undefined;
  handle.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    const rect = wrapper.getBoundingClientRect();
    drag = { pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, left: rect.left, top: rect.top };
    handle.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  handle.addEventListener('pointermove', (event) => {
    if (drag?.pointerId !== event.pointerId) return;
    moveTo(drag.left + event.clientX - drag.startX, drag.top + event.clientY - drag.startY);
  });
  const endDrag = (event: PointerEvent) => {
    if (drag?.pointerId !== event.pointerId) return;
    drag = undefined;
    save();
  };
  handle.addEventListener('pointerup', endDrag);
  handle.addEventListener('pointercancel', endDrag);

  const ARROWS: Record<string, [number, number]> = {
    ArrowLeft: [-1, 0],
    ArrowRight: [1, 0],
    ArrowUp: [0, -1],
    ArrowDown: [0, 1],
  };
  handle.addEventListener('keydown', (event) => {
    const arrow = ARROWS[event.key];
    if (!arrow) return;
    event.preventDefault();
    const step = event.shiftKey ? KEY_STEP * 5 : KEY_STEP;
    const rect = wrapper.getBoundingClientRect();
    moveTo(rect.left + arrow[0] * step, rect.top + arrow[1] * step);
    save();
  });
  grip.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') onEscape();
  });
  toggle.addEventListener('click', () => {
    place = { ...place, collapsed: !place.collapsed };
    apply();
    save();
  });

  const onResize = () => apply();
  window.addEventListener('resize', onResize);
  apply();
  return () => window.removeEventListener('resize', onResize);
}
