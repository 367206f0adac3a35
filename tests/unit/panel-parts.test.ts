import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { minutesAndSeconds } from '@/utils/format';
import {
  clampToViewport,
  defaultPosition,
  EDGE_MARGIN,
  GRIP_HEIGHT,
  PANEL_HEADER_HEIGHT,
  panelSize,
} from '@/utils/page-panel/geometry';
import {
  MAX_REMEMBERED_SITES,
  panelPlacesSetting,
  readPanelPlace,
  savePanelPlace,
} from '@/utils/page-panel/place-setting';
import type { PanelRow } from '@/utils/queue-view/panel-rows';
import { bytesSaved, chipDetail, chipTicks, percentSaved } from '@/utils/queue-view/row-chip';
import { averageUploadMs, estimateTimeLeft, type PacePlan } from '@/utils/queue-view/time-left';
import { makeQueueItem } from '../factories/queue-item';

const NOW = 1_000_000;

function plan(overrides: Partial<PacePlan> = {}): PacePlan {
  return { mode: 'sequential', paused: false, nextStartAt: null, gapMs: 20_000, concurrency: 1, ...overrides };
}

/** `count` finished uploads of `ms` each. */
function doneItems(count: number, ms: number) {
  return Array.from({ length: count }, () => makeQueueItem({ status: 'done', startedAt: 0, finishedAt: ms }));
}

function queuedItems(count: number) {
  return Array.from({ length: count }, () => makeQueueItem({ status: 'queued' }));
}

describe('estimateTimeLeft', () => {
  it('is none with nothing queued or uploading, and paused while paused', () => {
    expect(estimateTimeLeft(doneItems(3, 1000), plan(), NOW)).toEqual({ kind: 'none' });
    expect(estimateTimeLeft(queuedItems(2), plan({ paused: true }), NOW)).toEqual({ kind: 'paused' });
  });

  it('sequential with one in flight: what it still needs, then N left x (delay + average upload)', () => {
    const items = [
      ...doneItems(2, 4_000),
      makeQueueItem({ status: 'uploading', startedAt: NOW - 1_000 }),
      ...queuedItems(5),
    ];
    // 3 s left of the upload in flight, then 5 x (20 s + 4 s).
    expect(estimateTimeLeft(items, plan(), NOW)).toEqual({ kind: 'estimate', ms: 3_000 + 5 * 24_000, measured: true });
  });

  it('sequential with nothing in flight: until the planned start, then uploads and delays', () => {
    const items = [...doneItems(1, 2_000), ...queuedItems(3)];
    const estimate = estimateTimeLeft(items, plan({ nextStartAt: NOW + 8_000 }), NOW);
    // 8 s to the first start, its 2 s upload, then 2 x (20 s + 2 s).
    expect(estimate).toEqual({ kind: 'estimate', ms: 8_000 + 2_000 + 2 * 22_000, measured: true });
  });

  it('before any upload finished, the pace alone, marked as not measured', () => {
    expect(estimateTimeLeft(queuedItems(3), plan({ nextStartAt: NOW }), NOW)).toEqual({
      kind: 'estimate',
      ms: 2 * 20_000,
      measured: false,
    });
  });

  it('staggered: starts the interval apart, the last one then uploads', () => {
    const items = [...doneItems(2, 3_000), ...queuedItems(4)];
    const estimate = estimateTimeLeft(
      items,
      plan({ mode: 'staggered', gapMs: 5_000, concurrency: 3, nextStartAt: NOW + 1_000 }),
      NOW,
    );
    expect(estimate).toEqual({ kind: 'estimate', ms: 1_000 + 3 * 5_000 + 3_000, measured: true });
  });

  it('staggered: a binding concurrency cap spaces starts by average upload / cap', () => {
    const items = [...doneItems(1, 30_000), ...queuedItems(3)];
    const estimate = estimateTimeLeft(
      items,
      plan({ mode: 'adaptive', gapMs: 2_000, concurrency: 2, nextStartAt: NOW }),
      NOW,
    );
    expect(estimate).toEqual({ kind: 'estimate', ms: 2 * 15_000 + 30_000, measured: true });
  });

  it('only uploads in flight: the longest of what they still need, never negative', () => {
    const items = [
      ...doneItems(1, 5_000),
      makeQueueItem({ status: 'uploading', startedAt: NOW - 2_000 }),
      makeQueueItem({ status: 'uploading', startedAt: NOW - 9_000 }),
    ];
    expect(estimateTimeLeft(items, plan({ mode: 'staggered' }), NOW)).toMatchObject({ ms: 3_000 });
  });

  it('averages only finished uploads', () => {
    expect(averageUploadMs([...doneItems(1, 1_000), ...doneItems(1, 3_000), ...queuedItems(2)])).toBe(2_000);
    expect(averageUploadMs(queuedItems(2))).toBeUndefined();
  });
});

describe('row chips', () => {
  const row = (overrides: Partial<PanelRow>): PanelRow => ({
    id: 'r',
    name: 'a.jpg',
    originalSize: 1000,
    phase: 'handing-over',
    ...overrides,
  });

  it('compressing shows its percent; waiting next shows seconds to its start; uploading its elapsed seconds', () => {
    expect(chipDetail(row({ phase: 'compressing', progress: 0.456 }), null, NOW)).toEqual({
      kind: 'percent',
      value: 46,
    });
    const queued = row({ item: makeQueueItem({ status: 'queued' }) });
    expect(chipDetail(queued, NOW + 4_200, NOW)).toEqual({ kind: 'starts-in', seconds: 5 });
    expect(chipDetail(queued, null, NOW)).toBeUndefined();
    const uploading = row({ item: makeQueueItem({ status: 'uploading', startedAt: NOW - 7_900 }) });
    expect(chipDetail(uploading, null, NOW)).toEqual({ kind: 'elapsed', seconds: 7 });
    expect(chipDetail(row({ item: makeQueueItem({ status: 'done' }) }), null, NOW)).toBeUndefined();
  });

  it('only rows with a moving number tick', () => {
    expect(chipTicks(row({ item: makeQueueItem({ status: 'uploading', startedAt: NOW }) }), null)).toBe(true);
    expect(chipTicks(row({ item: makeQueueItem({ status: 'queued' }) }), NOW + 1)).toBe(true);
    expect(chipTicks(row({ item: makeQueueItem({ status: 'queued' }) }), null)).toBe(false);
    expect(chipTicks(row({ item: makeQueueItem({ status: 'queued', retryAt: NOW + 1 }) }), null)).toBe(true);
    expect(chipTicks(row({ item: makeQueueItem({ status: 'done' }) }), null)).toBe(false);
  });

  it('percent saved is whole and absent when nothing was saved; bytes saved never go negative per item', () => {
    expect(percentSaved(4_000_000, 400_000)).toBe(90);
    expect(percentSaved(1000, 1000)).toBeUndefined();
    expect(percentSaved(1000, 1200)).toBeUndefined();
    expect(
      bytesSaved([
        { originalSize: 1000, size: 400 },
        { originalSize: 500, size: 700 },
      ]),
    ).toBe(600);
  });

  it('time left reads as minutes and seconds, rounded up', () => {
    expect(minutesAndSeconds(125_001)).toEqual({ minutes: 2, seconds: 6 });
    expect(minutesAndSeconds(400)).toEqual({ minutes: 0, seconds: 1 });
    expect(minutesAndSeconds(-5)).toEqual({ minutes: 0, seconds: 0 });
  });
});

describe('panel placement', () => {
  const viewport = { width: 1280, height: 800 };

  it('sits bottom-right by default, and collapsed it is only the grip and the header', () => {
    const size = panelSize(false, viewport);
    expect(size).toEqual({ width: 420, height: 620 });
    expect(defaultPosition(size, viewport)).toEqual({
      left: 1280 - 420 - EDGE_MARGIN,
      top: 800 - 620 - EDGE_MARGIN,
    });
    expect(panelSize(true, viewport).height).toBe(GRIP_HEIGHT + PANEL_HEADER_HEIGHT);
  });

  it('fits a small viewport and stays inside it, grip first', () => {
    const small = { width: 360, height: 400 };
    const size = panelSize(false, small);
    expect(size).toEqual({ width: 360 - 2 * EDGE_MARGIN, height: 400 - 2 * EDGE_MARGIN });
    expect(clampToViewport({ left: 900, top: 700 }, size, small)).toEqual({ left: 32, top: 32 });
    expect(clampToViewport({ left: -50, top: -10 }, size, small)).toEqual({ left: 0, top: 0 });
  });
});

describe('panel place per site', () => {
  beforeEach(() => fakeBrowser.reset());

  it('keeps each origin apart and forgets the least recently saved beyond the limit', async () => {
    await savePanelPlace('https://a.example', { left: 10, top: 20, collapsed: true }, 1);
    expect(await readPanelPlace('https://a.example')).toEqual({ left: 10, top: 20, collapsed: true, savedAt: 1 });
    expect(await readPanelPlace('https://b.example')).toBeUndefined();
    for (let index = 0; index < MAX_REMEMBERED_SITES; index += 1) {
      await savePanelPlace(`https://site-${index}.example`, { left: 0, top: 0, collapsed: false }, 10 + index);
    }
    const places = await panelPlacesSetting.getValue();
    expect(Object.keys(places)).toHaveLength(MAX_REMEMBERED_SITES);
    expect(places['https://a.example']).toBeUndefined();
  });
});

describe('groupBySource', () => {
  it('groups by tab and page in hand-over order, with counts, saved bytes and what uploads now', async () => {
    const { groupBySource } = await import('@/utils/queue-view/sources');
    const pageA = { tabId: 1, origin: 'https://a.example', title: 'A' };
    const pageB = { tabId: 2, origin: 'https://b.example', title: 'B' };
    const groups = groupBySource([
      makeQueueItem({ seq: 3, source: pageB, status: 'uploading', name: 'b1.jpg' }),
      makeQueueItem({ seq: 1, source: pageA, status: 'done', originalSize: 1000, size: 400 }),
      makeQueueItem({
        seq: 2,
        source: { ...pageA, title: 'A, later' },
        status: 'queued',
        originalSize: 500,
        size: 500,
      }),
      makeQueueItem({ seq: 4, source: pageB, status: 'cancelled', originalSize: 9000, size: 1000 }),
      makeQueueItem({ seq: 5, status: 'failed' }),
    ]);
    expect(groups.map((group) => [group.key, group.title, group.total])).toEqual([
      ['tab:1:https://a.example', 'A, later', 2],
      ['tab:2:https://b.example', 'B', 1],
      ['unknown', undefined, 1],
    ]);
    expect(groups[0]).toMatchObject({ savedBytes: 600, uploading: [], counts: { done: 1, queued: 1 } });
    expect(groups[1]).toMatchObject({
      savedBytes: 3_600_000,
      uploading: ['b1.jpg'],
      counts: { uploading: 1, cancelled: 1 },
    });
  });
});
