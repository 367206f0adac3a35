import * as v from 'valibot';
import { storage } from 'wxt/utils/storage';
import { type CompressionTarget, DEFAULT_CUSTOM_TARGET, isPresetId, type PresetId } from './compress/presets';
import { type Destination, newDestination } from './destinations/model';
import { LocalizedError, localized } from './localized';
import type { HeldLevel } from './pacing/adaptive-controller';
import type { GlobalPace } from './pacing/destination-pace';
import { DEFAULT_PACE, type Pace, paceSchema } from './pacing/pace';
import type { QuotaReading } from './pacing/rate-limit-quota';

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
  version: 3,
  migrations: {
    // v2: the preset id becomes a choice among the presets, and transparentAs appears.
    2: (stored: StoredDestinationV1[]) => stored.map(destinationV2),
    // v3: the pause alone becomes a whole pace of its own.
    3: (stored: StoredDestinationV2[]) => stored.map(destinationV3),
  },
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

/** A destination as version 2 stored it: its own pause (`delayMs`), no `pacing`. */
export type StoredDestinationV2 = Omit<Destination, 'pacing'> & {
  delayMs?: number | null;
  pacing?: Destination['pacing'];
};

/** A destination as version 1 stored it: no `transparentAs`, the preset id free text. */
export type StoredDestinationV1 = Omit<StoredDestinationV2, 'transparentAs'> &
  Partial<Pick<StoredDestinationV2, 'transparentAs'>>;

/**
 * v2 to v3: a destination's own pause becomes its own pace, sequential with
 * that pause and the default cap, floor and retries (the pause was stored
 * but never used by the queue before v3). Idempotent, like v2.
 */
export function destinationV3(stored: StoredDestinationV2): Destination {
  const { delayMs, pacing, ...rest } = stored;
  if (pacing !== undefined) return { ...rest, pacing };
  const hasPause = typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0;
  return { ...rest, pacing: hasPause ? { ...DEFAULT_PACE, mode: 'sequential', delayMs } : null };
}

/** v1 to v2; idempotent, since a list saved without the version marker is migrated again. */
export function destinationV2(stored: StoredDestinationV1): StoredDestinationV2 {
  return {
    ...stored,
    compressionPresetId: isPresetId(stored.compressionPresetId) ? stored.compressionPresetId : null,
    transparentAs: stored.transparentAs === 'png' ? 'png' : 'webp',
  };
}

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
 * The compression preset a new batch starts with; the panel can change it
 * for its batch. Large keeps photos sharp at 2048 px and under 1 MB.
 * @default 'large'
 */
export const defaultPresetSetting = storage.defineItem<PresetId>('local:defaultPreset', {
  fallback: 'large',
});

/**
 * The Custom preset's numbers (longest side, size cap, format, quality).
 * @default Large's: 2048 px, 1 MB, auto format, quality 0.8
 */
export const customTargetSetting = storage.defineItem<CompressionTarget>('local:customTarget', {
  fallback: DEFAULT_CUSTOM_TARGET,
});

/**
 * Keep EXIF (camera, date, GPS) in JPEG output. Off: photos often carry the
 * place they were taken, which must not leave the machine unasked.
 * @default false
 */
export const keepJpegMetadataSetting = storage.defineItem<boolean>('local:keepJpegMetadata', {
  fallback: false,
});

/** Where the delay was stored apart from the rest of the pace (pace v1). Read, never removed: see paceSetting. */
const LEGACY_DELAY_KEY = 'local:uploadDelayMs';

/**
 * How uploads are paced when a destination has no pace of its own (see
 * utils/pacing/pace.ts). v2 holds the delay too, which v1 kept in its own key.
 * @default DEFAULT_PACE: sequential, 20 s apart
 */
export const paceSetting = storage.defineItem<Pace>('local:pacing', {
  fallback: DEFAULT_PACE,
  version: 2,
  migrations: {
    // v2: the delay joins the pace. The old key stays, so a migration run at once by a second context reads the same.
    2: (stored: Omit<Pace, 'delayMs'>) => withLegacyDelay(stored),
  },
  // Nothing stored under the pace yet: a delay may still be under the old key.
  init: () => withLegacyDelay({}),
});

async function withLegacyDelay(stored: Partial<Pace>): Promise<Pace> {
  const delayMs = await storage.getItem<number>(LEGACY_DELAY_KEY);
  return { ...DEFAULT_PACE, ...stored, ...(typeof delayMs === 'number' ? { delayMs } : {}) };
}

/** The stored pace, with defaults for keys an older version did not store. */
export async function readPace(): Promise<Pace> {
  return { ...DEFAULT_PACE, ...(await paceSetting.getValue()) };
}

/** Changes of one context are written one after another: the delay and the mode typed in quick succession both stay. */
let paceWrites: Promise<void> = Promise.resolve();

export function updatePace(patch: Partial<Pace>): Promise<void> {
  const write = paceWrites.then(async () => paceSetting.setValue({ ...(await readPace()), ...patch }));
  paceWrites = write.catch(() => {});
  return write;
}

/**
 * The adaptive pace's level per destination (by destination id), so the next
 * batch starts where the last one ended instead of probing again. State, not
 * a setting: not exported with the settings; no part of a URL is kept.
 * @default {}
 */
export const adaptiveLevelsSetting = storage.defineItem<Record<string, HeldLevel>>('local:adaptiveLevels', {
  fallback: {},
});

export async function rememberAdaptiveLevel(destinationKey: string, level: HeldLevel): Promise<void> {
  await adaptiveLevelsSetting.setValue({ ...(await adaptiveLevelsSetting.getValue()), [destinationKey]: level });
}

/**
 * The latest rate-limit reading per destination (by destination id), so a
 * used-up quota holds the next batch too, after the list was cleared or the
 * browser restarted. State, not a setting: not exported with the settings.
 * @default {}
 */
export const rateLimitReadingsSetting = storage.defineItem<Record<string, QuotaReading>>('local:rateLimitReadings', {
  fallback: {},
});

/** Uploads finishing together both write: one after the other, so neither reading is lost. */
let rateLimitWrites: Promise<void> = Promise.resolve();

/** Keeps `reading` for its destination, and drops readings whose window is over (they hold nothing). */
export function rememberRateLimit(destinationKey: string, reading: QuotaReading, now = Date.now()): Promise<void> {
  const write = rateLimitWrites.then(async () => {
    const kept = Object.entries(await rateLimitReadingsSetting.getValue()).filter(
      ([key, stored]) => key !== destinationKey && stored.resetAt > now,
    );
    await rateLimitReadingsSetting.setValue({ ...Object.fromEntries(kept), [destinationKey]: reading });
  });
  rateLimitWrites = write.catch(() => {});
  return write;
}

/**
 * The user paused the queue: no new starts until they resume. Stored, so a
 * pause outlives the service worker and a browser restart.
 * @default false
 */
export const queuePausedSetting = storage.defineItem<boolean>('local:queuePaused', {
  fallback: false,
});

/**
 * How long the rest of a reply may take once its status arrived, in ms: a
 * server that sends headers and then nothing more ("Reply never finished")
 * frees its slot after this. Upload replies are small, so this is short
 * beside the whole upload's 5 minutes.
 * @default 30_000
 */
export const replyTimeoutMsSetting = storage.defineItem<number>('local:replyTimeoutMs', {
  fallback: 30_000,
});

export const REPLY_TIMEOUT_LIMITS = { minSeconds: 1, maxSeconds: 300 } as const;
/** A reply timeout the options' form would accept: whole milliseconds within the limits. */
export const replyTimeoutMsSchema = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(REPLY_TIMEOUT_LIMITS.minSeconds * 1000),
  v.maxValue(REPLY_TIMEOUT_LIMITS.maxSeconds * 1000),
);

/**
 * Whether the panel's destination-and-pace fold is open; the panel opens as the
 * user left it. Open until folded once: a new user sees where to choose.
 * @default true
 */
export const panelSettingsOpenSetting = storage.defineItem<boolean>('local:panelSettingsOpen', {
  fallback: true,
});

// The panel's place per site lives in its own module (the content script reads it; see there).
export { type PanelPlace, panelPlacesSetting } from './page-panel/place-setting';

/** Everything the queue paces by, read together: the background's plan and "Copy diagnostics" both use it. */
export async function readGlobalPace(): Promise<GlobalPace & { replyTimeoutMs: number }> {
  const [pace, paused, replyTimeoutMs] = await Promise.all([
    readPace(),
    queuePausedSetting.getValue(),
    replyTimeoutMsSetting.getValue(),
  ]);
  return { ...pace, paused, replyTimeoutMs };
}

/** A whole number typed by a user, within limits. */
export function parseWholeNumber(text: string, min: number, max: number): number | LocalizedError {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    return new LocalizedError(
      `must be a whole number from ${min} to ${max}`,
      localized('settingWholeNumber', String(min), String(max)),
    );
  }
  return value;
}

/** Accepts a delay typed by a user in seconds; the range is the pace's one check (paceSchema). */
export function parseDelaySeconds(text: string): number | LocalizedError {
  const seconds = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    return new LocalizedError('delay must be a number of seconds, 0 or more', localized('settingDelayNumber'));
  }
  const ms = Math.round(seconds * 1000);
  return v.is(paceSchema.entries.delayMs, ms)
    ? ms
    : new LocalizedError('delay must be at most 600 seconds', localized('paceProblemDelay'));
}

/** Only http(s) destinations: anything else could not be fetched or would leak. */
export function parseDestinationUrl(text: string): URL | LocalizedError {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return new LocalizedError('not a URL', localized('settingNotUrl'));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return new LocalizedError('only http and https destinations are supported', localized('problemUrlScheme'));
  }
  return url;
}

// The language setting lives in its own module: t() reads it in every context, the content script included.
export { type LanguageChoice, languageSchema, languageSetting } from './locale/language-setting';
