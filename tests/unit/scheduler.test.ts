import { describe, expect, it } from 'vitest';
import { decideNext, type SchedulerItem } from '@/utils/queue/scheduler';

const DELAY = 20_000;
const item = (id: string, seq: number, status: SchedulerItem['status'], finishedAt?: number): SchedulerItem => ({
  id,
  seq,
  status,
  finishedAt,
});

describe('decideNext: sequential with a delay', () => {
  it.each([
    { case: 'an empty queue is idle', items: [], now: 0, expected: { kind: 'idle' } },
    {
      case: 'only finished items is idle',
      items: [item('a', 1, 'done', 10), item('b', 2, 'failed', 20)],
      now: 99_999,
      expected: { kind: 'idle' },
    },
    {
      case: 'the first item of a fresh queue starts at once',
      items: [item('a', 1, 'queued')],
      now: 5,
      expected: { kind: 'start', itemId: 'a' },
    },
    {
      case: 'nothing starts while one is uploading',
      items: [item('a', 1, 'uploading'), item('b', 2, 'queued')],
      now: 1e9,
      expected: { kind: 'busy' },
    },
    {
      case: 'the next waits until the previous finish plus the delay',
      items: [item('a', 1, 'done', 1_000), item('b', 2, 'queued')],
      now: 1_001,
      expected: { kind: 'wait', itemId: 'b', at: 1_000 + DELAY },
    },
    {
      case: 'one millisecond early is still a wait',
      items: [item('a', 1, 'done', 1_000), item('b', 2, 'queued')],
      now: 1_000 + DELAY - 1,
      expected: { kind: 'wait', itemId: 'b', at: 1_000 + DELAY },
    },
    {
      case: 'it starts exactly when the delay has passed',
      items: [item('a', 1, 'done', 1_000), item('b', 2, 'queued')],
      now: 1_000 + DELAY,
      expected: { kind: 'start', itemId: 'b' },
    },
    {
      case: 'a failure counts as a finish for the pace',
      items: [item('a', 1, 'failed', 5_000), item('b', 2, 'queued')],
      now: 6_000,
      expected: { kind: 'wait', itemId: 'b', at: 5_000 + DELAY },
    },
    {
      case: 'the delay runs from the latest finish, not the first',
      items: [item('a', 1, 'done', 1_000), item('b', 2, 'done', 50_000), item('c', 3, 'queued')],
      now: 60_000,
      expected: { kind: 'wait', itemId: 'c', at: 50_000 + DELAY },
    },
    {
      case: 'items go in hand-over order, whatever the array order',
      items: [item('late', 9, 'queued'), item('early', 3, 'queued'), item('mid', 5, 'queued')],
      now: 0,
      expected: { kind: 'start', itemId: 'early' },
    },
  ])('$case', ({ items, now, expected }) => {
    expect(decideNext(items, now, { delayMs: DELAY })).toEqual(expected);
  });

  it('with no delay the next starts right after a finish', () => {
    expect(decideNext([item('a', 1, 'done', 100), item('b', 2, 'queued')], 100, { delayMs: 0 })).toEqual({
      kind: 'start',
      itemId: 'b',
    });
  });
});
