/**
 * The `type` of the one window message the content script posts into its
 * panel iframe (the panel's claim token). Both sides need it: the content
 * script sends it, the panel page listens for it.
 */
export const PANEL_TOKEN_MESSAGE = 'cadence/panel-token';
