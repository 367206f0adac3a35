import imageCompression from 'browser-image-compression';

/**
 * The default preset (issue 6 adds the others): longest side at most 2048 px,
 * at most 1 MB. Quality is chosen, not left at the library's 1.0: a single
 * JPEG pass at 0.8 scored a full-resolution SSIM of 0.978 on the corpus at
 * half the bytes of the library's default (../shared/design.md, 3 and 7).
 */
export const DEFAULT_PRESET = {
  maxWidthOrHeight: 2048,
  maxSizeMB: 1,
  quality: 0.8,
} as const;

export type CompressionPreset = typeof DEFAULT_PRESET;

export type CompressionErrorCode = 'not-image' | 'undecodable';

export class CompressionError extends Error {
  override name = 'CompressionError';
  constructor(
    readonly code: CompressionErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

export interface CompressedImage {
  file: File;
  width: number;
  height: number;
  /** Re-encoding was not smaller and nothing required it, so the original is sent. */
  keptOriginal: boolean;
}

const EXTENSION_BY_TYPE: Record<string, string> = { 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/png': 'png' };

export async function compressImage(file: File, preset: CompressionPreset = DEFAULT_PRESET): Promise<CompressedImage> {
  if (!file.type.startsWith('image/')) throw new CompressionError('not-image', file.type || 'unknown type');
  const source = await decode(file);
  // Opaque images become JPEG (PNG to JPEG); transparent ones keep their
  // transparency as WebP. Decided by the pixels: many PNGs carry an alpha
  // channel that is fully opaque.
  const transparent = file.type !== 'image/jpeg' && hasTransparentPixels(source);
  const { width, height } = source;
  source.close();
  const outputType = transparent ? 'image/webp' : 'image/jpeg';

  const compressed = await imageCompression(file, {
    maxSizeMB: preset.maxSizeMB,
    maxWidthOrHeight: preset.maxWidthOrHeight,
    initialQuality: preset.quality,
    fileType: outputType,
    // The library's worker would load its code from a CDN (remote code) and
    // an extension page's CSP blocks its blob: worker.
    useWebWorker: false,
  }).catch((error: unknown) => {
    throw new CompressionError('undecodable', String(error));
  });

  const needsChange =
    file.type !== outputType ||
    Math.max(width, height) > preset.maxWidthOrHeight ||
    file.size > preset.maxSizeMB * 1024 * 1024;
  if (!needsChange && compressed.size >= file.size) {
    return { file, width, height, keptOriginal: true };
  }
  const output = new File([compressed], renameForType(file.name, outputType), {
    type: outputType,
    lastModified: file.lastModified,
  });
  const outputBitmap = await decode(output);
  const result = { file: output, width: outputBitmap.width, height: outputBitmap.height, keptOriginal: false };
  outputBitmap.close();
  return result;
}

async function decode(file: Blob): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file);
  } catch (error) {
    throw new CompressionError('undecodable', String(error));
  }
}

const ALPHA_PROBE_SIZE = 256;

/** Looks at a downscaled copy: a transparent region survives downscaling, an opaque image stays opaque. */
function hasTransparentPixels(bitmap: ImageBitmap): boolean {
  const scale = Math.min(1, ALPHA_PROBE_SIZE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const context = new OffscreenCanvas(width, height).getContext('2d');
  if (!context) return false;
  context.drawImage(bitmap, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  for (let alpha = 3; alpha < data.length; alpha += 4) if ((data[alpha] ?? 255) < 255) return true;
  return false;
}

export function renameForType(name: string, type: string): string {
  const extension = EXTENSION_BY_TYPE[type];
  if (!extension) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}.${extension}`;
}
