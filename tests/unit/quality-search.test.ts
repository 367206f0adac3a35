import { describe, expect, it } from 'vitest';
import {
  highestFittingQuality,
  MAX_SEARCH_ENCODES,
  QUALITY_GRID,
  qualityAt,
  searchQuality,
} from '@/utils/compress/quality-search';

/** SSIM as a smooth, rising function of quality, like the corpus's curves, with a per-image offset. */
const curve = (offset: number) => (quality: number) =>
  Math.min(1, 0.9 + offset + 0.1 * quality ** 0.7 - 0.02 * (1 - quality));

function counted(score: (quality: number) => number) {
  const asked: number[] = [];
  return {
    asked,
    score: async (quality: number) => {
      asked.push(quality);
      return score(quality);
    },
  };
}

/** The true answer, by walking the whole grid. */
function lowestMeeting(score: (quality: number) => number, target: number): number | undefined {
  for (let quality = QUALITY_GRID.min; quality <= QUALITY_GRID.max + 1e-9; quality += QUALITY_GRID.step) {
    const rounded = Math.round(quality * 100) / 100;
    if (score(rounded) >= target) return rounded;
  }
  return undefined;
}

describe('searchQuality: the lowest quality that meets the target, in few encodes', () => {
  it.each([
    ['a busy photo', -0.02, 0.985],
    ['an average photo', -0.005, 0.985],
    ['a smooth gradient', -0.04, 0.985],
    ['an easy image', 0.01, 0.985],
  ])('%s: meets the target, within %d encodes, close to the true lowest', async (_name, offset, target) => {
    const score = curve(offset);
    const { asked, score: probe } = counted(score);
    const found = await searchQuality({ target, start: 0.8, score: probe });
    const truth = lowestMeeting(score, target);
    expect(asked.length).toBeLessThanOrEqual(MAX_SEARCH_ENCODES);
    if (truth === undefined) {
      expect(found.met).toBe(false);
      return;
    }
    expect(found.met).toBe(true);
    expect(score(found.quality)).toBeGreaterThanOrEqual(target);
    // Never below the truth (it would miss the target); at most two grid steps above it.
    expect(found.quality).toBeGreaterThanOrEqual(truth);
    expect(found.quality - truth).toBeLessThanOrEqual(2 * QUALITY_GRID.step + 1e-9);
  });

  it('is monotone: a higher target never gets a lower quality, a harder image never a lower one', async () => {
    const qualities: number[] = [];
    for (const target of [0.95, 0.96, 0.97, 0.98, 0.985, 0.99]) {
      qualities.push((await searchQuality({ target, start: 0.8, score: async (q) => curve(-0.01)(q) })).quality);
    }
    expect(qualities).toEqual([...qualities].sort((a, b) => a - b));
    const byDifficulty: number[] = [];
    for (const offset of [0.01, 0, -0.01, -0.02, -0.03]) {
      byDifficulty.push(
        (await searchQuality({ target: 0.985, start: 0.8, score: async (q) => curve(offset)(q) })).quality,
      );
    }
    expect(byDifficulty).toEqual([...byDifficulty].sort((a, b) => a - b));
  });

  it('an image no quality satisfies gets the best quality probed, and says the target was not met', async () => {
    const found = await searchQuality({ target: 0.999, start: 0.8, score: async () => 0.9 });
    expect(found.met).toBe(false);
    expect(found.quality).toBe(QUALITY_GRID.max);
    expect(found.probes.length).toBeLessThanOrEqual(MAX_SEARCH_ENCODES);
  });

  it('a curve flat and then steep: the last probe lands on a pass, not just short of the target', async () => {
    // The corpus wallpaper's JPEG at 640 px (bench:compress --preset small --full-sweep): banding holds
    // SSIM down until high qualities, so the secant through 0.88 and 0.98 lands at 0.90, 0.001 short.
    const measured: Record<string, number> = {
      '0.8': 0.966,
      '0.82': 0.9673,
      '0.84': 0.9697,
      '0.86': 0.9714,
      '0.88': 0.9729,
      '0.9': 0.9749,
      '0.92': 0.977,
      '0.94': 0.9805,
      '0.96': 0.9855,
      '0.98': 0.9926,
    };
    const score = (quality: number) => measured[String(quality)] ?? 0.95;
    const probe = counted(score);
    const found = await searchQuality({ target: 0.976, start: 0.8, score: probe.score });
    expect(found.met).toBe(true);
    expect(probe.asked.length).toBeLessThanOrEqual(MAX_SEARCH_ENCODES);
    expect(found.quality).toBe(lowestMeeting(score, 0.976));
  });

  it('stays on the grid and within its ends, whatever the start', async () => {
    for (const start of [0, 0.1, 0.55, 1.2]) {
      const found = await searchQuality({ target: 0.97, start, score: async (q) => curve(0)(q) });
      expect(found.quality).toBeGreaterThanOrEqual(QUALITY_GRID.min);
      expect(found.quality).toBeLessThanOrEqual(QUALITY_GRID.max);
      expect(Math.round((found.quality - QUALITY_GRID.min) / QUALITY_GRID.step) * QUALITY_GRID.step).toBeCloseTo(
        found.quality - QUALITY_GRID.min,
        9,
      );
    }
  });
});

describe('highestFittingQuality: the cap beats the target', () => {
  /** Bytes rising with quality. */
  const bytesAt = (quality: number) => Math.round(100_000 * Math.exp(3 * quality));

  it('finds the highest grid quality under the cap below the one the target wanted, in log2 encodes', async () => {
    const cap = 1_000_000;
    const asked: number[] = [];
    const fitting = await highestFittingQuality({
      above: 0.96,
      floor: 0.5,
      fits: async (quality) => {
        asked.push(quality);
        return bytesAt(quality) <= cap;
      },
    });
    expect(fitting).toBeDefined();
    expect(bytesAt(fitting as number)).toBeLessThanOrEqual(cap);
    expect(bytesAt(Math.round(((fitting as number) + QUALITY_GRID.step) * 100) / 100)).toBeGreaterThan(cap);
    expect(fitting as number).toBeLessThan(0.96);
    expect(asked.length).toBeLessThanOrEqual(6);
  });

  it('says so when even the floor does not fit (the caller then makes the image smaller)', async () => {
    expect(await highestFittingQuality({ above: 0.9, floor: 0.5, fits: async () => false })).toBeUndefined();
  });

  it('grid qualities print as two decimals', () => {
    expect(qualityAt(0)).toBe(0.3);
    expect(qualityAt(34)).toBe(0.98);
  });
});
