import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_PACE } from '@/utils/pacing/pace';

/** settings.ts declares its items at import: load it afresh over the storage a test prepared. */
async function loadSettings() {
  vi.resetModules();
  return import('@/utils/settings');
}

describe('the global pace setting', () => {
  beforeEach(() => fakeBrowser.reset());

  // Moved from small-parts.test.ts: the pace now has a test file of its own.
  it('defaults to sequential, a cap of 2, one retry; an older stored object gains the new keys', async () => {
    const { paceSetting, readPace, updatePace } = await loadSettings();
    expect(await readPace()).toEqual(DEFAULT_PACE);
    expect(DEFAULT_PACE).toMatchObject({ mode: 'sequential', delayMs: 20_000, concurrency: 2, maxRetries: 1 });
    await paceSetting.setValue({ mode: 'staggered' } as never);
    expect(await readPace()).toEqual({ ...DEFAULT_PACE, mode: 'staggered' });
    await updatePace({ maxRetries: 3 });
    expect(await paceSetting.getValue()).toEqual({ ...DEFAULT_PACE, mode: 'staggered', maxRetries: 3 });
  });
});

describe('the delay, stored apart before (pace v1), moves into the pace: nothing is lost', () => {
  beforeEach(() => fakeBrowser.reset());

  it('a v1 pace and a stored delay become one v2 pace with both', async () => {
    const v1 = { mode: 'staggered', concurrency: 4, adaptiveFloorMs: 250, maxRetries: 3 };
    await fakeBrowser.storage.local.set({ pacing: v1, uploadDelayMs: 7_000 });
    const { paceSetting, readGlobalPace } = await loadSettings();
    expect(await paceSetting.getValue()).toEqual({ ...v1, delayMs: 7_000 });
    expect(await readGlobalPace()).toMatchObject({ ...v1, delayMs: 7_000, paused: false });
    expect(await fakeBrowser.storage.local.get('pacing$')).toEqual({ pacing$: { v: 2 } });
  });

  it('only a stored delay (the pace never changed): the pace is the defaults with that delay', async () => {
    await fakeBrowser.storage.local.set({ uploadDelayMs: 300 });
    const { paceSetting } = await loadSettings();
    expect(await paceSetting.getValue()).toEqual({ ...DEFAULT_PACE, delayMs: 300 });
    expect(await fakeBrowser.storage.local.get('pacing')).toEqual({ pacing: { ...DEFAULT_PACE, delayMs: 300 } });
  });

  it('only a v1 pace: it keeps its values and gains the default delay', async () => {
    const v1 = { mode: 'adaptive', concurrency: 3, adaptiveFloorMs: 500, maxRetries: 0 };
    await fakeBrowser.storage.local.set({ pacing: v1 });
    const { paceSetting } = await loadSettings();
    expect(await paceSetting.getValue()).toEqual({ ...v1, delayMs: DEFAULT_PACE.delayMs });
  });

  it('migrated once: a delay stored later under the old key changes nothing', async () => {
    await fakeBrowser.storage.local.set({ pacing: { mode: 'sequential' }, uploadDelayMs: 1_000 });
    const first = await loadSettings();
    await first.updatePace({ delayMs: 2_000 });
    await fakeBrowser.storage.local.set({ uploadDelayMs: 9_000 });
    const again = await loadSettings();
    expect((await again.paceSetting.getValue()).delayMs).toBe(2_000);
  });

  it('a second context migrating at the same time reads the same delay', async () => {
    await fakeBrowser.storage.local.set({ pacing: { mode: 'sequential' }, uploadDelayMs: 4_000 });
    const [one, two] = await Promise.all([loadSettings(), loadSettings()]);
    const [a, b] = await Promise.all([one.paceSetting.getValue(), two.paceSetting.getValue()]);
    expect(a.delayMs).toBe(4_000);
    expect(b.delayMs).toBe(4_000);
  });
});
