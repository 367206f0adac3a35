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
 * boundaries in both the image and the mosaic, so the encoders' 16x16 blocks
 * cover the same pixels as in the full encode, and each tile carries a
 * border of its own surroundings that is encoded but not scored, so the
 * seams between tiles (edges the image does not have) cost no score
 * (`SEAM_FREE_TILES`). `npm run bench:compress` prints the estimate next to
 * the full-resolution score of every output, and compares the layouts.
 */
import { meanSsim, type Pixels } from './ssim';

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
  /** The parts of the mosaic scored, when not all of it: each tile without its border (see `TileLayout`). */
  scored?: Region[];
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * How tiles sit in the mosaic. `pad`: pixels of the image's own surroundings
 * drawn around each tile (a multiple of 16, so blocks stay aligned), which
 * the encoder sees as it would in the whole image; `seams`: whether SSIM
 * windows that cross from one tile into the next are scored ('scored', the
 * original layout) or only windows inside each tile ('skipped'). A seam is an
 * edge the image does not have; an encoder whose prediction and loop filter
 * cross block edges (WebP) pays for it in the tiles and not in the image.
 */
export interface TileLayout {
  pad: number;
  seams: 'scored' | 'skipped';
}

export const ABUTTING_TILES: TileLayout = { pad: 0, seams: 'scored' };

/**
 * What the search uses: each tile with 16 px of its surroundings, scored
 * inside only. Against the full-resolution score at every quality the
 * benchmark's oracle encoded, abutting tiles undervalued WebP by 0.006 on
 * average (0.018 on a busy photo) and overvalued JPEG by 0.001; these track
 * both within 0.001 on average (docs/compression.md).
 */
export const SEAM_FREE_TILES: TileLayout = { pad: 16, seams: 'skipped' };

/**
 * Samples `image` (the decoded source, already at the output's size), on
 * white when the encoder will fill white (JPEG). Tiles come from the bitmap,
 * not from the canvas about to be encoded: each draw from a canvas copies all
 * of it first. An image not much bigger than the mosaic is used whole.
 */
export function samplePerceptual(
  image: ImageBitmap,
  white: boolean,
  layout: TileLayout = ABUTTING_TILES,
): PerceptualSample {
  const { width, height } = image;
  const tiles = TILES_ACROSS * TILES_DOWN;
  const { pad } = layout;
  const cell = TILE + 2 * pad;
  // Whole when it has at most twice the pixels the tiles score: scoring all of it is exact and not much dearer.
  const whole = width * height <= 2 * tiles * TILE * TILE || width < cell * 2 || height < cell * 2;
  const mosaic = whole
    ? new OffscreenCanvas(width, height)
    : new OffscreenCanvas(TILES_ACROSS * cell, TILES_DOWN * cell);
  const context = context2d(mosaic);
  if (white) {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, mosaic.width, mosaic.height);
  }
  if (whole) {
    context.drawImage(image, 0, 0);
    return { mosaic, reference: onWhite(mosaic) };
  }
  const scored: Region[] = [];
  for (let row = 0; row < TILES_DOWN; row += 1) {
    for (let column = 0; column < TILES_ACROSS; column += 1) {
      const x = alignedStart(column, TILES_ACROSS, width, pad);
      const y = alignedStart(row, TILES_DOWN, height, pad);
      context.drawImage(image, x - pad, y - pad, cell, cell, column * cell, row * cell, cell, cell);
      scored.push({ x: column * cell + pad, y: row * cell + pad, width: TILE, height: TILE });
    }
  }
  return { mosaic, reference: onWhite(mosaic), ...(layout.seams === 'skipped' ? { scored } : {}) };
}

/** The centre of the n-th of `count` equal bands, moved to the 16-pixel grid and kept inside with room for `pad`. */
function alignedStart(index: number, count: number, size: number, pad: number): number {
  const centre = ((index + 0.5) * size) / count;
  const start = Math.round((centre - TILE / 2) / ALIGN) * ALIGN;
  const lowest = Math.ceil(pad / ALIGN) * ALIGN;
  return Math.min(Math.floor((size - TILE - pad) / ALIGN) * ALIGN, Math.max(lowest, start));
}

/** Full-resolution mean SSIM of an encoded mosaic against the sample's reference (its scored parts only, when set). */
export async function scoreEncoded(encoded: Blob, sample: PerceptualSample): Promise<number> {
  const bitmap = await createImageBitmap(encoded);
  try {
    const output = onWhite(bitmap, sample.reference.width, sample.reference.height);
    if (!sample.scored) return ssimOf(sample.reference, output);
    // Each tile counts the same: every region has the same size, so the mean of means is the mean.
    let sum = 0;
    for (const region of sample.scored) sum += ssimOf(crop(sample.reference, region), crop(output, region));
    return sum / sample.scored.length;
  } finally {
    bitmap.close();
  }
}

function crop(image: ImageData, { x, y, width, height }: Region): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row += 1) {
    const from = ((y + row) * image.width + x) * 4;
    data.set(image.data.subarray(from, from + width * 4), row * width * 4);
  }
  return { data, width, height };
}

export function ssimOf(reference: Pixels, output: Pixels): number {
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
