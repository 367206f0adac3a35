/**
 * The compressor: one file and a plan in, the file to upload out. Native
 * browser codecs where they exist (createImageBitmap to decode and resize,
 * OffscreenCanvas to encode), WebAssembly only for what browsers lack (HEIC
 * in, AVIF out), so it runs the same in a worker and on a page. Each image
 * gets the lowest quality that meets the preset's perceptual target
 * (quality-search.ts, perceptual.ts).
 *
 * Not browser-image-compression: on the corpus it took 1.4 s median against
 * 0.14-0.2 s for one native pass, made files twice the size, shrank images
 * below the asked size to meet `maxSizeMB`, and its worker mode loads code
 * from a CDN (docs/decisions.md, "Compression"). `npm run bench:compress` measures both.
 */

import { CompressionError, MAX_SOURCE_PIXELS } from './compression-error';
import { browserEncoder, type Encoder, encoderFor } from './encoders';
import {
  extractExifSegment,
  type ImageFacts,
  type ImageFormat,
  insertExifSegment,
  inspectImage,
  MIME_BY_FORMAT,
  stripJpegMetadata,
  stripPngMetadata,
} from './image-bytes';
import { type PerceptualSample, SEAM_FREE_TILES, samplePerceptual, scoreEncoded } from './perceptual';
import { type CompressionPlan, capLadder, fitWithin, MIN_QUALITY, orientedSize, outputTypeFor } from './presets';
import { highestFittingQuality, searchQuality } from './quality-search';

export { CompressionError, type CompressionErrorCode } from './compression-error';

/**
 * Why the original bytes are sent:
 * - not-smaller: re-encoding was not smaller and nothing required a change;
 * - original-preset: the user chose the Original preset;
 * - animated: re-encoding would keep only the first frame;
 * - vector: SVG has no pixels to compress.
 */
export type KeptOriginalReason = 'not-smaller' | 'original-preset' | 'animated' | 'vector';

export interface CompressedImage {
  file: File;
  /** 0 when unknown (SVG). */
  width: number;
  height: number;
  keptOriginal?: KeptOriginalReason;
  /** The size cap could not be met; `file` is the smallest attempt, held until the user sends it anyway. */
  overCapBytes?: number;
  /** The format the original was in when it had to be converted to be sent (HEIC). */
  convertedFrom?: 'HEIC';
  /** What the quality search found: the quality used and the estimated SSIM at it. */
  search?: { quality: number; estimate: number; encodes: number; met: boolean; capped?: boolean };
}

/**
 * The search aims this much above the preset's target: about twice the tile
 * estimate's mean miss of the full-resolution score (0.0005-0.0007 with the
 * seam-free tiles; it was 0.002 for the abutting tiles' 0.001). The largest
 * miss (about 0.002) is left to the mean target to absorb.
 * `npm run bench:compress` prints both scores.
 */
export const ESTIMATE_MARGIN = 0.001;

export { MAX_SOURCE_PIXELS } from './compression-error';

const EXTENSION_BY_TYPE: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/png': 'png',
  'image/avif': 'avif',
};
/** Formats Chromium decodes, and HEIC through libheif; TIFF neither. */
const DECODABLE: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'gif', 'webp', 'bmp', 'avif', 'ico', 'heic']);
/** Formats a web page shows everywhere: an automatic change away from them is only a means to fewer bytes. */
const WEB_FORMATS: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'gif', 'webp', 'bmp', 'avif', 'ico']);

export async function compressImage(
  file: File,
  plan: CompressionPlan,
  onProgress: (fraction: number) => void = () => {},
): Promise<CompressedImage> {
  if (file.size === 0) throw new CompressionError('empty', file.name);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const facts = inspectImage(bytes);
  if (!facts) throw new CompressionError('not-image', file.type || 'unknown type');
  onProgress(0.05);
  const sourceType = MIME_BY_FORMAT[facts.format];

  // Sent as what its bytes are: JPEG bytes named .png go as image/jpeg named .jpg, even unchanged.
  const original = withSniffedType(file, sourceType);
  if (facts.format === 'svg') return { file: original, width: 0, height: 0, keptOriginal: 'vector' };
  if (facts.animated) {
    return { file: original, width: facts.width ?? 0, height: facts.height ?? 0, keptOriginal: 'animated' };
  }
  if (!DECODABLE.has(facts.format)) throw new CompressionError('unsupported-format', facts.format.toUpperCase());
  if (!facts.complete) throw new CompressionError('truncated', facts.format.toUpperCase());
  if (facts.width !== undefined && facts.height !== undefined && facts.width * facts.height > MAX_SOURCE_PIXELS) {
    throw new CompressionError('too-large', `${facts.width}×${facts.height}`);
  }

  // Metadata that can go without touching pixels goes that way; this is also
  // what Original and "never worse" send.
  const strippable = facts.format === 'jpeg' || facts.format === 'png';
  const losslessOriginal =
    facts.hasMetadata && !plan.keepMetadata && strippable ? withBytes(original, stripMetadata(bytes, facts)) : original;

  if (plan.kind === 'original') {
    // As it is, as Original promises; its size is not worth decoding HEIC for.
    if (facts.format === 'heic') return { file: original, width: 0, height: 0, keptOriginal: 'original-preset' };
    if (facts.width === undefined || facts.height === undefined) {
      const bitmap = await decode(file);
      bitmap.close();
      return { file: losslessOriginal, width: bitmap.width, height: bitmap.height, keptOriginal: 'original-preset' };
    }
    const shown = orientedSize(facts.width, facts.height, facts.orientation);
    return { file: losslessOriginal, ...shown, keptOriginal: 'original-preset' };
  }

  const source =
    facts.format === 'heic'
      ? await (await import('./heic')).decodeHeic(bytes, plan.maxSide)
      : await decodeFitted(file, facts, plan.maxSide);
  onProgress(0.4);
  try {
    const transparent = facts.format !== 'jpeg' && hasTransparentPixels(source);
    let outputType = outputTypeFor(plan.format, sourceType, transparent, plan.transparentAs);
    const exif =
      plan.keepMetadata && facts.format === 'jpeg' && outputType === 'image/jpeg' ? extractExifSegment(bytes) : null;
    const sourceSize = facts.width !== undefined && facts.height !== undefined;
    const shown = sourceSize
      ? orientedSize(facts.width as number, facts.height as number, facts.orientation)
      : { width: source.width, height: source.height };

    let encoder = encoderFor(outputType);
    const lossy = outputType !== 'image/png';
    let quality = plan.quality;
    let search: CompressedImage['search'];
    if (lossy && plan.ssimTarget !== undefined) {
      const sample = samplePerceptual(source, transparent && outputType === 'image/jpeg', SEAM_FREE_TILES);
      let found = await findQuality(sample, encoder, plan.ssimTarget, plan.quality);
      // A destination that accepts WebP gets it for a photo when it is smaller at the same target.
      const webpMayWin =
        plan.photosAs === 'webp' && plan.format === 'auto' && outputType === 'image/jpeg' && !transparent && !exif;
      if (webpMayWin) {
        const webp = await findQuality(sample, browserEncoder('image/webp'), plan.ssimTarget, plan.quality);
        const encodes = found.search.encodes + webp.search.encodes;
        if (webp.search.met && (!found.search.met || webp.bytes < found.bytes)) {
          outputType = 'image/webp';
          encoder = browserEncoder(outputType);
          found = webp;
        }
        found.search.encodes = encodes;
      }
      quality = found.search.quality;
      search = found.search;
    }
    // A format the user chose is required; the one "auto" picks is a means to
    // fewer bytes, and never makes a file bigger (a 1x1 PNG stays a PNG).
    const formatChosen = plan.format !== 'auto' && plan.format !== 'keep';
    const mustChange =
      source.width < shown.width ||
      source.height < shown.height ||
      (outputType !== sourceType && (formatChosen || !WEB_FORMATS.has(facts.format))) ||
      facts.orientation !== 1 ||
      losslessOriginal.size > plan.maxBytes ||
      (facts.hasMetadata && !plan.keepMetadata && !strippable);
    const full = drawForEncoding(source, source.width, source.height, outputType, transparent);
    onProgress(0.7);

    const encodeAt = async (canvas: OffscreenCanvas, stepQuality: number) => {
      const encoded = await encoder.encode(canvas, stepQuality);
      return exif
        ? new Blob([insertExifSegment(await bytesOf(encoded), exif) as Uint8Array<ArrayBuffer>], { type: outputType })
        : encoded;
    };
    const tried = new Map<number, Blob>();
    const fullAt = async (stepQuality: number) => {
      const known = tried.get(stepQuality);
      if (known) return known;
      const blob = await encodeAt(full, stepQuality);
      tried.set(stepQuality, blob);
      return blob;
    };
    let result = { blob: await fullAt(quality), width: source.width, height: source.height };
    if (result.blob.size > plan.maxBytes && lossy) {
      // The cap beats the target: the highest quality down to MIN_QUALITY that fits.
      const fitting = await highestFittingQuality({
        above: quality,
        floor: Math.min(quality, MIN_QUALITY),
        fits: async (candidate) => (await fullAt(candidate)).size <= plan.maxBytes,
      });
      if (fitting !== undefined) result = { ...result, blob: await fullAt(fitting) };
      else result = { ...result, blob: await fullAt(Math.min(quality, MIN_QUALITY)) };
    }
    onProgress(0.85);
    if (result.blob.size > plan.maxBytes) {
      // Then smaller dimensions at the floor quality, each step 80% of the last.
      const floorQuality = lossy ? Math.min(quality, MIN_QUALITY) : quality;
      for (const step of capLadder(floorQuality, false).filter((candidate) => candidate.scale < 1)) {
        const width = Math.max(1, Math.round(source.width * step.scale));
        const height = Math.max(1, Math.round(source.height * step.scale));
        const blob = await encodeAt(drawForEncoding(source, width, height, outputType, transparent), step.quality);
        if (blob.size < result.blob.size) result = { blob, width, height };
        if (blob.size <= plan.maxBytes) break;
      }
    }
    if (search) search.capped = result.blob !== tried.get(quality);

    if (!mustChange && result.blob.size >= losslessOriginal.size) {
      return { file: losslessOriginal, width: shown.width, height: shown.height, keptOriginal: 'not-smaller' };
    }
    const output = new File([result.blob], renameForType(file.name, outputType), {
      type: outputType,
      lastModified: file.lastModified,
    });
    return {
      file: output,
      width: result.width,
      height: result.height,
      ...(output.size > plan.maxBytes ? { overCapBytes: plan.maxBytes } : {}),
      ...(facts.format === 'heic' ? { convertedFrom: 'HEIC' as const } : {}),
      ...(search ? { search } : {}),
    };
  } finally {
    source.close();
  }
}

/**
 * The lowest quality whose output meets `target` on the sampled tiles (plus
 * the estimate's margin), and the tiles' encoded size there, which is how
 * two encoders are compared.
 */
async function findQuality(
  sample: PerceptualSample,
  encoder: Encoder,
  target: number,
  start: number,
): Promise<{ search: NonNullable<CompressedImage['search']>; bytes: number }> {
  const probes = new Map<number, { score: number; bytes: number }>();
  const found = await searchQuality({
    target: target + ESTIMATE_MARGIN,
    start,
    score: async (quality) => {
      const encoded = await encoder.encode(sample.mosaic, quality);
      const score = await scoreEncoded(encoded, sample);
      probes.set(quality, { score, bytes: encoded.size });
      return score;
    },
  });
  const chosen = probes.get(found.quality);
  return {
    search: { quality: found.quality, estimate: chosen?.score ?? 0, encodes: found.probes.length, met: found.met },
    bytes: chosen?.bytes ?? Number.POSITIVE_INFINITY,
  };
}

function stripMetadata(bytes: Uint8Array, facts: ImageFacts): Uint8Array {
  return facts.format === 'jpeg' ? stripJpegMetadata(bytes) : stripPngMetadata(bytes);
}

/** The same bytes, typed (and, for JPEG, PNG and WebP, named) as what they are rather than what the name claimed. */
function withSniffedType(file: File, sniffedType: string): File {
  if (file.type === sniffedType) return file;
  return new File([file], renameForType(file.name, sniffedType), {
    type: sniffedType,
    lastModified: file.lastModified,
  });
}

function withBytes(file: File, bytes: Uint8Array): File {
  return new File([bytes as Uint8Array<ArrayBuffer>], file.name, { type: file.type, lastModified: file.lastModified });
}

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/**
 * Decodes upright (EXIF orientation applied) and, when the header tells the
 * size, already downscaled to fit `maxSide`, so a big photo never exists at
 * full size on a canvas.
 */
async function decodeFitted(file: File, facts: ImageFacts, maxSide: number): Promise<ImageBitmap> {
  if (facts.width === undefined || facts.height === undefined) {
    const full = await decode(file);
    const target = fitWithin(full.width, full.height, maxSide);
    if (target.width === full.width && target.height === full.height) return full;
    const fitted = await decode(full, target);
    full.close();
    return fitted;
  }
  const shown = orientedSize(facts.width, facts.height, facts.orientation);
  const target = fitWithin(shown.width, shown.height, maxSide);
  return decode(file, target.width === shown.width && target.height === shown.height ? undefined : target);
}

async function decode(source: Blob | ImageBitmap, size?: { width: number; height: number }): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(source, {
      imageOrientation: 'from-image',
      ...(size ? { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'high' as const } : {}),
    });
  } catch (error) {
    throw new CompressionError('undecodable', String(error));
  }
}

/** The pixels to encode, at the output size. JPEG and AVIF get them on white. */
function drawForEncoding(
  source: ImageBitmap,
  width: number,
  height: number,
  type: string,
  transparent: boolean,
): OffscreenCanvas {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new CompressionError('undecodable', 'no 2d context');
  // JPEG has no alpha: a transparent pixel would turn black. White is what
  // people expect behind a cut-out.
  if (transparent && type === 'image/jpeg') {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
  }
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, 0, 0, width, height);
  return canvas;
}

const ALPHA_PROBE_SIZE = 256;

/** Looks at a downscaled copy: a transparent region survives downscaling, an opaque image stays opaque. */
function hasTransparentPixels(bitmap: ImageBitmap): boolean {
  const { width, height } = fitWithin(bitmap.width, bitmap.height, ALPHA_PROBE_SIZE);
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
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
