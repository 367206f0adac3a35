import { describe, expectTypeOf, it } from 'vitest';
import type { Destination } from '@/utils/destinations/model';
import type { GlobalPace } from '@/utils/pacing/destination-pace';
import type { Pace, PaceMode } from '@/utils/pacing/pace';
import type { RunnerEffects } from '@/utils/queue/runner';
import type { QueuePlan } from '@/utils/queue/types';
import type { DiagnosticsPacing } from '@/utils/results/diagnostics';
import type { SendEffects } from '@/utils/upload/send-request';

describe('one Pace type, derived from its schema, used everywhere a pace is', () => {
  it('is exactly the shape the settings and a destination store', () => {
    expectTypeOf<Pace>().toEqualTypeOf<{
      mode: 'sequential' | 'staggered' | 'adaptive';
      delayMs: number;
      concurrency: number;
      adaptiveFloorMs: number;
      maxRetries: number;
    }>();
    expectTypeOf<Destination['pacing']>().toEqualTypeOf<Pace | null>();
    expectTypeOf<QueuePlan['mode']>().toEqualTypeOf<PaceMode>();
  });

  it('the global pace, the runner and "Copy diagnostics" read the same pace', () => {
    expectTypeOf<GlobalPace>().toExtend<Pace>();
    expectTypeOf<DiagnosticsPacing>().toExtend<GlobalPace>();
    expectTypeOf<ReturnType<RunnerEffects['readPacing']>>().toEqualTypeOf<Promise<GlobalPace>>();
  });

  it('the runner sends with the same effects as "Test destination"', () => {
    expectTypeOf<RunnerEffects>().toExtend<SendEffects>();
  });
});
