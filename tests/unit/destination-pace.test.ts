import { describe, expect, it } from 'vitest';
import { ADAPTIVE_MAX_GAP_MS, ADAPTIVE_START_GAP_MS } from '@/utils/pacing/adaptive-controller';
import { type GlobalPace, pacingFor, settingsFor } from '@/utils/pacing/destination-pace';
import { type Pace, paceProblems } from '@/utils/pacing/pace';
import { makeSnapshot } from '../factories/destination';
import { makeQueueItem } from '../factories/queue-item';

const GLOBAL: GlobalPace = {
  mode: 'sequential',
  delayMs: 20_000,
  concurrency: 2,
  adaptiveFloorMs: 500,
  maxRetries: 1,
  paused: false,
};
const OWN: Pace = {
  mode: 'staggered',
  delayMs: 3_000,
  concurrency: 4,
  adaptiveFloorMs: 100,
  maxRetries: 3,
};

describe('settingsFor: the item snapshot’s own pace replaces the global one; the pause stays global', () => {
  it.each([
    { case: 'no override', override: null, paused: false, expected: GLOBAL },
    { case: 'absent (an item queued by an earlier version)', override: undefined, paused: false, expected: GLOBAL },
    { case: 'its own pace', override: OWN, paused: false, expected: { ...OWN, paused: false } },
    { case: 'its own pace, queue paused', override: OWN, paused: true, expected: { ...OWN, paused: true } },
  ])('$case', ({ override, paused, expected }) => {
    expect(settingsFor({ ...GLOBAL, paused }, override)).toEqual({ ...expected, paused });
  });
});

describe('pacingFor: a policy per item, from its snapshot', () => {
  it('gives each item its destination’s policy, and the global one to the rest', () => {
    const own = makeQueueItem({ id: 'own', destination: makeSnapshot({ pacing: OWN }) });
    const plain = makeQueueItem({ id: 'plain', destination: makeSnapshot({ pacing: null }) });
    const pacing = pacingFor({ ...GLOBAL, paused: true }, [own, plain]);
    expect(pacing.paused).toBe(true);
    expect(pacing.policyFor(own)).toMatchObject({
      mode: 'staggered',
      delayMs: 3_000,
      concurrency: 4,
      adaptive: { startGapMs: ADAPTIVE_START_GAP_MS, maxGapMs: ADAPTIVE_MAX_GAP_MS, floorMs: 100 },
    });
    expect(pacing.policyFor(plain)).toMatchObject({ mode: 'sequential', delayMs: 20_000, concurrency: 2 });
    expect(pacing.global).toMatchObject({ mode: 'sequential', delayMs: 20_000 });
  });
});

describe('paceProblems: the one check of a pace', () => {
  it.each([
    { case: 'null follows the global settings', pacing: null, fields: [] },
    { case: 'a usable pace', pacing: OWN, fields: [] },
    { case: 'delay over 600 s', pacing: { ...OWN, delayMs: 600_001 }, fields: ['pacing.delay'] },
    { case: 'delay not a number', pacing: { ...OWN, delayMs: Number.NaN }, fields: ['pacing.delay'] },
    { case: 'negative delay', pacing: { ...OWN, delayMs: -1 }, fields: ['pacing.delay'] },
    { case: 'cap 0', pacing: { ...OWN, concurrency: 0 }, fields: ['pacing.concurrency'] },
    { case: 'cap 2.5', pacing: { ...OWN, concurrency: 2.5 }, fields: ['pacing.concurrency'] },
    { case: 'floor over 60 s', pacing: { ...OWN, adaptiveFloorMs: 60_001 }, fields: ['pacing.adaptiveFloor'] },
    { case: '4 retries', pacing: { ...OWN, maxRetries: 4 }, fields: ['pacing.maxRetries'] },
    {
      case: 'an unknown mode',
      pacing: { ...OWN, mode: 'burst' as unknown as Pace['mode'] },
      fields: ['pacing.mode'],
    },
  ])('$case', ({ pacing, fields }) => {
    expect((pacing ? paceProblems(pacing) : []).map((problem) => problem.field)).toEqual(fields);
  });
});
