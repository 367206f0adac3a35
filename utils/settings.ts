import { storage } from 'wxt/utils/storage';

import { type Destination, newDestination } from './destinations/model';

/** Every stored setting, declared once with its fallback. */

/**
 * The keys of the single-URL settings before destinations existed. Read once,
 * by the destinations' `init`, to carry a configured URL over; then removed.
 */
const LEGACY_URL_KEY = 'local:destinationUrl';
const LEGACY_FIELD_KEY = 'local:fileFieldName';
export const MIGRATED_DESTINATION_ID = 'migrated';

/**
 * Configured destinations (see utils/destinations/model.ts). Secrets in them
 * (headers, tokens, fields) stay in extension storage and the background.
 * @default [] (or the one URL configured before destinations existed)
 */
export const destinationsSetting = storage.defineItem<Destination[]>('local:destinations', {
  fallback: [],
  version: 1,
  async init() {
    const [url, fieldName] = await Promise.all([
      storage.getItem<string>(LEGACY_URL_KEY),
      storage.getItem<string>(LEGACY_FIELD_KEY),
    ]);
    await storage.removeItems([LEGACY_URL_KEY, LEGACY_FIELD_KEY]);
    if (!url) return [];
    return [migratedDestination(url, fieldName || 'file')];
  },
});

/** The destination the panel's hand-overs go to, unless the user picks this page's form. @default '' (none) */
export const activeDestinationIdSetting = storage.defineItem<string>('local:activeDestinationId', {
  fallback: '',
  async init() {
    const [first] = await destinationsSetting.getValue();
    return first?.id ?? '';
  },
});

/** What the old single-URL settings meant: a multipart POST with the file in one field, a JSON `url` reply. */
export function migratedDestination(url: string, fileField: string): Destination {
  let name = url;
  try {
    name = new URL(url).host;
  } catch {
    // Keep the text as the name; the options page shows what is wrong with it.
  }
  return newDestination({
    id: MIGRATED_DESTINATION_ID,
    name,
    url,
    body: { kind: 'multipart', fileField, fields: [] },
  });
}

/**
 * Pause between one upload's end and the next one's start, in milliseconds.
 * 20 s is what the founding note recommends for big batches.
 * @default 20000
 */
export const uploadDelayMsSetting = storage.defineItem<number>('local:uploadDelayMs', {
  fallback: 20_000,
});

export const MAX_UPLOAD_DELAY_MS = 10 * 60_000;

/** Accepts a delay typed by a user in seconds; rejects what is not a sane number. */
export function parseDelaySeconds(text: string): number | Error {
  const seconds = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    return new Error('delay must be a number of seconds, 0 or more');
  }
  const ms = Math.round(seconds * 1000);
  return ms > MAX_UPLOAD_DELAY_MS ? new Error('delay must be at most 600 seconds') : ms;
}

/** Only http(s) destinations: anything else could not be fetched or would leak. */
export function parseDestinationUrl(text: string): URL | Error {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return new Error('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return new Error('only http and https destinations are supported');
  }
  return url;
}
