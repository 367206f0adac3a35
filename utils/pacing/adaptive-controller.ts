/**
 * The adaptive pace: how many uploads may be in flight to one destination and
 * how far apart their starts must be, found from what the uploads did.
 *
 * Pure: a remembered level, the attempt records and the time in; a level out.
 * The service worker can die at any moment, so nothing lives in memory: the
 * level is a fold over the attempts the store holds, on top of the level
 * remembered for the destination (see docs/pacing.md).
 *
 * Slow start, as TCP does it: one upload at a time at first; each clean
 * upload halves the gap and, while more uploads in flight still add
 * throughput, allows one more in flight (up to the user's cap). The first
 * sign of overload (reset, timeout, 429, 503) sets a ceiling one below the
 * concurrency that attempt met, and the pace stays there: no second probe.
 */

/** What the scheduler keeps to for one destination. */
export interface AdaptiveLevel {
  /** Most uploads in flight at once. */
  concurrency: number;
  /** Least time between two starts, in ms. */
  gapMs: number;
}

/** The controller's whole state: small and plain, so it can be stored as it is. */
export interface AdaptiveState extends AdaptiveLevel {
  /** Found by a back-off: the most in flight the server took. Never probed above. */
  ceiling: number | null;
  /** Found by a back-off of a single upload: the pace itself was too fast, so the gap stays at least this. */
  gapFloorMs: number;
  /** One more upload in flight stopped adding throughput: the link is full; no more growth. */
  full: boolean;
  /** Uploads at the current concurrency that showed no gain over one fewer; a whole round of them means full. */
  trials: number;
  /** Best estimate of the whole throughput (bytes/s) seen with N uploads in flight, at index N. */
  rates: number[];
}

/** The level remembered for one destination between batches. */
export interface HeldLevel {
  state: AdaptiveState;
  /** The destination it was measured on (see destinationTarget): another URL or method starts over. */
  target: string;
  /** The finish of the last attempt folded in: only later attempts are folded on top. */
  through: number;
}

/** One finished try, as the controller reads it. */
export interface AttemptSample {
  startedAt: number;
  finishedAt: number;
  result: string;
  httpStatus?: number;
  /** Body bytes sent. Records without it still count for concurrency and back-off, not for throughput. */
  bytes?: number;
  /**
   * When the request left. The client's own work before it (reading the
   * bytes from storage) is no load on the server: two uploads whose reads
   * overlap may reach the server one after the other, and counting them as
   * concurrent would prove a level the server never saw.
   */
  sentAt?: number;
}

export interface AdaptiveParams {
  /** The gap before anything is known. */
  startGapMs: number;
  /** The user's floor: the gap never shrinks below this. */
  floorMs: number;
  /** The user's cap on uploads in flight. */
  cap: number;
  /** Never wider than this. */
  maxGapMs: number;
}

export interface ControllerInput {
  /** Finished attempts to this destination, in any order. */
  attempts: readonly AttemptSample[];
  /** Starts of the uploads in flight to it now (their attempts are not recorded yet). */
  inFlightSince: readonly number[];
  /** The level remembered for this destination, if any (already checked with `heldLevelApplies`). */
  held?: HeldLevel;
  params: AdaptiveParams;
}

export interface ControllerOutput {
  level: AdaptiveLevel;
  state: AdaptiveState;
  /** The finish of the last attempt folded in (the held level's, when none is newer). */
  through: number;
  /**
   * The last attempt met overload with more uploads in flight than the level
   * now allows: the back-off already removed its cause, so sending it again
   * at this level adds no load beyond what held, and need not wait longer.
   */
  answered: boolean;
}

/**
 * Going from N-1 to N in flight must add at least this share of what one more
 * stream adds on an idle link (N/(N-1)) to count as a gain: BBR's full-pipe
 * test, scaled so that it does not stop at five on a link with room.
 */
export const GROWTH_SHARE = 0.5;

/** A single upload that meets overload spaces the next starts at least this far apart, and doubles from there. */
export const MIN_BACKOFF_GAP_MS = 250;

/** A remembered level older than this is forgotten: the server or the link may have changed. */
export const HELD_LEVEL_TTL_MS = 7 * 24 * 60 * 60_000;

/**
 * The shipped start: 2 s, about what a 1 MB image takes on a 4 Mbit/s uplink.
 * It rarely matters: with one upload at a time the second start waits for the
 * first finish, and that finish already shrinks the gap to its duration.
 */
export const ADAPTIVE_START_GAP_MS = 2_000;
export const ADAPTIVE_MAX_GAP_MS = 5 * 60_000;

/** Signs that the server or the path to it is overloaded. Other failures say nothing about load. */
export function isOverloadSign(attempt: Pick<AttemptSample, 'result' | 'httpStatus'>): boolean {
  if (attempt.result === 'reset' || attempt.result === 'timeout') return true;
  return attempt.result === 'http' && (attempt.httpStatus === 429 || attempt.httpStatus === 503);
}

export function initialState(params: AdaptiveParams): AdaptiveState {
  return {
    concurrency: 1,
    gapMs: Math.max(params.floorMs, params.startGapMs),
    ceiling: null,
    gapFloorMs: 0,
    full: false,
    trials: 0,
    rates: [],
  };
}

/**
 * Where a remembered level applies: the same destination URL and method, not
 * older than HELD_LEVEL_TTL_MS. A hash, so no token in a URL is copied into
 * the stored level.
 */
export function destinationTarget(destination: { url: string; method: string }): string {
  return `${destination.method} ${fnv1a(destination.url)}`;
}

export function heldLevelApplies(held: HeldLevel | undefined, target: string, now: number): held is HeldLevel {
  return held !== undefined && held.target === target && now - held.through <= HELD_LEVEL_TTL_MS;
}

/**
 * The level now. A new batch starts where the remembered level left off,
 * growth re-tested (the link may be faster today) but never above a ceiling
 * a back-off found.
 */
export function adaptiveLevel({ attempts, inFlightSince, held, params }: ControllerInput): ControllerOutput {
  const ordered = [...attempts].sort((a, b) => a.finishedAt - b.finishedAt || a.startedAt - b.startedAt);
  const spans = ordered.map((attempt) => ({ start: sentFrom(attempt), end: attempt.finishedAt }));
  for (const start of inFlightSince) spans.push({ start, end: Number.POSITIVE_INFINITY });
  let state: AdaptiveState = held ? { ...held.state, rates: [...held.state.rates] } : initialState(params);
  const heldThrough = held?.through ?? Number.NEGATIVE_INFINITY;
  let through = heldThrough;
  let last: { attempt: AttemptSample; overlap: Overlap } | undefined;
  ordered.forEach((attempt, index) => {
    if (attempt.finishedAt <= heldThrough) return;
    const overlap = overlapOf(attempt, index, spans);
    state = nextState(state, attempt, overlap, params);
    through = attempt.finishedAt;
    last = { attempt, overlap };
  });
  const limit = Math.min(params.cap, state.ceiling ?? Number.POSITIVE_INFINITY);
  const concurrency = Math.max(1, Math.min(state.concurrency, limit));
  return {
    level: {
      concurrency,
      gapMs: Math.min(params.maxGapMs, Math.max(params.floorMs, state.gapFloorMs, state.gapMs)),
    },
    state,
    through,
    answered: last !== undefined && isOverloadSign(last.attempt) && last.overlap.atStart > concurrency,
  };
}

/** How crowded one attempt's life was. */
export interface Overlap {
  /** Uploads in flight when it started, itself included: what a server limiting concurrency saw. */
  atStart: number;
  /** Time-weighted mean of uploads in flight during its life, itself included. */
  mean: number;
}

/** One step of the fold: the state after one more finished attempt. */
export function nextState(
  state: AdaptiveState,
  attempt: AttemptSample,
  overlap: Overlap,
  params: AdaptiveParams,
): AdaptiveState {
  if (isOverloadSign(attempt)) {
    if (overlap.atStart > 1) {
      // Blame the crowd: one fewer than this attempt met is what held.
      const ceiling = Math.min(state.ceiling ?? Number.POSITIVE_INFINITY, overlap.atStart - 1);
      return { ...state, ceiling, concurrency: Math.min(state.concurrency, ceiling), full: true };
    }
    // Alone and still refused: the pace itself is too fast.
    const gapFloorMs = Math.min(params.maxGapMs, Math.max(MIN_BACKOFF_GAP_MS, 2 * state.gapMs, 2 * state.gapFloorMs));
    return { ...state, ceiling: 1, concurrency: 1, gapFloorMs, gapMs: gapFloorMs, full: true };
  }
  if (attempt.result !== 'ok') return state;
  const durationMs = Math.max(1, attempt.finishedAt - sentFrom(attempt));
  const rates = [...state.rates];
  // With equal shares, the whole throughput is this upload's own times the uploads sharing the link with it.
  const rate = attempt.bytes === undefined ? undefined : (attempt.bytes / durationMs) * 1000 * overlap.mean;
  const crowd = Math.max(1, Math.round(overlap.mean));
  if (rate !== undefined) rates[crowd] = Math.max(rates[crowd] ?? 0, rate);
  let { concurrency, full, trials } = state;
  const limit = Math.min(params.cap, state.ceiling ?? Number.POSITIVE_INFINITY);
  // Decide only on an upload that used the whole window for at least half its life: one that ran alone says
  // nothing about more in flight, and a brief overlap may be only the reply of the last one on its way back.
  if (!full && concurrency < limit && overlap.mean >= concurrency - 0.5) {
    const below = rates[concurrency - 1];
    const here = rates[concurrency];
    // Slow start's first step needs no proof; later ones need a throughput seen at both levels.
    const gain = 1 + GROWTH_SHARE / (concurrency - 1);
    if (concurrency === 1 || below === undefined || (here !== undefined && here >= gain * below)) {
      concurrency += 1;
      trials = 0;
    } else if (here !== undefined) {
      // Image sizes differ, so one upload is a noisy sample: a whole round without a gain says full.
      trials += 1;
      full = trials >= concurrency;
    }
  }
  // Halve the gap, and never wait longer than lets `concurrency` uploads like this one run at once: a gap of
  // the whole duration would space the starts one upload apart, and the uploads allowed in flight never meet.
  const gapMs = Math.max(
    params.floorMs,
    state.gapFloorMs,
    Math.floor(Math.min(state.gapMs / 2, durationMs / Math.min(concurrency, limit))),
  );
  return { ...state, gapMs, rates, concurrency, full, trials };
}

/** The overlap of `ordered[index]` with every other span (finished attempts and uploads in flight). */
function overlapOf(attempt: AttemptSample, index: number, spans: readonly { start: number; end: number }[]): Overlap {
  const start = sentFrom(attempt);
  const end = attempt.finishedAt;
  let atStart = 1;
  let shared = 0;
  spans.forEach((span, other) => {
    if (other === index || span.start >= end || span.end <= start) return;
    if (span.start <= start) atStart += 1;
    shared += Math.min(end, span.end) - Math.max(start, span.start);
  });
  return { atStart, mean: 1 + shared / Math.max(1, end - start) };
}

/** Where an attempt's load on the server begins: when its request left, or its start in older records. */
function sentFrom(attempt: AttemptSample): number {
  return Math.min(attempt.finishedAt, Math.max(attempt.startedAt, attempt.sentAt ?? attempt.startedAt));
}

/** FNV-1a, 32 bits: enough to tell two destination URLs apart, and reveals nothing of them. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
