import { MAX_UPLOAD_DELAY_MS, PACING_LIMITS } from '../settings';
import type { DestinationPacing, DestinationProblem } from './model';

const MODES: readonly string[] = ['sequential', 'staggered', 'adaptive'];

/** What is wrong with a destination's own pace, in the global settings' limits. Empty when usable (or null). */
export function pacingProblems(pacing: DestinationPacing | null): DestinationProblem[] {
  if (pacing === null) return [];
  const problems: DestinationProblem[] = [];
  const within = (field: string, value: number, min: number, max: number, unit: number, message: string) => {
    if (!Number.isFinite(value) || value < min || value > max || (unit === 1 && !Number.isInteger(value))) {
      problems.push({ field, message });
    }
  };
  if (!MODES.includes(pacing.mode)) problems.push({ field: 'pacing.mode', message: `one of ${MODES.join(', ')}` });
  within('pacing.delay', pacing.delayMs, 0, MAX_UPLOAD_DELAY_MS, 1000, 'a delay from 0 to 600 seconds');
  const { concurrency, adaptiveFloorMs, maxRetries } = PACING_LIMITS;
  within(
    'pacing.concurrency',
    pacing.concurrency,
    concurrency.min,
    concurrency.max,
    1,
    `a whole number from ${concurrency.min} to ${concurrency.max}`,
  );
  within(
    'pacing.adaptiveFloor',
    pacing.adaptiveFloorMs,
    adaptiveFloorMs.min,
    adaptiveFloorMs.max,
    1000,
    'a floor from 0 to 60 seconds',
  );
  within(
    'pacing.maxRetries',
    pacing.maxRetries,
    maxRetries.min,
    maxRetries.max,
    1,
    `a whole number from ${maxRetries.min} to ${maxRetries.max}`,
  );
  return problems;
}
