/**
 * The lowest encoder quality whose output still meets a perceptual target,
 * found with few encodes: a first guess, then the secant through what was
 * measured (SSIM rises with quality, not in a straight line but close to one
 * over a short span), on a grid of 0.02 steps between 0.30 and 0.98 (the
 * oracle of `npm run bench:compress` sweeps the same grid).
 *
 * Pure: the caller supplies `score(quality)`, so the search is tested
 * without a browser (tests/unit/quality-search.test.ts).
 */

export const QUALITY_GRID = { min: 0.3, max: 0.98, step: 0.02 } as const;
const GRID_SIZE = Math.round((QUALITY_GRID.max - QUALITY_GRID.min) / QUALITY_GRID.step) + 1;

/** Encodes at most: the first guess and three refinements keep the panel near one native pass. */
export const MAX_SEARCH_ENCODES = 4;

/**
 * How much SSIM one grid step (0.02 quality) buys, before two measurements
 * give the image's own slope: about 0.0075 per 0.1 near 0.8 on the corpus
 * (../shared/design.md, 7), rounded down so a first jump overshoots rather
 * than crawls.
 */
const PRIOR_SLOPE_PER_STEP = 0.0012;
/** The furthest a single jump goes, in grid steps: a bad first slope cannot throw the search to an end. */
const MAX_JUMP = 12;

export interface QualityProbe {
  quality: number;
  score: number;
}

export interface QualitySearchResult {
  /** The lowest probed quality that met the target; the highest probed when none did. */
  quality: number;
  met: boolean;
  probes: QualityProbe[];
}

export function qualityAt(index: number): number {
  return Math.round((QUALITY_GRID.min + index * QUALITY_GRID.step) * 100) / 100;
}

export function gridIndexOf(quality: number): number {
  const index = Math.round((quality - QUALITY_GRID.min) / QUALITY_GRID.step);
  return Math.min(GRID_SIZE - 1, Math.max(0, index));
}

export async function searchQuality(options: {
  target: number;
  start: number;
  score: (quality: number) => Promise<number>;
  maxEncodes?: number;
}): Promise<QualitySearchResult> {
  const { target, score } = options;
  const maxEncodes = Math.max(1, options.maxEncodes ?? MAX_SEARCH_ENCODES);
  const scores = new Map<number, number>();
  const probes: QualityProbe[] = [];
  /** Highest index known to miss, lowest known to meet; -1 and GRID_SIZE while unknown. */
  let failing = -1;
  let passing = GRID_SIZE;
  let next = gridIndexOf(options.start);

  while (probes.length < maxEncodes) {
    const quality = qualityAt(next);
    const value = await score(quality);
    scores.set(next, value);
    probes.push({ quality, score: value });
    if (value >= target) passing = Math.min(passing, next);
    else failing = Math.max(failing, next);
    if (passing - failing <= 1) break;
    if (failing === GRID_SIZE - 1) break; // even the best quality misses
    const last = probes.length === maxEncodes - 1;
    const guess = nextGuess(next, value, failing, passing, scores, target, last);
    if (guess === undefined || scores.has(guess)) break;
    next = guess;
  }

  if (passing < GRID_SIZE) return { quality: qualityAt(passing), met: true, probes };
  const best = Math.max(...scores.keys());
  return { quality: qualityAt(best), met: false, probes };
}

function nextGuess(
  last: number,
  lastScore: number,
  failing: number,
  passing: number,
  scores: Map<number, number>,
  target: number,
  lastProbe: boolean,
): number | undefined {
  const low = failing + 1;
  const high = passing - 1;
  if (low > high) return undefined;
  const slope = measuredSlope(scores, failing, passing) ?? PRIOR_SLOPE_PER_STEP;
  const wanted = last + (target - lastScore) / slope;
  // Rounded towards the side that meets the target: the last refinement should land on a pass.
  let guess = Math.ceil(wanted - 1e-9);
  guess = Math.min(last + MAX_JUMP, Math.max(last - MAX_JUMP, guess));
  // The last probe saves bytes only if it passes: never below the bracket's middle, where a curve
  // steeper near the top (a gradient's JPEG) makes the secant land just short.
  if (lastProbe && failing >= 0 && passing < GRID_SIZE) guess = Math.max(guess, Math.floor((failing + passing) / 2));
  return Math.min(high, Math.max(low, guess));
}

/** The secant through the bracket (the highest miss, the lowest pass), else through the two nearest probes. */
function measuredSlope(scores: Map<number, number>, failing: number, passing: number): number | undefined {
  const pair: [number, number] | undefined =
    scores.has(failing) && scores.has(passing) ? [failing, passing] : nearestPair([...scores.keys()]);
  if (!pair) return undefined;
  const [x0, x1] = pair;
  const slope = ((scores.get(x1) ?? 0) - (scores.get(x0) ?? 0)) / (x1 - x0);
  return slope > 0 ? slope : undefined;
}

function nearestPair(indices: number[]): [number, number] | undefined {
  const sorted = [...indices].sort((a, b) => a - b);
  let best: [number, number] | undefined;
  for (let index = 1; index < sorted.length; index += 1) {
    const pair: [number, number] = [sorted[index - 1] as number, sorted[index] as number];
    if (!best || pair[1] - pair[0] < best[1] - best[0]) best = pair;
  }
  return best;
}

/**
 * The cap beats the target: when the chosen quality's output is over the cap,
 * the highest grid quality between `floor` and it whose output fits, by
 * bisection (bytes grow with quality). `fits` is asked at most about
 * log2(grid span) times; undefined when even `floor` does not fit.
 */
export async function highestFittingQuality(options: {
  above: number;
  floor: number;
  fits: (quality: number) => Promise<boolean>;
}): Promise<number | undefined> {
  let low = gridIndexOf(options.floor);
  let high = gridIndexOf(options.above); // known not to fit
  if (low >= high) return (await options.fits(qualityAt(low))) ? qualityAt(low) : undefined;
  if (!(await options.fits(qualityAt(low)))) return undefined;
  // Invariant: low fits, high does not.
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await options.fits(qualityAt(middle))) low = middle;
    else high = middle;
  }
  return qualityAt(low);
}
