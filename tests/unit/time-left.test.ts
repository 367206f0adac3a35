import { describe, expect, it } from 'vitest';
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
