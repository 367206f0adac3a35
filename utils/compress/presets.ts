/**
 * Compression presets. Sizes are decimal (1 MB = 1,000,000 bytes), as the
 * panel shows them (`formatBytes`), so "at most 1 MB" reads true on screen.
 *
 * Quality 0.8 is chosen, not left at browser-image-compression's 1.0: a single
 * JPEG pass at 0.8 scored a full-resolution SSIM of 0.978 on the corpus at
 * half the bytes of the library's default (docs/decisions.md, "Compression").
 */

export type PresetId = 'original' | 'large' | 'balanced' | 'small' | 'custom';
export const PRESET_IDS: readonly PresetId[] = ['original', 'large', 'balanced', 'small', 'custom'];

/**
 * auto: JPEG for opaque pixels, WebP for transparent ones; keep: the input's
 * format where the browser can encode it (JPEG, PNG, WebP), else as auto;
 * avif: only when asked (encoded in WebAssembly, several times slower than
 * JPEG; `npm run bench:compress` measures it).
 */
export type OutputFormat = 'auto' | 'jpeg' | 'webp' | 'png' | 'avif' | 'keep';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['auto', 'jpeg', 'webp', 'png', 'avif', 'keep'];

export interface CompressionTarget {
  /** Longest side in pixels. */
  maxSide: number;
  /** Size cap in bytes. */
  maxBytes: number;
  format: OutputFormat;
  /**
   * Encoder quality for JPEG, WebP and AVIF, 0.1-1. With `ssimTarget` it is
   * only where the search starts; without (Custom), it is the quality used,
   * lowered only to meet the cap.
   */
  quality: number;
  /**
   * The perceptual target: each image gets the lowest quality whose output
   * still scores this full-resolution SSIM against the resized original
   * (quality-search.ts). The cap still wins.
   */
  ssimTarget?: number;
}

/**
 * What a transparent image becomes when the format is decided by the pixels
 * (auto, or keep without an encoder for the source): WebP is smaller, but
 * some hosts refuse it, so a destination may ask for PNG. A forced format
 * (Custom's JPEG, WebP or PNG) is the user's explicit choice and wins.
 */
export type TransparentAs = 'webp' | 'png';
export const TRANSPARENT_AS: readonly TransparentAs[] = ['webp', 'png'];

/**
 * What an opaque image (a photo) becomes when the pixels decide the format:
 * JPEG, which every host takes; or, for a destination that accepts WebP,
 * whichever of JPEG and WebP is smaller at the preset's SSIM target (decided
 * per image on the search's tiles; `npm run bench:compress` measures both).
 */
export type PhotosAs = 'jpeg' | 'webp';
export const PHOTOS_AS: readonly PhotosAs[] = ['jpeg', 'webp'];

/** What the compressor is asked to do with one file. */
export type CompressionPlan =
  | { kind: 'original'; keepMetadata: boolean }
  | ({
      kind: 'compress';
      keepMetadata: boolean;
      transparentAs: TransparentAs;
      /** Absent (plans stored by an earlier version too): 'jpeg'. */
      photosAs?: PhotosAs;
    } & CompressionTarget);

/**
 * Large asks for SSIM 0.985 (issue 15: one fixed quality 0.8 gave 0.888 on a
 * smooth gradient and sent busy photos bigger than they needed). Smaller
 * presets are seen smaller, where a little less fidelity does not show.
 */
export const BUILT_IN_TARGETS = {
  large: { maxSide: 2048, maxBytes: 1_000_000, format: 'auto', quality: 0.8, ssimTarget: 0.985 },
  balanced: { maxSide: 1024, maxBytes: 500_000, format: 'auto', quality: 0.8, ssimTarget: 0.98 },
  small: { maxSide: 640, maxBytes: 200_000, format: 'auto', quality: 0.8, ssimTarget: 0.975 },
} as const satisfies Record<string, CompressionTarget>;

/** What Custom starts from: Large's numbers with an explicit quality, for the user to change. */
export const DEFAULT_CUSTOM_TARGET: CompressionTarget = {
  maxSide: BUILT_IN_TARGETS.large.maxSide,
  maxBytes: BUILT_IN_TARGETS.large.maxBytes,
  format: BUILT_IN_TARGETS.large.format,
  quality: BUILT_IN_TARGETS.large.quality,
};

export function planFor(
  preset: PresetId,
  custom: CompressionTarget,
  keepMetadata: boolean,
  transparentAs: TransparentAs = 'webp',
  photosAs: PhotosAs = 'jpeg',
): CompressionPlan {
  if (preset === 'original') return { kind: 'original', keepMetadata };
  const target = preset === 'custom' ? custom : BUILT_IN_TARGETS[preset];
  return { kind: 'compress', keepMetadata, transparentAs, ...(photosAs === 'webp' ? { photosAs } : {}), ...target };
}

export function isPresetId(value: unknown): value is PresetId {
  return (PRESET_IDS as readonly unknown[]).includes(value);
}

/**
 * The preset a destination asks for, or the global default when it asks for
 * none (null) or for an id this version does not know (stored by an older
 * version as free text, or a preset since removed).
 */
export function presetForDestination(destinationPreset: string | null | undefined, globalDefault: PresetId): PresetId {
  return isPresetId(destinationPreset) ? destinationPreset : globalDefault;
}

export const CUSTOM_LIMITS = {
  maxSide: { min: 64, max: 16_384 },
  maxKilobytes: { min: 10, max: 50_000 },
  quality: { min: 0.1, max: 1 },
} as const;

/**
 * Reads Custom's fields as a user typed them (longest side in px, cap in KB,
 * quality 0.1-1). Returns the field that is wrong, so the form can mark it.
 */
export function parseCustomTarget(fields: {
  maxSide: string;
  maxKilobytes: string;
  format: string;
  quality: string;
}): CompressionTarget | { field: 'maxSide' | 'maxKilobytes' | 'format' | 'quality' } {
  const maxSide = Number(fields.maxSide.trim());
  if (!Number.isInteger(maxSide) || maxSide < CUSTOM_LIMITS.maxSide.min || maxSide > CUSTOM_LIMITS.maxSide.max) {
    return { field: 'maxSide' };
  }
  const kilobytes = Number(fields.maxKilobytes.trim());
  if (
    fields.maxKilobytes.trim() === '' ||
    !Number.isFinite(kilobytes) ||
    kilobytes < CUSTOM_LIMITS.maxKilobytes.min ||
    kilobytes > CUSTOM_LIMITS.maxKilobytes.max
  ) {
    return { field: 'maxKilobytes' };
  }
  if (!(OUTPUT_FORMATS as readonly string[]).includes(fields.format)) return { field: 'format' };
  const quality = Number(fields.quality.trim());
  if (
    fields.quality.trim() === '' ||
    !Number.isFinite(quality) ||
    quality < CUSTOM_LIMITS.quality.min ||
    quality > CUSTOM_LIMITS.quality.max
  ) {
    return { field: 'quality' };
  }
  return { maxSide, maxBytes: Math.round(kilobytes * 1000), format: fields.format as OutputFormat, quality };
}

/** The dimensions that fit inside `maxSide`, keeping the aspect ratio; never enlarged. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Orientations 5-8 turn the image a quarter: the displayed width is the stored height. */
export function orientedSize(width: number, height: number, orientation: number): { width: number; height: number } {
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

/** Picks the encoder's MIME type. Decided by the pixels (`transparent`), not by the presence of an alpha channel. */
export function outputTypeFor(
  format: OutputFormat,
  sourceType: string,
  transparent: boolean,
  transparentAs: TransparentAs = 'webp',
): string {
  switch (format) {
    case 'jpeg':
      return 'image/jpeg';
    case 'webp':
      return 'image/webp';
    case 'png':
      return 'image/png';
    case 'avif':
      return 'image/avif';
    case 'keep':
      if (sourceType === 'image/jpeg' && !transparent) return 'image/jpeg';
      if (sourceType === 'image/png' || sourceType === 'image/webp') return sourceType;
      return outputTypeFor('auto', sourceType, transparent, transparentAs);
    case 'auto':
      if (!transparent) return 'image/jpeg';
      return transparentAs === 'png' ? 'image/png' : 'image/webp';
  }
}

/**
 * The order in which the hard cap is chased: first lower quality (down to
 * `MIN_QUALITY`, below which JPEG blocks show), then smaller dimensions at that
 * quality, each step 80% of the last. Lossless PNG has no quality to lower.
 */
export const MIN_QUALITY = 0.5;
export const QUALITY_STEP = 0.1;
export const SCALE_STEP = 0.8;
export const MAX_SCALE_STEPS = 6;

export interface EncodeStep {
  quality: number;
  /** Fraction of the target dimensions. */
  scale: number;
}

export function capLadder(startQuality: number, lossy: boolean): EncodeStep[] {
  const steps: EncodeStep[] = [{ quality: startQuality, scale: 1 }];
  if (lossy) {
    for (let quality = startQuality - QUALITY_STEP; quality >= MIN_QUALITY - 1e-9; quality -= QUALITY_STEP) {
      steps.push({ quality: Math.round(quality * 100) / 100, scale: 1 });
    }
  }
  const floorQuality = steps.at(-1)?.quality ?? startQuality;
  for (let step = 1; step <= MAX_SCALE_STEPS; step += 1) {
    steps.push({ quality: floorQuality, scale: Math.round(SCALE_STEP ** step * 1000) / 1000 });
  }
  return steps;
}
