import { beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createWaitingOriginals } from '@/entrypoints/background/waiting-originals';
import { HandOverRefusedError } from '@/utils/hand-over';
import type { OriginalHandOver } from '@/utils/messages';
import { openQueueStore } from '@/utils/queue/store';
import type { QueueItem } from '@/utils/queue/types';
import { destinationsSetting } from '@/utils/settings';
import { makeDestination } from '../factories/destination';

const destination = makeDestination({ id: 'dest-1', name: 'Receiver' });
const plan = { kind: 'original', keepMetadata: false } as const;

function original(id: string, owner = 'panel-1'): OriginalHandOver {
  return {
    id,
    file: new File([`original ${id}`.repeat(50)], `${id}.jpg`, { type: 'image/jpeg' }),
    plan,
    destination: { kind: 'saved', id: 'dest-1' },
    owner,
  };
}

const compressed = (id: string) => ({
  id,
  file: new File(['small'], `${id}.jpg`, { type: 'image/jpeg' }),
  width: 640,
  height: 480,
});

/** The background's desk over a fresh store, with the pages that are alive and what it told the rest of the worker. */
async function desk(live: string[] = ['panel-1']) {
  const store = await openQueueStore(`originals-${crypto.randomUUID()}`);
  const seen = { waiting: [] as boolean[], queued: [] as QueueItem[], compressing: 0 };
  const liveSet = new Set(live);
  const originals = createWaitingOriginals({
    store: Promise.resolve(store),
    isLive: (owner) => liveSet.has(owner),
    onWaitingChange: (waiting) => void seen.waiting.push(waiting),
    onQueued: async (item) => void seen.queued.push(item),
    beforeQueue: async () => {},
    startCompressing: async () => {
      seen.compressing += 1;
    },
  });
  return { store, originals, seen, liveSet };
}

describe('waiting originals: the queue is answerable for an image from the moment it is added', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    // The destination's origin was allowed when it was saved.
    browser.permissions.contains = vi.fn(async () => true) as typeof browser.permissions.contains;
    await destinationsSetting.setValue([destination]);
  });

  it('keeps the original with its destination, and reports work waiting', async () => {
    const { store, originals, seen } = await desk();
    await originals.addOriginal(original('a'), { tabId: 3, origin: 'https://shop.example' });
    expect(await store.getOriginal('a')).toMatchObject({
      owner: 'panel-1',
      destination: { id: 'dest-1', name: 'Receiver' },
      source: { tabId: 3 },
    });
    expect(seen.waiting.at(-1)).toBe(true);
  });

  it('refuses, by name, an original for a destination that is gone', async () => {
    const { originals } = await desk();
    await destinationsSetting.setValue([]);
    const refused = originals.addOriginal(original('a'), {});
    await expect(refused).rejects.toThrow(HandOverRefusedError);
    await expect(refused).rejects.toMatchObject({ reason: 'destination' });
  });

  it('queues the compressed version once, in the original place, and drops the original', async () => {
    const { store, originals, seen } = await desk();
    await originals.addOriginal(original('a'), { tabId: 3 });
    const first = await originals.addCompressed(compressed('a'));
    // Sent again: the reply was lost when the worker stopped.
    const again = await originals.addCompressed(compressed('a'));
    expect(again).toEqual(first);
    expect(first).toMatchObject({ status: 'queued', size: 5, originalSize: 500, destinationKey: 'dest-1' });
    expect(first.source).toEqual({ tabId: 3 });
    expect(await store.list()).toHaveLength(1);
    expect(seen.queued).toHaveLength(1);
    expect(await store.countOriginals()).toBe(0);
    expect(seen.waiting.at(-1)).toBe(false);
  });

  it('an original sent again after it was queued stores nothing', async () => {
    const { store, originals } = await desk();
    await originals.addOriginal(original('a'), {});
    await originals.addCompressed(compressed('a'));
    await originals.addOriginal(original('a'), {});
    expect(await store.countOriginals()).toBe(0);
  });

  it('refuses a compressed image whose original is not waiting', async () => {
    const { originals } = await desk();
    await expect(originals.addCompressed(compressed('never-added'))).rejects.toMatchObject({
      name: 'HandOverRefusedError',
      reason: 'gone',
    });
  });

  it('gives out only originals no live page is compressing, oldest first, each once', async () => {
    const { originals, liveSet } = await desk(['panel-1', 'offscreen-1']);
    await originals.addOriginal(original('live', 'panel-1'), {});
    await originals.addOriginal(original('first', 'closed-panel'), {});
    await originals.addOriginal(original('second', 'closed-panel'), {});
    expect((await originals.claim('offscreen-1'))?.id).toBe('first');
    expect((await originals.claim('offscreen-1'))?.id).toBe('second');
    // The offscreen document's own are not given out twice, and the live panel's not at all.
    expect(await originals.claim('offscreen-1')).toBeNull();
    // Once the panel is gone, what it held is an orphan too.
    liveSet.delete('panel-1');
    expect((await originals.claim('offscreen-1'))?.id).toBe('live');
  });

  it('what a closed offscreen document held goes to the next one', async () => {
    const { originals, liveSet } = await desk(['offscreen-1']);
    await originals.addOriginal(original('a', 'closed-panel'), {});
    expect((await originals.claim('offscreen-1'))?.id).toBe('a');
    liveSet.delete('offscreen-1');
    expect((await originals.claim('offscreen-2'))?.id).toBe('a');
  });

  it('starts compressing elsewhere only when an original has lost its page', async () => {
    const { originals, seen, liveSet } = await desk();
    await originals.addOriginal(original('a'), {});
    await originals.adoptOrphans();
    expect(seen.compressing).toBe(0);
    liveSet.delete('panel-1');
    await originals.adoptOrphans();
    expect(seen.compressing).toBe(1);
  });

  it.each([
    {
      problem: 'over-cap' as const,
      file: new File(['still big'], 'big.jpg', { type: 'image/jpeg' }),
      stored: 'still big',
      words: /Over the size cap.*not sent without your word/,
    },
    {
      problem: 'unreadable' as const,
      file: undefined,
      stored: 'original big'.repeat(50),
      words: /Retry sends the original/,
    },
  ])(
    'an orphan that cannot be sent without a person ($problem) becomes a failed item, sent only on Retry',
    async ({ problem, file, stored, words }) => {
      const { store, originals, seen } = await desk([]);
      await originals.addOriginal(original('big'), {});
      const item = await originals.notCompressed({ id: 'big', problem, file, width: 0, height: 0, detail: 'why' });
      expect(item).toMatchObject({ status: 'failed', failureKind: 'file' });
      // Not retried by itself: only the user's Retry sends it.
      expect(item.autoRetries ?? 0).toBe(0);
      expect(item.error).toMatch(words);
      expect(await (await store.getBlob('big'))?.text()).toBe(stored);
      expect(await store.countOriginals()).toBe(0);
      expect(seen.waiting.at(-1)).toBe(false);
      expect(seen.queued).toEqual([item]);
    },
  );
});
