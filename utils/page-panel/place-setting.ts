import { storage } from 'wxt/utils/storage';

/**
 * Where the panel sits on one site. `left`/`top` are null until the user moves
 * it: then it keeps the default bottom-right corner.
 */
export interface PanelPlace {
  left: number | null;
  top: number | null;
  collapsed: boolean;
  /** When it was last saved, so the oldest sites are forgotten first. */
  savedAt: number;
}

/** Sites remembered; beyond this the least recently saved one is dropped. */
export const MAX_REMEMBERED_SITES = 200;

/**
 * The panel's place per site (by origin). Declared in its own module, and
 * re-exported by utils/settings.ts, because the content script reads it:
 * importing settings.ts there would run the destinations' migration and
 * `init`, reading destination secrets inside a web page's content script.
 * @default {} (every site: bottom-right, expanded)
 */
export const panelPlacesSetting = storage.defineItem<Record<string, PanelPlace>>('local:panelPlaces', {
  fallback: {},
});

export async function readPanelPlace(origin: string): Promise<PanelPlace | undefined> {
  return (await panelPlacesSetting.getValue())[origin];
}

export async function savePanelPlace(origin: string, place: Omit<PanelPlace, 'savedAt'>, now = Date.now()) {
  const places = { ...(await panelPlacesSetting.getValue()), [origin]: { ...place, savedAt: now } };
  const byAge = Object.entries(places).sort(([, a], [, b]) => b.savedAt - a.savedAt);
  await panelPlacesSetting.setValue(Object.fromEntries(byAge.slice(0, MAX_REMEMBERED_SITES)));
}
