import * as v from 'valibot';
import { storage } from 'wxt/utils/storage';
import { type CompressionTarget, isPresetId, type PresetId, parseCustomTarget } from './compress/presets';
import { type BodyKind, type Destination, validateDestination, withoutSecrets } from './destinations/model';
import { DEFAULT_PACE, type Pace, paceSchema } from './pacing/pace';
import {
  activeDestinationIdSetting,
  customTargetSetting,
  defaultPresetSetting,
  destinationsSetting,
  destinationV2,
  destinationV3,
  keepJpegMetadataSetting,
  type LanguageChoice,
  languageSetting,
  paceSetting,
  REPLY_TIMEOUT_LIMITS,
  readPace,
  replyTimeoutMsSetting,
  type StoredDestinationV1,
  type StoredDestinationV2,
} from './settings';

/**
 * "Export settings" / "Import settings" in the options: every setting in one
 * JSON file. Destination secrets (header values, body field values, the JSON
 * body template, the URL's query) are left out unless the user ticks "Include
 * secrets": a settings file is easily shared or synced somewhere, and a token
 * in it is a leaked token. An import without secrets keeps the secrets of a
 * destination already here with the same id.
 *
 * Validation is hand-written over the project's own checks
 * (`validateDestination`, `parseCustomTarget`, `paceSchema`), so a file
 * is accepted exactly when the options' forms would accept what it holds.
 */

export const SETTINGS_FILE_FORMAT = 'cadence-settings';
export const SETTINGS_FILE_VERSION = 1;
/** The destinations' storage version the file's destinations are in (utils/settings.ts migrations). */
const DESTINATIONS_VERSION = 3;
const BODY_KINDS: readonly BodyKind[] = ['multipart', 'binary', 'json', 'form-urlencoded'];
/** Problems a destination exported without its secrets has by design (emptied values); the user fills them in. */
const SECRET_FIELDS = /^(url|header |field |body\.)/;

export interface SettingsFile {
  format: typeof SETTINGS_FILE_FORMAT;
  version: typeof SETTINGS_FILE_VERSION;
  exportedAt: string;
  secretsIncluded: boolean;
  destinationsVersion: number;
  settings: Settings;
}

export interface Settings {
  destinations: Destination[];
  activeDestinationId: string;
  /** The pace's delay; the file keeps it apart from `pacing`, as version 1 of the file always did. */
  uploadDelayMs: number;
  defaultPreset: PresetId;
  customTarget: CompressionTarget;
  keepJpegMetadata: boolean;
  pacing: FilePacing;
  replyTimeoutMs: number;
  language: LanguageChoice;
}

/** The pace in the file, without its delay (`uploadDelayMs`). */
export type FilePacing = Omit<Pace, 'delayMs'>;
const filePacingSchema = v.omit(paceSchema, ['delayMs']);

export type SettingsImportErrorCode = 'bad-json' | 'not-settings' | 'wrong-version' | 'bad-field';

/** Why a file was refused; nothing was changed. `field` names the bad setting (e.g. "destinations[1].url"). */
export class SettingsImportError extends Error {
  override name = 'SettingsImportError';
  constructor(
    readonly code: SettingsImportErrorCode,
    readonly field = '',
    detail = '',
  ) {
    super([code, field, detail].filter(Boolean).join(': '));
  }
}

export async function exportSettings({ includeSecrets }: { includeSecrets: boolean }): Promise<SettingsFile> {
  const [
    destinations,
    activeDestinationId,
    { delayMs: uploadDelayMs, ...pacing },
    defaultPreset,
    customTarget,
    keepJpegMetadata,
  ] = await Promise.all([
    destinationsSetting.getValue(),
    activeDestinationIdSetting.getValue(),
    readPace(),
    defaultPresetSetting.getValue(),
    customTargetSetting.getValue(),
    keepJpegMetadataSetting.getValue(),
  ]);
  return {
    format: SETTINGS_FILE_FORMAT,
    version: SETTINGS_FILE_VERSION,
    exportedAt: new Date().toISOString(),
    secretsIncluded: includeSecrets,
    destinationsVersion: DESTINATIONS_VERSION,
    settings: {
      destinations: includeSecrets
        ? destinations
        : destinations.map((destination) => withoutSecrets(destination) as Destination),
      activeDestinationId,
      uploadDelayMs,
      defaultPreset,
      customTarget,
      keepJpegMetadata,
      pacing,
      replyTimeoutMs: await replyTimeoutMsSetting.getValue(),
      language: await languageSetting.getValue(),
    },
  };
}

/**
 * Checks a settings file's text and returns its settings, or throws a
 * `SettingsImportError`. Pure. `here`: the destinations stored now, whose
 * secrets a file without secrets keeps for destinations with the same id.
 * `missingSecrets`: imported destinations whose secrets are in neither.
 */
export function parseSettingsFile(
  text: string,
  here: readonly Destination[] = [],
): { settings: Partial<Settings>; missingSecrets: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SettingsImportError('bad-json', '', error instanceof Error ? error.message : '');
  }
  if (!isRecord(parsed) || parsed.format !== SETTINGS_FILE_FORMAT) throw new SettingsImportError('not-settings');
  if (parsed.version !== SETTINGS_FILE_VERSION) {
    throw new SettingsImportError('wrong-version', '', String(parsed.version));
  }
  const raw = parsed.settings;
  if (!isRecord(raw)) throw new SettingsImportError('bad-field', 'settings');
  const destinationsVersion = parsed.destinationsVersion ?? DESTINATIONS_VERSION;
  if (
    typeof destinationsVersion !== 'number' ||
    destinationsVersion < 1 ||
    destinationsVersion > DESTINATIONS_VERSION
  ) {
    throw new SettingsImportError('wrong-version', 'destinationsVersion', String(destinationsVersion));
  }
  const settings: Partial<Settings> = {};
  const secretsIncluded = parsed.secretsIncluded === true;
  const missingSecrets: string[] = [];
  if ('destinations' in raw) {
    settings.destinations = parseDestinations(raw.destinations, destinationsVersion, (imported) => {
      if (secretsIncluded) return { destination: imported, lenient: false };
      const same = here.find((candidate) => candidate.id === imported.id);
      if (same) return { destination: withSecretsOf(imported, same), lenient: false };
      if (hasSecretSlots(imported)) missingSecrets.push(imported.name);
      return { destination: imported, lenient: true };
    });
  }
  if ('activeDestinationId' in raw) {
    if (typeof raw.activeDestinationId !== 'string') throw new SettingsImportError('bad-field', 'activeDestinationId');
    settings.activeDestinationId = raw.activeDestinationId;
  }
  if ('uploadDelayMs' in raw) {
    const delay = v.safeParse(paceSchema.entries.delayMs, raw.uploadDelayMs);
    if (!delay.success) throw new SettingsImportError('bad-field', 'uploadDelayMs');
    settings.uploadDelayMs = delay.output;
  }
  if ('defaultPreset' in raw) {
    if (!isPresetId(raw.defaultPreset)) throw new SettingsImportError('bad-field', 'defaultPreset');
    settings.defaultPreset = raw.defaultPreset;
  }
  if ('customTarget' in raw) settings.customTarget = parseTarget(raw.customTarget);
  if ('keepJpegMetadata' in raw) {
    if (typeof raw.keepJpegMetadata !== 'boolean') throw new SettingsImportError('bad-field', 'keepJpegMetadata');
    settings.keepJpegMetadata = raw.keepJpegMetadata;
  }
  if ('pacing' in raw) settings.pacing = parsePacing(raw.pacing);
  if ('replyTimeoutMs' in raw) {
    const timeout = raw.replyTimeoutMs;
    const { minSeconds, maxSeconds } = REPLY_TIMEOUT_LIMITS;
    if (
      typeof timeout !== 'number' ||
      !Number.isInteger(timeout) ||
      timeout < minSeconds * 1000 ||
      timeout > maxSeconds * 1000
    ) {
      throw new SettingsImportError('bad-field', 'replyTimeoutMs');
    }
    settings.replyTimeoutMs = timeout;
  }
  if ('language' in raw) {
    if (!['auto', 'en', 'ko'].includes(raw.language as string)) throw new SettingsImportError('bad-field', 'language');
    settings.language = raw.language as LanguageChoice;
  }
  return { settings, missingSecrets };
}

/**
 * Checks the file, then writes every setting it holds in one storage write:
 * a refused file changes nothing. Returns the names of imported destinations
 * whose secrets were left out of the file and are not here either.
 */
export async function importSettings(text: string): Promise<{ missingSecrets: string[] }> {
  const { settings, missingSecrets } = parseSettingsFile(text, await destinationsSetting.getValue());
  // The file may hold the delay, the rest of the pace, both or neither: what it leaves out stays as it is here.
  const pace = (settings.uploadDelayMs !== undefined || settings.pacing) && {
    ...(await readPace()),
    ...settings.pacing,
    ...(settings.uploadDelayMs === undefined ? {} : { delayMs: settings.uploadDelayMs }),
  };
  const writes = [
    settings.destinations && { item: destinationsSetting, value: settings.destinations },
    settings.activeDestinationId !== undefined && {
      item: activeDestinationIdSetting,
      value: settings.activeDestinationId,
    },
    settings.defaultPreset !== undefined && {
      item: defaultPresetSetting,
      value: settings.defaultPreset,
    },
    settings.customTarget && { item: customTargetSetting, value: settings.customTarget },
    settings.keepJpegMetadata !== undefined && { item: keepJpegMetadataSetting, value: settings.keepJpegMetadata },
    pace && { item: paceSetting, value: pace },
    settings.replyTimeoutMs !== undefined && { item: replyTimeoutMsSetting, value: settings.replyTimeoutMs },
    settings.language && { item: languageSetting, value: settings.language },
  ].filter((write) => write !== false && write !== undefined);
  await storage.setItems(writes as Parameters<typeof storage.setItems>[0]);
  return { missingSecrets };
}

function parseDestinations(
  value: unknown,
  version: number,
  withSecrets: (imported: Destination) => { destination: Destination; lenient: boolean },
): Destination[] {
  if (!Array.isArray(value)) throw new SettingsImportError('bad-field', 'destinations');
  const ids = new Set<string>();
  return value.map((entry: unknown, index) => {
    const field = (name: string) => `destinations[${index}]${name ? `.${name}` : ''}`;
    if (!isRecord(entry)) throw new SettingsImportError('bad-field', field(''));
    for (const key of ['id', 'name', 'url', 'method', 'successStatuses'] as const) {
      if (typeof entry[key] !== 'string') throw new SettingsImportError('bad-field', field(key));
    }
    if (ids.has(entry.id as string)) throw new SettingsImportError('bad-field', field('id'), 'used twice');
    ids.add(entry.id as string);
    if (!isNameValues(entry.headers)) throw new SettingsImportError('bad-field', field('headers'));
    if (typeof entry.sendCookies !== 'boolean') throw new SettingsImportError('bad-field', field('sendCookies'));
    const reply = entry.reply;
    if (
      !isRecord(reply) ||
      !['url', 'thumbnailUrl', 'deletionUrl', 'errorMessage'].every((key) => typeof reply[key] === 'string')
    ) {
      throw new SettingsImportError('bad-field', field('reply'));
    }
    if (!isBody(entry.body)) throw new SettingsImportError('bad-field', field('body'));
    // The same migrations as stored destinations go through (utils/settings.ts).
    const v2 =
      version < 2 ? destinationV2(entry as unknown as StoredDestinationV1) : (entry as unknown as StoredDestinationV2);
    const migrated = version < 3 ? destinationV3(v2) : (v2 as unknown as Destination);
    if (migrated.pacing !== null && !v.is(paceSchema, migrated.pacing)) {
      throw new SettingsImportError('bad-field', field('pacing'));
    }
    if (migrated.compressionPresetId !== null && !isPresetId(migrated.compressionPresetId)) {
      throw new SettingsImportError('bad-field', field('compressionPresetId'));
    }
    if (migrated.transparentAs !== 'webp' && migrated.transparentAs !== 'png') {
      throw new SettingsImportError('bad-field', field('transparentAs'));
    }
    const { destination: complete, lenient } = withSecrets(migrated);
    const [problem] = validateDestination(complete).filter(
      (candidate) => !(lenient && SECRET_FIELDS.test(candidate.field)),
    );
    if (problem) throw new SettingsImportError('bad-field', field(problem.field), problem.message);
    return complete;
  });
}

function parseTarget(value: unknown): CompressionTarget {
  if (!isRecord(value) || typeof value.maxBytes !== 'number')
    throw new SettingsImportError('bad-field', 'customTarget');
  const target = parseCustomTarget({
    maxSide: String(value.maxSide),
    maxKilobytes: String(value.maxBytes / 1000),
    format: String(value.format),
    quality: String(value.quality),
  });
  if ('field' in target) throw new SettingsImportError('bad-field', `customTarget.${target.field}`);
  return target;
}

/** Keys a file from an older version left out take their defaults. */
function parsePacing(value: unknown): FilePacing {
  if (!isRecord(value)) throw new SettingsImportError('bad-field', 'pacing');
  const result = v.safeParse(filePacingSchema, { ...DEFAULT_PACE, ...value }, { abortPipeEarly: true });
  if (result.success) return result.output;
  throw new SettingsImportError('bad-field', `pacing.${String(result.issues[0].path?.[0]?.key ?? '')}`);
}

function isBody(value: unknown): boolean {
  if (!isRecord(value) || !BODY_KINDS.includes(value.kind as never)) return false;
  switch (value.kind) {
    case 'multipart':
      return typeof value.fileField === 'string' && isNameValues(value.fields);
    case 'form-urlencoded':
      return isNameValues(value.fields);
    case 'json':
      return typeof value.template === 'string';
    default:
      return true;
  }
}

function isNameValues(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((pair) => isRecord(pair) && typeof pair.name === 'string' && typeof pair.value === 'string')
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether the destination has places a secret would go (emptied on export). */
function hasSecretSlots(destination: Destination): boolean {
  const { body } = destination;
  const fields = body.kind === 'multipart' || body.kind === 'form-urlencoded' ? body.fields : [];
  return destination.headers.length > 0 || fields.length > 0 || body.kind === 'json';
}

/** An imported destination without secrets, given back the secrets of the same destination here. */
function withSecretsOf(imported: Destination, here: Destination): Destination {
  const fill = (pairs: { name: string; value: string }[], from: { name: string; value: string }[]) =>
    pairs.map((pair) =>
      pair.value === '' ? { ...pair, value: from.find((other) => other.name === pair.name)?.value ?? '' } : pair,
    );
  const hereFields = here.body.kind === 'multipart' || here.body.kind === 'form-urlencoded' ? here.body.fields : [];
  const body =
    imported.body.kind === 'json' && here.body.kind === 'json' && imported.body.template === ''
      ? here.body
      : imported.body.kind === 'multipart' || imported.body.kind === 'form-urlencoded'
        ? { ...imported.body, fields: fill(imported.body.fields, hereFields) }
        : imported.body;
  // The export kept the URL without its query; the same URL here still has it.
  const url = withoutSecrets(here).url === imported.url ? here.url : imported.url;
  return { ...imported, url, headers: fill(imported.headers, here.headers), body };
}
