import * as v from 'valibot';
import { storage } from 'wxt/utils/storage';
import { type CompressionTarget, isPresetId, PRESET_IDS, type PresetId, parseCustomTarget } from './compress/presets';
import { type Destination, validateDestination, withoutSecrets } from './destinations/model';
import { type S3Settings, s3WithoutSecrets } from './destinations/s3-settings';
import { destinationSchema } from './destinations/schema';
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
  languageSchema,
  languageSetting,
  paceSetting,
  readPace,
  replyTimeoutMsSchema,
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
 * Each setting is checked with its own schema (the destination's, the pace's,
 * the reply timeout's, the language's), then with the checks the options'
 * forms make (`validateDestination`, `parseCustomTarget`, the pace's limits),
 * so a file is accepted exactly when the forms would accept what it holds.
 */

export const SETTINGS_FILE_FORMAT = 'cadence-settings';
export const SETTINGS_FILE_VERSION = 1;
/** The destinations' storage version the file's destinations are in (utils/settings.ts migrations). */
const DESTINATIONS_VERSION = 3;
/** Problems a destination exported without its secrets has by design (emptied values); the user fills them in. */
const SECRET_FIELDS = /^(url|header |field |body\.|s3\.credentials|s3\.signingUrl)/;

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

/** What a settings file is, before its settings are looked at: each part is refused with its own code below. */
const fileSchema = v.object({
  format: v.literal(SETTINGS_FILE_FORMAT),
  version: v.unknown(),
  secretsIncluded: v.optional(v.unknown()),
  destinationsVersion: v.nullish(v.unknown(), DESTINATIONS_VERSION),
  settings: v.unknown(),
});
const destinationsVersionSchema = v.pipe(v.number(), v.minValue(1), v.maxValue(DESTINATIONS_VERSION));

/** Keys an older file's pace left out take their defaults. */
const filePacingSchema = v.pipe(
  v.partial(v.omit(paceSchema, ['delayMs'])),
  v.transform((pacing): FilePacing => ({ ...FILE_PACING_DEFAULTS, ...pacing })),
);
const { delayMs: _delay, ...FILE_PACING_DEFAULTS } = DEFAULT_PACE;

/**
 * The settings a file may hold, each optional (what a file leaves out stays
 * as it is here), each with the schema its setting has. A destination from an
 * older file goes through the same migrations as stored ones (utils/settings.ts)
 * before its schema.
 */
const settingsSchema = (destinationsVersion: number) =>
  v.partial(
    v.object({
      destinations: v.array(
        v.pipe(
          v.looseObject({}),
          v.transform((entry) => migratedDestination(entry, destinationsVersion)),
          destinationSchema,
        ),
      ),
      activeDestinationId: v.string(),
      uploadDelayMs: paceSchema.entries.delayMs,
      defaultPreset: v.picklist(PRESET_IDS),
      // Its numbers are checked by the Custom preset's own form check (parseTarget).
      customTarget: v.looseObject({ maxBytes: v.number() }),
      keepJpegMetadata: v.boolean(),
      pacing: filePacingSchema,
      replyTimeoutMs: replyTimeoutMsSchema,
      language: languageSchema,
    }),
  );

function migratedDestination(entry: Record<string, unknown>, version: number): unknown {
  const v2 = version < 2 ? destinationV2(entry as unknown as StoredDestinationV1) : entry;
  return version < 3 ? destinationV3(v2 as unknown as StoredDestinationV2) : v2;
}

/** A schema issue's path as the field names the user sees, e.g. "destinations[1].url". */
function fieldName(issue: v.BaseIssue<unknown>): string {
  const keys = (issue.path ?? []).map((item) => item.key);
  return (
    keys.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`)).join('') ||
    'settings'
  );
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SettingsImportError('bad-json', '', error instanceof Error ? error.message : '');
  }
  const file = v.safeParse(fileSchema, json);
  if (!file.success) throw new SettingsImportError('not-settings');
  const { version, destinationsVersion, settings: raw } = file.output;
  if (version !== SETTINGS_FILE_VERSION) throw new SettingsImportError('wrong-version', '', String(version));
  if (!v.is(destinationsVersionSchema, destinationsVersion)) {
    throw new SettingsImportError('wrong-version', 'destinationsVersion', String(destinationsVersion));
  }
  const parsed = v.safeParse(settingsSchema(destinationsVersion), raw, { abortEarly: true });
  if (!parsed.success)
    throw new SettingsImportError('bad-field', fieldName(parsed.issues[0]), parsed.issues[0].message);
  const { destinations, customTarget, ...settings } = parsed.output;
  const missingSecrets: string[] = [];
  const secretsIncluded = file.output.secretsIncluded === true;
  return {
    settings: {
      ...settings,
      ...(customTarget && { customTarget: parseTarget(customTarget) }),
      ...(destinations && {
        destinations: usableDestinations(destinations, (imported) => {
          if (secretsIncluded) return { destination: imported, lenient: false };
          const same = here.find((candidate) => candidate.id === imported.id);
          if (same) return { destination: withSecretsOf(imported, same), lenient: false };
          if (hasSecretSlots(imported)) missingSecrets.push(imported.name);
          return { destination: imported, lenient: true };
        }),
      }),
    },
    missingSecrets,
  };
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

/**
 * Whether the options' forms would accept each destination, now that their
 * shape is checked: one id each, a pace within its limits, a preset this
 * version knows, and `validateDestination`.
 */
function usableDestinations(
  destinations: Destination[],
  withSecrets: (imported: Destination) => { destination: Destination; lenient: boolean },
): Destination[] {
  const ids = new Set<string>();
  return destinations.map((imported, index) => {
    const field = (name: string) => `destinations[${index}].${name}`;
    if (ids.has(imported.id)) throw new SettingsImportError('bad-field', field('id'), 'used twice');
    ids.add(imported.id);
    if (imported.pacing !== null && !v.is(paceSchema, imported.pacing)) {
      throw new SettingsImportError('bad-field', field('pacing'));
    }
    if (imported.compressionPresetId !== null && !isPresetId(imported.compressionPresetId)) {
      throw new SettingsImportError('bad-field', field('compressionPresetId'));
    }
    const { destination: complete, lenient } = withSecrets(imported);
    const [problem] = validateDestination(complete).filter(
      (candidate) => !(lenient && SECRET_FIELDS.test(candidate.field)),
    );
    if (problem) throw new SettingsImportError('bad-field', field(problem.field), problem.message);
    return complete;
  });
}

function parseTarget(value: { maxBytes: number; [key: string]: unknown }): CompressionTarget {
  const target = parseCustomTarget({
    maxSide: String(value.maxSide),
    maxKilobytes: String(value.maxBytes / 1000),
    format: String(value.format),
    quality: String(value.quality),
  });
  if ('field' in target) throw new SettingsImportError('bad-field', `customTarget.${target.field}`);
  return target;
}

/** Whether the destination has places a secret would go (emptied on export). */
function hasSecretSlots(destination: Destination): boolean {
  const { body } = destination;
  const fields = body.kind === 'multipart' || body.kind === 'form-urlencoded' ? body.fields : [];
  return (
    destination.headers.length > 0 ||
    fields.length > 0 ||
    body.kind === 'json' ||
    !!destination.tokenRequest ||
    destination.transport?.kind === 's3-multipart'
  );
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
  // The token step's URL too.
  const tokenRequest =
    imported.tokenRequest && here.tokenRequest && withoutSecrets(here).tokenRequest?.url === imported.tokenRequest.url
      ? { ...imported.tokenRequest, url: here.tokenRequest.url }
      : imported.tokenRequest;
  const transport =
    imported.transport?.kind === 's3-multipart' && here.transport?.kind === 's3-multipart'
      ? withS3SecretsOf(imported.transport, here.transport)
      : imported.transport;
  return {
    ...imported,
    url,
    headers: fill(imported.headers, here.headers),
    body,
    ...(tokenRequest ? { tokenRequest } : {}),
    ...(transport ? { transport } : {}),
  };
}

/** The key and the signing URL's query, emptied on export, given back from the same bucket here. */
function withS3SecretsOf(imported: S3Settings, here: S3Settings): S3Settings {
  const sameSigningUrl = s3WithoutSecrets(here).signingUrl === imported.signingUrl;
  return {
    ...imported,
    accessKeyId: imported.accessKeyId || here.accessKeyId,
    secretAccessKey: imported.secretAccessKey || here.secretAccessKey,
    signingUrl: sameSigningUrl ? here.signingUrl : imported.signingUrl,
  };
}
