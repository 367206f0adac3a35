import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_TARGETS,
  capLadder,
  DEFAULT_CUSTOM_TARGET,
  fitWithin,
  MIN_QUALITY,
  orientedSize,
  outputTypeFor,
  parseCustomTarget,
  planFor,
  presetForDestination,
} from '@/utils/compress/presets';

describe("presetForDestination: the destination's preset, else the global default", () => {
  it.each([
    [null, 'large', 'large'],
    [undefined, 'small', 'small'],
    ['balanced', 'large', 'balanced'],
    ['original', 'balanced', 'original'],
    ['custom', 'large', 'custom'],
    // Free text stored by an earlier version, or a preset that no longer exists.
    ['tiny', 'large', 'large'],
    ['', 'balanced', 'balanced'],
  ] as const)('destination %j with default %s gives %s', (destination, globalDefault, expected) => {
    expect(presetForDestination(destination, globalDefault)).toBe(expected);
  });
});

describe('presets', () => {
  it.each([
    ['large', 2048, 1_000_000, 0.985],
    ['balanced', 1024, 500_000, 0.98],
    ['small', 640, 200_000, 0.975],
  ] as const)(
    '%s: longest side %d px, at most %d bytes, auto format, SSIM target %d',
    (preset, maxSide, maxBytes, ssimTarget) => {
      expect(planFor(preset, DEFAULT_CUSTOM_TARGET, false)).toEqual({
        kind: 'compress',
        keepMetadata: false,
        transparentAs: 'webp',
        maxSide,
        maxBytes,
        format: 'auto',
        quality: 0.8,
        ssimTarget,
      });
    },
  );

  it('original does not re-encode; custom uses the stored numbers; the metadata choice rides along', () => {
    const custom = { maxSide: 800, maxBytes: 300_000, format: 'png' as const, quality: 0.6 };
    expect(planFor('original', custom, true)).toEqual({ kind: 'original', keepMetadata: true });
    expect(planFor('custom', custom, true)).toEqual({
      kind: 'compress',
      keepMetadata: true,
      transparentAs: 'webp',
      ...custom,
    });
  });

  it("a destination's wish for PNG rides along in the plan", () => {
    expect(planFor('balanced', DEFAULT_CUSTOM_TARGET, false, 'png')).toMatchObject({ transparentAs: 'png' });
    expect(planFor('original', DEFAULT_CUSTOM_TARGET, false, 'png')).toEqual({ kind: 'original', keepMetadata: false });
  });

  it('a destination that accepts WebP for photos says so in the plan; the default (JPEG) adds nothing', () => {
    expect(planFor('large', DEFAULT_CUSTOM_TARGET, false, 'webp', 'webp')).toMatchObject({
      photosAs: 'webp',
      ssimTarget: 0.985,
    });
    expect(planFor('large', DEFAULT_CUSTOM_TARGET, false, 'webp', 'jpeg')).not.toHaveProperty('photosAs');
    expect(planFor('original', DEFAULT_CUSTOM_TARGET, false, 'webp', 'webp')).toEqual({
      kind: 'original',
      keepMetadata: false,
    });
  });

  it("custom starts from Large's numbers, with an explicit quality instead of the perceptual target", () => {
    const { ssimTarget: _target, ...large } = BUILT_IN_TARGETS.large;
    expect(DEFAULT_CUSTOM_TARGET).toEqual(large);
    expect(DEFAULT_CUSTOM_TARGET).not.toHaveProperty('ssimTarget');
  });
});

describe('parseCustomTarget', () => {
  const valid = { maxSide: '1600', maxKilobytes: '750', format: 'webp', quality: '0.7' };
  it('reads the form: KB to bytes', () => {
    expect(parseCustomTarget(valid)).toEqual({ maxSide: 1600, maxBytes: 750_000, format: 'webp', quality: 0.7 });
  });
  it.each([
    [{ maxSide: '0' }, 'maxSide'],
    [{ maxSide: '1600.5' }, 'maxSide'],
    [{ maxSide: '99999' }, 'maxSide'],
    [{ maxKilobytes: '' }, 'maxKilobytes'],
    [{ maxKilobytes: '5' }, 'maxKilobytes'],
    [{ format: 'gif' }, 'format'],
    [{ quality: '1.5' }, 'quality'],
    [{ quality: '' }, 'quality'],
  ])('%j is refused at %s', (change, field) => {
    expect(parseCustomTarget({ ...valid, ...change })).toEqual({ field });
  });
});

describe('geometry', () => {
  it.each([
    [4000, 3000, 2048, 2048, 1536],
    [1600, 2400, 2048, 1365, 2048],
    [800, 600, 2048, 800, 600], // never enlarged
    [5640, 3172, 1024, 1024, 576],
    [10_000, 1, 640, 640, 1], // never zero
  ])('%dx%d within %d is %dx%d', (width, height, maxSide, expectedWidth, expectedHeight) => {
    expect(fitWithin(width, height, maxSide)).toEqual({ width: expectedWidth, height: expectedHeight });
  });

  it.each([
    [1, { width: 300, height: 200 }],
    [3, { width: 300, height: 200 }],
    [6, { width: 200, height: 300 }],
    [8, { width: 200, height: 300 }],
  ])('orientation %d shows 300x200 stored pixels as %j', (orientation, shown) => {
    expect(orientedSize(300, 200, orientation)).toEqual(shown);
  });
});

describe('outputTypeFor: decided by the pixels', () => {
  it.each([
    ['auto', 'image/png', false, 'image/jpeg'],
    ['auto', 'image/png', true, 'image/webp'],
    ['auto', 'image/webp', false, 'image/jpeg'],
    ['jpeg', 'image/png', true, 'image/jpeg'],
    ['png', 'image/jpeg', false, 'image/png'],
    ['webp', 'image/jpeg', false, 'image/webp'],
    ['keep', 'image/jpeg', false, 'image/jpeg'],
    ['keep', 'image/png', true, 'image/png'],
    ['keep', 'image/webp', false, 'image/webp'],
    ['keep', 'image/bmp', false, 'image/jpeg'], // no BMP encoder: as auto
    ['keep', 'image/gif', true, 'image/webp'],
  ] as const)('%s from %s (transparent: %s) is %s', (format, source, transparent, expected) => {
    expect(outputTypeFor(format, source, transparent)).toBe(expected);
    // WebP is what transparency becomes unless a destination asks otherwise.
    expect(outputTypeFor(format, source, transparent, 'webp')).toBe(expected);
  });

  it.each([
    // The pixels decide: transparency becomes PNG, opaque pixels stay JPEG.
    ['auto', 'image/png', true, 'image/png'],
    ['auto', 'image/png', false, 'image/jpeg'],
    ['auto', 'image/webp', true, 'image/png'],
    ['keep', 'image/gif', true, 'image/png'],
    ['keep', 'image/bmp', false, 'image/jpeg'],
    // A format the user forced is theirs; the source's own encoder is kept.
    ['webp', 'image/png', true, 'image/webp'],
    ['jpeg', 'image/png', true, 'image/jpeg'],
    ['keep', 'image/webp', true, 'image/webp'],
  ] as const)(
    'for a destination that wants PNG: %s from %s (transparent: %s) is %s',
    (format, source, transparent, expected) => {
      expect(outputTypeFor(format, source, transparent, 'png')).toBe(expected);
    },
  );
});

describe('capLadder: quality first, then dimensions', () => {
  it('lowers quality in steps to the floor, then shrinks at the floor quality', () => {
    const ladder = capLadder(0.8, true);
    expect(ladder.slice(0, 4)).toEqual([
      { quality: 0.8, scale: 1 },
      { quality: 0.7, scale: 1 },
      { quality: 0.6, scale: 1 },
      { quality: 0.5, scale: 1 },
    ]);
    const shrinking = ladder.slice(4);
    expect(shrinking.every((step) => step.quality === MIN_QUALITY)).toBe(true);
    for (let index = 1; index < shrinking.length; index += 1) {
      expect((shrinking[index] as { scale: number }).scale).toBeLessThan(
        (shrinking[index - 1] as { scale: number }).scale,
      );
    }
    expect(shrinking.at(-1)?.scale).toBeLessThan(0.3);
  });

  it('lossless PNG has only dimensions to give', () => {
    const ladder = capLadder(0.8, false);
    expect(ladder[0]).toEqual({ quality: 0.8, scale: 1 });
    expect(ladder.slice(1).every((step) => step.scale < 1)).toBe(true);
  });

  it('a quality already below the floor is not raised', () => {
    expect(capLadder(0.3, true).every((step) => step.quality === 0.3)).toBe(true);
  });
});
