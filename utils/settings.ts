import { storage } from 'wxt/utils/storage';
import { type CompressionTarget, DEFAULT_CUSTOM_TARGET, type PresetId } from './compress/presets';

/**
 * Every stored setting, declared once with its fallback.
 * The full destination model (issue 3) replaces `destinationUrl` later.
 */

/**
 * Where uploads go: one `multipart/form-data` POST per image.
 * @default '' (the panel asks for one before it hands anything over)
 */
export const destinationUrlSetting = storage.defineItem<string>('local:destinationUrl', {
  fallback: '',
});

/**
 * The form field that carries the file.
 * @default 'file'
 */
export const fileFieldNameSetting = storage.defineItem<string>('local:fileFieldName', {
  fallback: 'file',
});

/**
 * Pause between one upload's end and the next one's start, in milliseconds.
 * 20 s is what the founding note recommends for big batches.
 * @default 20000
 */
export const uploadDelayMsSetting = storage.defineItem<number>('local:uploadDelayMs', {
  fallback: 20_000,
});

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
