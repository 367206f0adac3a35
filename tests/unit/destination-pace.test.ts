import { describe, expect, it } from 'vitest';
import {
  ADAPTIVE_MAX_GAP_MS,
  ADAPTIVE_START_GAP_MS,
  destinationTarget,
  type HeldLevel,
  initialState,
} from '@/utils/pacing/adaptive-controller';
import { type GlobalPace, pacingFor, settingsFor } from '@/utils/pacing/destination-pace';
import { type Pace, paceProblems } from '@/utils/pacing/pace';
import { adaptiveFor } from '@/utils/queue/scheduler';
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

describe('pacingFor: the adaptive memory of each destination', () => {
  const ADAPTIVE: GlobalPace = { ...GLOBAL, mode: 'adaptive', adaptiveFloorMs: 0, concurrency: 4 };
  const URL_A = 'https://img.example/upload?key=a';
  const URL_B = 'https://img.example/upload?key=b';
  const clean = { startedAt: 0, finishedAt: 100, result: 'ok' as const, bytes: 100_000 };
  /** What a first batch left: a ceiling of one, two seconds ago. */
  const held = (url: string): HeldLevel => ({
    state: { ...initialState({ startGapMs: 2_000, floorMs: 0, cap: 4, maxGapMs: 300_000 }), ceiling: 1, gapMs: 0 },
    target: destinationTarget({ url, method: 'POST' }),
    through: 8_000,
  });

  it.each([
    { case: 'the same URL: starts at the remembered ceiling', url: URL_A, concurrency: 1, gapMs: 0 },
    { case: 'the URL changed since: starts over', url: URL_B, concurrency: 1, gapMs: 2_000 },
  ])('$case', ({ url, concurrency, gapMs }) => {
    const next = makeQueueItem({ id: 'next', destination: makeSnapshot({ url }), destinationKey: 'd' });
    const pacing = pacingFor(ADAPTIVE, [next], { levels: { d: held(URL_A) }, now: 10_000 });
    expect(pacing.memory?.held('d') !== undefined).toBe(url === URL_A);
    expect(adaptiveFor([next], 'd', pacing.policyFor(next), pacing.memory).level).toEqual({ concurrency, gapMs });
  });

  it('attempts of items sent to an earlier URL of the destination do not count', () => {
    const before = makeQueueItem({
      id: 'before',
      status: 'done',
      destination: makeSnapshot({ url: URL_A }),
      destinationKey: 'd',
      attemptLog: [clean],
    });
    const next = makeQueueItem({ id: 'next', destination: makeSnapshot({ url: URL_B }), destinationKey: 'd' });
    const items = [before, next];
    const pacing = pacingFor(ADAPTIVE, items, { levels: {}, now: 10_000 });
    expect(adaptiveFor(items, 'd', pacing.policyFor(next), pacing.memory).level.concurrency).toBe(1);
    // The same attempt on the current URL counts: one clean upload allows a second in flight.
    const same = pacingFor(ADAPTIVE, [{ ...before, destination: next.destination }, next], { levels: {}, now: 10_000 });
    expect(adaptiveFor(items, 'd', same.policyFor(next), same.memory).level.concurrency).toBe(2);
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
