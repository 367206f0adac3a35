import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { keepDestinationSummaries } from '@/entrypoints/background/destinations';
import { readDestinationSummaries, summarizeDestination } from '@/utils/destination-summary';
import { destinationsSetting } from '@/utils/settings';
import { makeDestination } from '../factories/destination';

const SECRET = 'sk-live-0123456789';

describe('what the panel and popup see of a destination', () => {
  beforeEach(() => fakeBrowser.reset());

  it('names it and keeps its preset, with no header, field, query or user info', () => {
    const destination = makeDestination({
      id: 'd1',
      name: 'My host',
      url: `https://user:${SECRET}@img.example/upload?key=${SECRET}#${SECRET}`,
      headers: [{ name: 'Authorization', value: `Bearer ${SECRET}` }],
      body: { kind: 'multipart', fileField: 'file', fields: [{ name: 'token', value: SECRET }] },
      compressionPresetId: 'small',
      transparentAs: 'png',
      photosAs: 'webp',
    });
    const summary = summarizeDestination(destination);
    expect(summary).toEqual({
      id: 'd1',
      name: 'My host',
      accessUrl: 'https://img.example/upload',
      compressionPresetId: 'small',
      transparentAs: 'png',
      photosAs: 'webp',
    });
    expect(JSON.stringify(summary)).not.toContain(SECRET);
  });

  it('keeps a templated host, which permission checks resolve', () => {
    const destination = makeDestination({ url: `https://{random:a|b}.example/{random:x?y}/up?token=${SECRET}` });
    expect(summarizeDestination(destination).accessUrl).toBe('https://{random:a|b}.example/{random:x?y}/up');
  });

  it('the background keeps the summaries in step with the saved destinations; no secret reaches what pages read', async () => {
    const stop = keepDestinationSummaries();
    await destinationsSetting.setValue([
      makeDestination({ id: 'a', headers: [{ name: 'X-Key', value: SECRET }] }),
      makeDestination({ id: 'b', url: `https://img.example/up?key=${SECRET}` }),
    ]);
    await vi.waitFor(async () =>
      expect((await readDestinationSummaries()).map((summary) => summary.id)).toEqual(['a', 'b']),
    );
    await destinationsSetting.setValue([makeDestination({ id: 'c', name: 'Renamed' })]);
    await vi.waitFor(async () =>
      expect((await readDestinationSummaries()).map((summary) => summary.name)).toEqual(['Renamed']),
    );
    await destinationsSetting.setValue([
      makeDestination({ id: 'd', body: { kind: 'json', template: `{"k":"${SECRET}"}` } }),
    ]);
    await vi.waitFor(async () =>
      expect((await readDestinationSummaries()).map((summary) => summary.id)).toEqual(['d']),
    );
    stop();
    // Everything the panel and popup can read: the summaries' storage key, which is all they read of destinations.
    const stored = await fakeBrowser.storage.local.get('destinationSummaries');
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(JSON.stringify(stored)).toContain('"d"');
  });

  it('summaries written before the background ran (an upgrade, a migration) are brought in step when it starts', async () => {
    await destinationsSetting.setValue([makeDestination({ id: 'a', headers: [{ name: 'X-Key', value: SECRET }] })]);
    expect(await readDestinationSummaries()).toEqual([]);
    const stop = keepDestinationSummaries();
    await vi.waitFor(async () =>
      expect((await readDestinationSummaries()).map((summary) => summary.id)).toEqual(['a']),
    );
    stop();
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).toContain(SECRET);
    expect(JSON.stringify(await readDestinationSummaries())).not.toContain(SECRET);
  });
});
