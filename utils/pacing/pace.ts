import * as v from 'valibot';
import { amount, count } from '../bounded-schemas';
import { type Localized, localized, type MessageKey } from '../localized';

/**
 * The pace of uploads, one shape for the global setting, a destination's own
 * pace and the settings file. How each mode spaces uploads: docs/pacing.md.
 */

/**
 * sequential: the next upload starts `delayMs` after the previous one finished;
 * staggered: starts are `delayMs` apart, overlapping allowed;
 * adaptive: starts are spaced by a gap that follows the server's health.
 */
export const PACE_MODES = ['sequential', 'staggered', 'adaptive'] as const;

/** Every limit in whole milliseconds or counts; the forms and the settings file refuse what is outside. */
export const PACE_LIMITS = {
  delayMs: { min: 0, max: 10 * 60_000 },
  concurrency: { min: 1, max: 6 },
  adaptiveFloorMs: { min: 0, max: 60_000 },
  maxRetries: { min: 0, max: 3 },
} as const;

const within = (key: keyof typeof PACE_LIMITS, message: string) =>
  v.pipe(
    v.number(message),
    v.integer(message),
    v.minValue(PACE_LIMITS[key].min, message),
    v.maxValue(PACE_LIMITS[key].max, message),
  );

/** The one check of a pace; each message names the limit, for the destination editor's problem list. */
export const paceSchema = v.object({
  mode: v.picklist(PACE_MODES, `one of ${PACE_MODES.join(', ')}`),
  /** Sequential: the pause after one finish. Staggered: the time between starts. */
  delayMs: within('delayMs', 'a delay from 0 to 600 seconds'),
  /** Staggered and adaptive: at most this many uploads in flight; a start waits for a free slot. */
  concurrency: within('concurrency', `a whole number from 1 to 6`),
  /** Adaptive: the gap between starts never shrinks below this. */
  adaptiveFloorMs: within('adaptiveFloorMs', 'a floor from 0 to 60 seconds'),
  /** Automatic retries per item, for failures that may succeed later. */
  maxRetries: within('maxRetries', `a whole number from 0 to 3`),
});

export type Pace = v.InferOutput<typeof paceSchema>;
/**
 * A pace as stored or reported (a destination's, a queued item's): the same
 * keys without the limits, which are the forms' and the settings file's. A
 * pace an earlier version stored may lie outside today's limits, and a queued
 * item must still be shown and sent.
 */
export const storedPaceSchema = v.object({
  mode: v.picklist(PACE_MODES),
  delayMs: amount,
  concurrency: count,
  adaptiveFloorMs: amount,
  maxRetries: count,
} satisfies Record<keyof Pace, v.GenericSchema<unknown, unknown>>);
export type PaceMode = Pace['mode'];

/** 20 s between uploads: gentle enough for big batches to a server nobody asked (docs/pacing.md). */
export const DEFAULT_PACE: Pace = {
  mode: 'sequential',
  delayMs: 20_000,
  concurrency: 2,
  adaptiveFloorMs: 0,
  maxRetries: 1,
};

/** The names the destination editor shows a problem under (`pacing.delay: ...`). */
const PROBLEM_FIELDS: Record<keyof Pace, string> = {
  mode: 'pacing.mode',
  delayMs: 'pacing.delay',
  concurrency: 'pacing.concurrency',
  adaptiveFloorMs: 'pacing.adaptiveFloor',
  maxRetries: 'pacing.maxRetries',
};

export interface PaceProblem {
  key: keyof Pace;
  /** The name the destination editor shows it under. */
  field: string;
  message: string;
  /** The field and the problem in the user's language. */
  fieldText: Localized;
  text: Localized;
}

/** Each field's label and its limits, in the user's language. */
const PROBLEM_TEXT: Record<keyof Pace, [MessageKey, MessageKey]> = {
  mode: ['modeLabel', 'paceProblemMode'],
  delayMs: ['delayLabel', 'paceProblemDelay'],
  concurrency: ['concurrencyLabel', 'paceProblemConcurrency'],
  adaptiveFloorMs: ['floorLabel', 'paceProblemFloor'],
  maxRetries: ['retriesLabel', 'paceProblemRetries'],
};

/** What is wrong with a pace, one problem per field; empty when usable. */
export function paceProblems(pace: Pace): PaceProblem[] {
  const result = v.safeParse(paceSchema, pace, { abortPipeEarly: true });
  if (result.success) return [];
  return result.issues.map((issue) => {
    const key = issue.path?.[0]?.key as keyof Pace;
    const [label, problem] = PROBLEM_TEXT[key] ?? ['modeLabel', 'paceProblemMode'];
    return {
      key,
      field: PROBLEM_FIELDS[key] ?? 'pacing',
      message: issue.message,
      fieldText: localized(label),
      text: localized(problem),
    };
  });
}
