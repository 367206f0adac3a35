import { describe, expect, it } from 'vitest';
import { minutesAndSeconds } from '@/utils/format';
import type { PanelRow } from '@/utils/queue-view/panel-rows';
import { bytesSaved, chipDetail, chipTicks, percentSaved } from '@/utils/queue-view/row-chip';
import { makeQueueItem } from '../factories/queue-item';

const NOW = 1_000_000;

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
