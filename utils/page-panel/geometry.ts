/** The panel's size and place in the page: pure, shared by the content script and the tests. */

export const PANEL_WIDTH = 420;
export const PANEL_MAX_HEIGHT = 620;
/** Distance kept from the viewport's edges. */
export const EDGE_MARGIN = 16;
/** The grip strip above the panel, outside its iframe: drag it, or focus it and use the arrow keys. */
export const GRIP_HEIGHT = 24;
/** The panel's own header (title, batch summary, close): what stays visible when collapsed. Matches ui.css. */
export const PANEL_HEADER_HEIGHT = 44;
/** One arrow-key press moves this far; with Shift, five times as far. */
export const KEY_STEP = 24;

export interface Size {
  width: number;
  height: number;
}

/** The panel's size: fixed width and height, smaller on a small viewport; collapsed to the grip and header. */
export function panelSize(collapsed: boolean, viewport: Size): Size {
  const room = (length: number) => Math.max(0, length - 2 * EDGE_MARGIN);
  return {
    width: Math.min(PANEL_WIDTH, room(viewport.width)),
    height: collapsed ? GRIP_HEIGHT + PANEL_HEADER_HEIGHT : Math.min(PANEL_MAX_HEIGHT, room(viewport.height)),
  };
}

/**
 * The top-left corner kept inside the viewport: a panel moved to a place that
 * a smaller window no longer has comes back into view, grip first (the grip
 * is how it is moved again, so it must never leave the screen).
 */
export function clampToViewport(
  position: { left: number; top: number },
  size: Size,
  viewport: Size,
): { left: number; top: number } {
  const maxLeft = Math.max(0, viewport.width - size.width);
  const maxTop = Math.max(0, viewport.height - size.height);
  return {
    left: Math.round(Math.min(Math.max(0, position.left), maxLeft)),
    top: Math.round(Math.min(Math.max(0, position.top), maxTop)),
  };
}

/** Where a panel not yet moved on this site sits: bottom-right. */
export function defaultPosition(size: Size, viewport: Size): { left: number; top: number } {
  return clampToViewport(
    { left: viewport.width - size.width - EDGE_MARGIN, top: viewport.height - size.height - EDGE_MARGIN },
    size,
    viewport,
  );
}
