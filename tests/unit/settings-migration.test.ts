import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { newDestination } from '@/utils/destinations/model';

/** settings.ts declares its items at import: load it afresh over the storage a test prepared. */
async function loadSettings() {
  vi.resetModules();
  return import('@/utils/settings');
}

describe('destinations replace the single URL, carried over once', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it.each([
    {
      case: 'a configured URL and field become the active destination',
      old: { destinationUrl: 'http://127.0.0.1:8787/upload', fileFieldName: 'image' },
      expected: [{ name: '127.0.0.1:8787', url: 'http://127.0.0.1:8787/upload', fileField: 'image' }],
    },
    {
      case: 'a URL without a field name uses "file"',
      old: { destinationUrl: 'https://img.example/api' },
      expected: [{ name: 'img.example', url: 'https://img.example/api', fileField: 'file' }],
    },
    { case: 'nothing configured: no destination', old: {}, expected: [] },
    { case: 'an empty URL: no destination', old: { destinationUrl: '', fileFieldName: 'x' }, expected: [] },
  ])('$case', async ({ old, expected }) => {
    await fakeBrowser.storage.local.set(old);
    const { destinationsSetting, activeDestinationIdSetting, MIGRATED_DESTINATION_ID } = await loadSettings();
    const destinations = await destinationsSetting.getValue();
    expect(
      destinations.map((destination) => ({
        name: destination.name,
        url: destination.url,
        fileField: destination.body.kind === 'multipart' ? destination.body.fileField : undefined,
      })),
    ).toEqual(expected);
    // The reply is read as before: a JSON `url`.
    for (const destination of destinations) expect(destination.reply.url).toBe('{json:url}');
    expect(await activeDestinationIdSetting.getValue()).toBe(expected.length > 0 ? MIGRATED_DESTINATION_ID : '');
    // The old keys are gone, so the carry-over happens once.
    expect(await fakeBrowser.storage.local.get(['destinationUrl', 'fileFieldName'])).toEqual({});
  });

  it('saved destinations are never overwritten by old keys', async () => {
    const saved = newDestination({ id: 'mine', name: 'Mine', url: 'https://mine.example/up' });
    await fakeBrowser.storage.local.set({ destinations: [saved], destinationUrl: 'http://old.example/upload' });
    const { destinationsSetting } = await loadSettings();
    expect(await destinationsSetting.getValue()).toEqual([saved]);
  });
});

describe('destinations stored before transparentAs and the preset choice (v1) load as v2', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it.each([
    { case: 'no transparentAs: WebP', stored: { compressionPresetId: null }, preset: null, transparentAs: 'webp' },
    {
      case: 'a known preset id is kept',
      stored: { compressionPresetId: 'small' },
      preset: 'small',
      transparentAs: 'webp',
    },
    {
      case: 'free text is the default preset',
      stored: { compressionPresetId: 'tiny' },
      preset: null,
      transparentAs: 'webp',
    },
    {
      case: 'a stored PNG choice is kept (migrating twice changes nothing)',
      stored: { compressionPresetId: 'balanced', transparentAs: 'png' },
      preset: 'balanced',
      transparentAs: 'png',
    },
  ])('$case', async ({ stored, preset, transparentAs }) => {
    const { transparentAs: _dropped, ...v1 } = newDestination({
      id: 'old',
      name: 'Old',
      url: 'https://old.example/up',
    });
    await fakeBrowser.storage.local.set({ destinations: [{ ...v1, ...stored }] });
    const { destinationsSetting } = await loadSettings();
    const [loaded] = await destinationsSetting.getValue();
    expect(loaded).toEqual({ ...v1, compressionPresetId: preset, transparentAs });
  });
});

describe("a destination's own pause (v2) becomes its own pace (v3)", () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it.each([
    { case: 'no pause: the global settings', delayMs: null, pacing: null },
    {
      case: 'a pause of 5 s: sequential 5 s, default cap, floor and retries',
      delayMs: 5_000,
      pacing: { mode: 'sequential', delayMs: 5_000, concurrency: 2, adaptiveFloorMs: 0, maxRetries: 1 },
    },
    { case: 'a pause of 0: sequential with no pause', delayMs: 0, pacing: expect.objectContaining({ delayMs: 0 }) },
  ])('$case', async ({ delayMs, pacing }) => {
    const { pacing: _dropped, ...rest } = newDestination({ id: 'old', name: 'Old', url: 'https://old.example/up' });
    await fakeBrowser.storage.local.set({ destinations: [{ ...rest, delayMs }], destinations$: { v: 2 } });
    const { destinationsSetting } = await loadSettings();
    const [loaded] = await destinationsSetting.getValue();
    expect(loaded).toEqual({ ...rest, pacing });
    expect(loaded && 'delayMs' in loaded).toBe(false);
  });

  it('a pace already there is kept (migrating twice changes nothing)', async () => {
    const own = { mode: 'adaptive', delayMs: 1_000, concurrency: 3, adaptiveFloorMs: 200, maxRetries: 0 } as const;
    const saved = newDestination({ id: 'new', name: 'New', url: 'https://new.example/up', pacing: own });
    await fakeBrowser.storage.local.set({ destinations: [saved] });
    const { destinationsSetting } = await loadSettings();
    expect(await destinationsSetting.getValue()).toEqual([saved]);
  });
});
