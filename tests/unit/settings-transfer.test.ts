import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Destination } from '@/utils/destinations/model';
import { DEFAULT_PACE } from '@/utils/pacing/pace';
import {
  activeDestinationIdSetting,
  customTargetSetting,
  destinationsSetting,
  keepJpegMetadataSetting,
  languageSetting,
  paceSetting,
  replyTimeoutMsSetting,
} from '@/utils/settings';
import { exportSettings, importSettings, parseSettingsFile, SettingsImportError } from '@/utils/settings-transfer';
import { makeDestination } from '../factories/destination';

const withToken = (overrides: Partial<Destination> = {}) =>
  makeDestination({
    id: 'img',
    name: 'Image host',
    url: 'https://img.example/api/upload?key=SECRET-KEY',
    headers: [{ name: 'Authorization', value: 'Bearer SECRET-TOKEN' }],
    ...overrides,
  });

async function storeSome(): Promise<void> {
  await destinationsSetting.setValue([withToken()]);
  await activeDestinationIdSetting.setValue('img');
  await keepJpegMetadataSetting.setValue(true);
  await paceSetting.setValue({ ...DEFAULT_PACE, delayMs: 3_000, mode: 'staggered', concurrency: 3 });
  await replyTimeoutMsSetting.setValue(45_000);
  await languageSetting.setValue('ko');
}

async function everything() {
  return fakeBrowser.storage.local.get(null);
}

describe('settings export', () => {
  beforeEach(() => fakeBrowser.reset());

  it('leaves destination secrets out unless asked, and says which it did', async () => {
    await storeSome();
    const plain = JSON.stringify(await exportSettings({ includeSecrets: false }));
    expect(plain).not.toContain('SECRET');
    expect(JSON.parse(plain)).toMatchObject({ format: 'cadence-settings', version: 1, secretsIncluded: false });
    const full = await exportSettings({ includeSecrets: true });
    expect(full.secretsIncluded).toBe(true);
    expect(full.settings.destinations).toEqual([withToken()]);
  });

  it('round-trips every setting through a file', async () => {
    await storeSome();
    const before = await everything();
    const file = JSON.stringify(await exportSettings({ includeSecrets: true }));
    fakeBrowser.reset();
    expect(await everything()).toEqual({});
    await importSettings(file);
    expect(await everything()).toMatchObject(before);
    expect(await customTargetSetting.getValue()).toBeDefined();
  });
});

describe('settings import', () => {
  beforeEach(() => fakeBrowser.reset());

  it('a file without secrets keeps the secrets of the same destination here', async () => {
    await storeSome();
    const file = await exportSettings({ includeSecrets: false });
    file.settings.destinations[0] = { ...(file.settings.destinations[0] as Destination), name: 'Renamed' };
    const { missingSecrets } = await importSettings(JSON.stringify(file));
    expect(missingSecrets).toEqual([]);
    expect(await destinationsSetting.getValue()).toEqual([withToken({ name: 'Renamed' })]);
  });

  it("a file without secrets keeps a token step's URL query here too (MediaWiki's token query)", async () => {
    const wiki = makeDestination({
      id: 'wiki',
      name: 'Wiki',
      url: 'https://wiki.example/w/api.php',
      tokenRequest: {
        url: 'https://wiki.example/w/api.php?action=query&meta=tokens&type=csrf&format=json',
        token: '{json:query.tokens.csrftoken}',
      },
    });
    await destinationsSetting.setValue([wiki]);
    const file = await exportSettings({ includeSecrets: false });
    expect(file.settings.destinations[0]?.tokenRequest?.url).toBe('https://wiki.example/w/api.php');
    await importSettings(JSON.stringify(file));
    expect(await destinationsSetting.getValue()).toEqual([wiki]);
  });

  it('a file without secrets for a destination not here imports it and names it as needing them', async () => {
    await storeSome();
    const file = JSON.stringify(await exportSettings({ includeSecrets: false }));
    fakeBrowser.reset();
    const { missingSecrets } = await importSettings(file);
    expect(missingSecrets).toEqual(['Image host']);
    const [imported] = await destinationsSetting.getValue();
    expect(imported?.headers).toEqual([{ name: 'Authorization', value: '' }]);
    expect(imported?.url).toBe('https://img.example/api/upload');
  });

  it('destinations from an older version go through the same migrations as stored ones', () => {
    const { delayMs: _unused, pacing: _none, ...v2 } = { ...withToken(), delayMs: 4_000, pacing: undefined };
    const { settings } = parseSettingsFile(
      JSON.stringify({
        format: 'cadence-settings',
        version: 1,
        destinationsVersion: 2,
        settings: { destinations: [{ ...v2, delayMs: 4_000 }] },
      }),
    );
    expect(settings.destinations?.[0]?.pacing).toEqual({ ...DEFAULT_PACE, mode: 'sequential', delayMs: 4_000 });
  });

  const valid = () => ({
    format: 'cadence-settings',
    version: 1,
    secretsIncluded: true,
    destinationsVersion: 3,
    settings: { destinations: [withToken()], uploadDelayMs: 1_000, language: 'en' } as Record<string, unknown>,
  });
  const withSetting = (key: string, value: unknown) => {
    const file = valid();
    file.settings[key] = value;
    return JSON.stringify(file);
  };
  it.each([
    { case: 'not JSON', text: '{"format": "cadence-settings",', code: 'bad-json', field: '' },
    { case: 'some other JSON', text: '{"destinations": []}', code: 'not-settings', field: '' },
    { case: 'an .sxcu file', text: '{"Version":"14.0.0","RequestURL":"https://x"}', code: 'not-settings', field: '' },
    { case: 'a newer file', text: JSON.stringify({ ...valid(), version: 2 }), code: 'wrong-version', field: '' },
    {
      case: 'newer destinations',
      text: JSON.stringify({ ...valid(), destinationsVersion: 9 }),
      code: 'wrong-version',
      field: 'destinationsVersion',
    },
    { case: 'a negative delay', text: withSetting('uploadDelayMs', -1), code: 'bad-field', field: 'uploadDelayMs' },
    { case: 'an unknown language', text: withSetting('language', 'fr'), code: 'bad-field', field: 'language' },
    {
      case: 'a reply timeout under a second',
      text: withSetting('replyTimeoutMs', 500),
      code: 'bad-field',
      field: 'replyTimeoutMs',
    },
    {
      case: 'an unknown preset',
      text: withSetting('defaultPreset', 'huge'),
      code: 'bad-field',
      field: 'defaultPreset',
    },
    {
      case: 'a quality over 1',
      text: withSetting('customTarget', { maxSide: 2048, maxBytes: 1e6, format: 'auto', quality: 5 }),
      code: 'bad-field',
      field: 'customTarget.quality',
    },
    {
      case: 'too many uploads at once',
      text: withSetting('pacing', { ...DEFAULT_PACE, delayMs: undefined, concurrency: 99 }),
      code: 'bad-field',
      field: 'pacing.concurrency',
    },
    {
      case: 'a destination that is not http(s)',
      text: withSetting('destinations', [withToken({ url: 'ftp://files.example/' })]),
      code: 'bad-field',
      field: 'destinations[0].url',
    },
    {
      case: 'a destination without headers',
      text: withSetting('destinations', [{ ...withToken(), headers: 'Authorization: x' }]),
      code: 'bad-field',
      field: 'destinations[0].headers',
    },
    {
      case: 'a reply template that is not text',
      text: withSetting('destinations', [{ ...withToken(), reply: { ...withToken().reply, url: 42 } }]),
      code: 'bad-field',
      field: 'destinations[0].reply.url',
    },
    {
      case: 'two destinations with one id',
      text: withSetting('destinations', [withToken(), withToken()]),
      code: 'bad-field',
      field: 'destinations[1].id',
    },
  ])('$case is refused ($code $field) and nothing changes', async ({ text, code, field }) => {
    await storeSome();
    const before = await everything();
    const refused = await importSettings(text).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SettingsImportError);
    expect(refused).toMatchObject({ code, field });
    expect(await everything()).toEqual(before);
  });
});
