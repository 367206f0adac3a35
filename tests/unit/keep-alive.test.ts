import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createKeepAlive, WAKE_ALARM } from '@/entrypoints/background/keep-alive';

describe('keep-alive while work is pending', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ now: 1_000_000 });
    // The fake browser has no platform info; the keep-alive only needs the call to happen.
    browser.runtime.getPlatformInfo = vi.fn(
      async () => ({}) as chrome.runtime.PlatformInfo,
    ) as typeof browser.runtime.getPlatformInfo;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('calls an extension API every 25 s and arms a wake-up alarm at the planned start, with a 30 s backstop', async () => {
    const keepAlive = createKeepAlive();
    keepAlive.update(true, 1_012_000);
    expect(await fakeBrowser.alarms.getAll()).toEqual([
      expect.objectContaining({ name: WAKE_ALARM, scheduledTime: 1_012_000, periodInMinutes: 0.5 }),
    ]);
    await vi.advanceTimersByTimeAsync(24_999);
    expect(browser.runtime.getPlatformInfo).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(browser.runtime.getPlatformInfo).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(browser.runtime.getPlatformInfo).toHaveBeenCalledTimes(2);
  });

  it('while an upload runs (no planned start) the alarm is the 30 s backstop', async () => {
    createKeepAlive().update(true, null);
    expect(await fakeBrowser.alarms.get(WAKE_ALARM)).toMatchObject({ scheduledTime: 1_030_000, periodInMinutes: 0.5 });
  });

  it('a later plan moves the one alarm instead of adding another', async () => {
    const keepAlive = createKeepAlive();
    keepAlive.update(true, 1_012_000);
    keepAlive.update(true, 1_020_000);
    expect(await fakeBrowser.alarms.getAll()).toEqual([expect.objectContaining({ scheduledTime: 1_020_000 })]);
  });

  it('lets the worker sleep when the queue is empty: no more calls, no alarm', async () => {
    const keepAlive = createKeepAlive();
    keepAlive.update(true, null);
    keepAlive.update(true, null);
    keepAlive.update(false, null);
    expect(await fakeBrowser.alarms.getAll()).toEqual([]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(browser.runtime.getPlatformInfo).not.toHaveBeenCalled();
  });
});
