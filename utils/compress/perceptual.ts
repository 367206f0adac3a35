/**
 * A cheap estimate of the full-resolution SSIM an encode will score, for the
 * quality search: tiles at full resolution, sampled evenly across the image,
 * are put side by side into a small mosaic; each probe encodes only the
 * mosaic and scores it with the same measure the benchmark uses on the whole
 * image (ssim.js's default SSIM, computed fast by ./ssim.ts).
 *
 * Tiles rather than a downscaled copy: downscaling hides exactly the block
 * and banding artefacts the target is about (../shared/design.md, 7: ssim.js's
 * own downsampling scores 0.997 for nearly anything). Tiles sit on 16-pixel
 * boundaries in both the image and the mosaic, so JPEG's 16x16 blocks cover
 * the same pixels as in the full encode. `npm run bench:compress` prints the
 * estimate next to the full-resolution score of every output.
 */
import { meanSsim } from './ssim';

const TILE = 96;
const ALIGN = 16;
/** About 8% of a 2048x1365 image; enough tiles that one odd region does not decide. */
const TILES_ACROSS = 6;
const TILES_DOWN = 4;

export interface PerceptualSample {
  /** The tiles, with their alpha, to encode at each probe. */
  mosaic: OffscreenCanvas;
  /** The same tiles as seen: on white. */
  reference: ImageData;
}

/**
 * Samples `image` (the decoded source, already at the output's size), on
 * white when the encoder will fill white (JPEG). Tiles come from the bitmap,
 * not from the canvas about to be encoded: each draw from a canvas copies all
 * of it first. An image not much bigger than the mosaic is used whole.
 */
export function samplePerceptual(image: ImageBitmap, white: boolean): PerceptualSample {
  const { width, height } = image;
  const tiles = TILES_ACROSS * TILES_DOWN;
  const whole = width * height <= 2 * tiles * TILE * TILE || width < TILE * 2 || height < TILE * 2;
  const mosaic = whole
    ? new OffscreenCanvas(width, height)
    : new OffscreenCanvas(TILES_ACROSS * TILE, TILES_DOWN * TILE);
  const context = context2d(mosaic);
  if (white) {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, mosaic.width, mosaic.height);
  }
  if (whole) {
    context.drawImage(image, 0, 0);
    return { mosaic, reference: onWhite(mosaic) };
  }
  for (let row = 0; row < TILES_DOWN; row += 1) {
    for (let column = 0; column < TILES_ACROSS; column += 1) {
      const x = alignedStart(column, TILES_ACROSS, width);
      const y = alignedStart(row, TILES_DOWN, height);
      context.drawImage(image, x, y, TILE, TILE, column * TILE, row * TILE, TILE, TILE);
    }
  }
  return { mosaic, reference: onWhite(mosaic) };
}

/** The centre of the n-th of `count` equal bands, moved to the 16-pixel grid and kept inside. */
function alignedStart(index: number, count: number, size: number): number {
  const centre = ((index + 0.5) * size) / count;
  const start = Math.round((centre - TILE / 2) / ALIGN) * ALIGN;
  return Math.min(Math.floor((size - TILE) / ALIGN) * ALIGN, Math.max(0, start));
}

/** Full-resolution mean SSIM of an encoded mosaic against the sample's reference. */
export async function scoreEncoded(encoded: Blob, sample: PerceptualSample): Promise<number> {
  const bitmap = await createImageBitmap(encoded);
  try {
    return ssimOf(sample.reference, onWhite(bitmap, sample.reference.width, sample.reference.height));
  } finally {
    bitmap.close();
  }
}

export function ssimOf(reference: ImageData, output: ImageData): number {
  return meanSsim(reference, output);
}

/** Pixels composited on white, as a transparent image is seen (and as the benchmark scores it). */
export function onWhite(
  source: OffscreenCanvas | ImageBitmap,
  width = source.width,
  height = source.height,
): ImageData {
  const context = context2d(new OffscreenCanvas(width, height), true);
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(source, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

function context2d(canvas: OffscreenCanvas, willReadFrequently = false): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d', { willReadFrequently });
  if (!context) throw new Error('no 2d context');
  return context;
}
