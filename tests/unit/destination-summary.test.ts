import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
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
    });
    const summary = summarizeDestination(destination);
    expect(summary).toEqual({
      id: 'd1',
      name: 'My host',
      accessUrl: 'https://img.example/upload',
      compressionPresetId: 'small',
      transparentAs: 'png',
    });
    expect(JSON.stringify(summary)).not.toContain(SECRET);
  });

  it('keeps a templated host, which permission checks resolve', () => {
    const destination = makeDestination({ url: `https://{random:a|b}.example/{random:x?y}/up?token=${SECRET}` });
    expect(summarizeDestination(destination).accessUrl).toBe('https://{random:a|b}.example/{random:x?y}/up');
  });

  it('reads the saved destinations as summaries', async () => {
    await destinationsSetting.setValue([
      makeDestination({ id: 'a', headers: [{ name: 'X-Key', value: SECRET }] }),
      makeDestination({ id: 'b' }),
    ]);
    const summaries = await readDestinationSummaries();
    expect(summaries.map((summary) => summary.id)).toEqual(['a', 'b']);
    expect(JSON.stringify(summaries)).not.toContain(SECRET);
  });
});
