/**
 * The compression benchmark's page: an extension page like the panel, so the
 * compressor runs with the panel's codecs, CSP and process. scripts/bench-compress.ts
 * puts the images into the file input and calls `cadenceBench.measure(index)`.
 *
 * The preset is Large unless the page's address asks for another
 * (`bench.html?preset=balanced`). Contenders, all on this page's thread
 * (Cadence's worker adds only the hand-off):
 * - cadence: the product's compressImage with the preset;
 * - cadenceWebp: the same for a destination that accepts WebP for photos
 *   (each photo goes as the smaller of JPEG and WebP at the preset's target);
 * - bic: browser-image-compression with its defaults plus the same longest
 *   side and the same cap in bytes (it counts 1 MB as 1,048,576 bytes);
 * - floor: one createImageBitmap resize and one JPEG convertToBlob at 0.8,
 *   the least any compressor must do;
 * - mozjpeg: the same resize, then MozJPEG (@jsquash/jpeg, WebAssembly) at 0.8.
 * And the oracle (`oracle()`): per image and encoder, the smallest output
 * that meets the preset's SSIM target on the quality grid 0.30-0.98 in 0.02
 * steps, with the time of one encode (opaque images: the browser's JPEG,
 * MozJPEG, the browser's WebP and AVIF, libavif at the product's speed;
 * transparent ones: WebP).
 */
import imageCompression from 'browser-image-compression';
import { ssim } from 'ssim.js';
import { compressImage } from '@/utils/compress/compress-image';
import { avifEncoder, browserEncoder, type Encoder, pixelsOf } from '@/utils/compress/encoders';
import { inspectImage } from '@/utils/compress/image-bytes';
import {
  ABUTTING_TILES,
  onWhite,
  type PerceptualSample,
  samplePerceptual,
  scoreEncoded,
  ssimOf,
  type TileLayout,
} from '@/utils/compress/perceptual';
import {
  BUILT_IN_TARGETS,
  DEFAULT_CUSTOM_TARGET,
  fitWithin,
  orientedSize,
  type PhotosAs,
  planFor,
} from '@/utils/compress/presets';
import { gridIndexOf, QUALITY_GRID, qualityAt } from '@/utils/compress/quality-search';
import { median } from '@/utils/stats';

export type ContenderName = 'cadence' | 'cadenceWebp' | 'bic' | 'floor' | 'mozjpeg';

export interface ContenderResult {
  bytes: number;
  width: number;
  height: number;
  type: string;
  /** Median over the runs. */
  ms: number;
  /** Full-resolution mean SSIM against the original resized to the output size. */
  ssim: number;
  note?: string;
  /** Cadence only: the quality its search chose, the tile estimate of SSIM there, and how many probes it took. */
  search?: { quality: number; estimate: number; encodes: number; capped?: boolean };
}

export interface OracleResult {
  bytes: number;
  type: string;
  encoder: string;
  quality: number;
  ssim: number;
  /** How many encodes the sweep took. */
  encodes: number;
  /** Median time of one encode of the whole output (not the search, not the resize). */
  encodeMs: number;
  /**
   * The first encoder of each image only (the browser's JPEG, or WebP for a
   * transparent image): the smallest output at each of CURVE_TARGETS, cap
   * ignored, to show what each step of the target costs at this preset's size.
   */
  curve?: { target: number; bytes: number; met: boolean }[];
  /**
   * The browser's encoders only (the ones Cadence's search probes): at every
   * quality the oracle encoded, its full-resolution SSIM and the tile
   * estimate of each layout in TILE_LAYOUTS, to show how well each tracks.
   */
  tracking?: { quality: number; ssim: number; estimates: Record<string, number> }[];
}

/** Tile layouts compared with the full-resolution score (perceptual.ts). */
export const TILE_LAYOUTS: Record<string, TileLayout> = {
  'abutting, seams scored': ABUTTING_TILES,
  'abutting, seams skipped': { pad: 0, seams: 'skipped' },
  'padded 16, seams skipped': { pad: 16, seams: 'skipped' },
};

export const CURVE_TARGETS = [0.97, 0.975, 0.98, 0.985, 0.99] as const;

export interface ImageMeasurement {
  name: string;
  bytes: number;
  width: number;
  height: number;
  results: Record<ContenderName, ContenderResult>;
  /** One per encoder considered. */
  oracle?: OracleResult[];
}

/** MozJPEG with @jsquash's defaults (progressive, optimised Huffman tables, trellis quantisation). */
const mozjpegEncoder: Encoder = {
  name: 'mozjpeg',
  type: 'image/jpeg',
  async encode(canvas, quality) {
    const { default: encode } = await import('@jsquash/jpeg/encode');
    const buffer = await encode(pixelsOf(canvas), { quality: Math.round(quality * 100) });
    return new Blob([buffer], { type: 'image/jpeg' });
  },
};

type BenchPreset = keyof typeof BUILT_IN_TARGETS;
const asked = new URLSearchParams(location.search).get('preset');
const presetId: BenchPreset = asked === 'balanced' || asked === 'small' ? asked : 'large';
const target = BUILT_IN_TARGETS[presetId];
const cadencePlan = (photosAs: PhotosAs) => planFor(presetId, DEFAULT_CUSTOM_TARGET, false, 'webp', photosAs);
const FLOOR_QUALITY = 0.8;

interface Output {
  blob: Blob;
  note?: string;
  search?: ContenderResult['search'];
}

const contenders: Record<ContenderName, (file: File) => Promise<Output>> = {
  cadence: (file) => cadence(file, 'jpeg'),
  cadenceWebp: (file) => cadence(file, 'webp'),
  async bic(file) {
    const blob = await imageCompression(file, {
      maxWidthOrHeight: target.maxSide,
      maxSizeMB: target.maxBytes / (1024 * 1024),
      // Its worker loads the library from a CDN; an extension page may not.
      useWebWorker: false,
    });
    return { blob };
  },
  async floor(file) {
    const canvas = await fittedCanvas(file, false);
    return { blob: await canvas.convertToBlob({ type: 'image/jpeg', quality: FLOOR_QUALITY }) };
  },
  async mozjpeg(file) {
    const canvas = await fittedCanvas(file, false);
    return { blob: await mozjpegEncoder.encode(canvas, FLOOR_QUALITY) };
  },
};

async function cadence(file: File, photosAs: PhotosAs): Promise<Output> {
  const result = await compressImage(file, cadencePlan(photosAs));
  const note = result.keptOriginal ?? (result.overCapBytes !== undefined ? 'over cap' : undefined);
  return { blob: result.file, note, search: result.search };
}

/** One resize to the preset's size, drawn on a canvas (on white when asked). */
async function fittedCanvas(file: File, white: boolean): Promise<OffscreenCanvas> {
  // The size to resize to comes from the header (it may sit after a big EXIF thumbnail).
  const facts = inspectImage(new Uint8Array(await file.arrayBuffer()));
  const shown = orientedSize(facts?.width ?? 0, facts?.height ?? 0, facts?.orientation ?? 1);
  const size = fitWithin(shown.width, shown.height, target.maxSide);
  const bitmap = await createImageBitmap(file, {
    resizeWidth: size.width,
    resizeHeight: size.height,
    resizeQuality: 'high',
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  if (white) {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
  }
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas;
}

/**
 * Per encoder the preset may use for this image (opaque: the browser's JPEG,
 * MozJPEG, the browser's WebP for destinations that accept it, and AVIF
 * (what Custom's AVIF output uses) for destinations that would accept it;
 * transparent: WebP), the smallest output that meets the preset's SSIM
 * target. Bytes grow with quality, so per encoder the answer is the lowest
 * quality on the grid that meets the target: `fullSweep` walks the grid up
 * from 0.30 and stops there; otherwise the grid is bisected (SSIM rises with
 * quality), which takes 6 encodes instead of up to 35. Scored with ./ssim.ts,
 * unit-tested equal to ssim.js and many times faster on whole images.
 */
async function oracle(index: number, fullSweep: boolean): Promise<OracleResult[]> {
  const file = inputFile(index);
  const canvas = await fittedCanvas(file, false);
  const reference = await pixels(file, canvas.width, canvas.height, true);
  const transparent = !isOpaque(canvas);
  const encoders: Encoder[] = transparent
    ? [browserEncoder('image/webp')]
    : [browserEncoder('image/jpeg'), mozjpegEncoder, browserEncoder('image/webp'), avifEncoder];
  const source = transparent ? canvas : onWhiteCanvas(canvas);
  const goal = target.ssimTarget;
  const results: OracleResult[] = [];
  const bitmap = await createImageBitmap(source);
  const samples = Object.entries(TILE_LAYOUTS).map(
    ([name, layout]) => [name, samplePerceptual(bitmap, false, layout)] as [string, PerceptualSample],
  );
  bitmap.close();
  for (const [encoderIndex, encoder] of encoders.entries()) {
    const tried = new Map<number, { blob: Blob; ssim: number; estimates?: Record<string, number> }>();
    const encodeTimes: number[] = [];
    const at = async (grid: number) => {
      const known = tried.get(grid);
      if (known) return known;
      const started = performance.now();
      const blob = await encoder.encode(source, qualityAt(grid));
      encodeTimes.push(performance.now() - started);
      const decoded = await createImageBitmap(blob);
      const output = onWhite(decoded, canvas.width, canvas.height);
      decoded.close();
      let estimates: Record<string, number> | undefined;
      if (encoder.name === 'browser') {
        estimates = {};
        for (const [name, sample] of samples) {
          estimates[name] = await scoreEncoded(await encoder.encode(sample.mosaic, qualityAt(grid)), sample);
        }
      }
      const result = { blob, ssim: ssimOf(reference, output), ...(estimates ? { estimates } : {}) };
      tried.set(grid, result);
      return result;
    };
    const last = gridIndexOf(QUALITY_GRID.max);
    const lowestMeeting = async (wanted: number) => {
      if (fullSweep) {
        for (let grid = 0; grid <= last; grid += 1) if ((await at(grid)).ssim >= wanted) return grid;
        return last;
      }
      let low = -1;
      let high = last + 1;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if ((await at(middle)).ssim >= wanted) high = middle;
        else low = middle;
      }
      return Math.min(high, last);
    };
    const found = await lowestMeeting(goal);
    // The cap beats the target, as in the product: over it, the highest quality that fits.
    let within = found;
    if ((await at(within)).blob.size > target.maxBytes) {
      let low = 0;
      let high = within;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if ((await at(middle)).blob.size <= target.maxBytes) low = middle;
        else high = middle;
      }
      within = low;
    }
    const chosen = await at(within);
    const curve = [];
    if (encoderIndex === 0) {
      for (const curveTarget of CURVE_TARGETS) {
        const point = await at(await lowestMeeting(curveTarget));
        curve.push({ target: curveTarget, bytes: point.blob.size, met: point.ssim >= curveTarget });
      }
    }
    results.push({
      bytes: chosen.blob.size,
      type: chosen.blob.type,
      encoder: encoder.name === 'browser' ? `browser ${chosen.blob.type.replace('image/', '')}` : encoder.name,
      quality: qualityAt(within),
      ssim: chosen.ssim,
      encodes: tried.size,
      encodeMs: median(encodeTimes),
      ...(curve.length > 0 ? { curve } : {}),
      ...(encoder.name === 'browser'
        ? {
            tracking: [...tried.entries()].map(([grid, probe]) => ({
              quality: qualityAt(grid),
              ssim: probe.ssim,
              estimates: probe.estimates ?? {},
            })),
          }
        : {}),
    });
  }
  return results;
}

function onWhiteCanvas(canvas: OffscreenCanvas): OffscreenCanvas {
  const white = new OffscreenCanvas(canvas.width, canvas.height);
  (white.getContext('2d') as OffscreenCanvasRenderingContext2D).putImageData(onWhite(canvas), 0, 0);
  return white;
}

function isOpaque(canvas: OffscreenCanvas): boolean {
  const { data } = (canvas.getContext('2d') as OffscreenCanvasRenderingContext2D).getImageData(
    0,
    0,
    canvas.width,
    canvas.height,
  );
  for (let alpha = 3; alpha < data.length; alpha += 4) if ((data[alpha] ?? 255) < 255) return false;
  return true;
}

function inputFile(index: number): File {
  const file = (document.getElementById('images') as HTMLInputElement).files?.[index];
  if (!file) throw new Error(`no image at ${index}`);
  return file;
}

/** Pixels on white, so transparent outputs compare as they would be seen. */
async function pixels(source: Blob, width: number, height: number, resize: boolean) {
  const bitmap = await createImageBitmap(
    source,
    resize ? { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' } : {},
  );
  const context = new OffscreenCanvas(width, height).getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return context.getImageData(0, 0, width, height);
}

async function measure(index: number, runs: number): Promise<ImageMeasurement> {
  const file = inputFile(index);
  const original = await createImageBitmap(file);
  const measurement: ImageMeasurement = {
    name: file.name,
    bytes: file.size,
    width: original.width,
    height: original.height,
    results: {} as Record<ContenderName, ContenderResult>,
  };
  original.close();
  const times: Record<ContenderName, number[]> = { cadence: [], cadenceWebp: [], bic: [], floor: [], mozjpeg: [] };
  const outputs = {} as Record<ContenderName, Output>;
  // Interleaved, and each run starts with a different contender, so a slow
  // moment of the machine (or the garbage one leaves behind) hits all alike.
  const names = Object.keys(contenders) as ContenderName[];
  for (let run = 0; run < runs; run += 1) {
    for (const name of names.map((_, offset) => names[(run + offset) % names.length] as ContenderName)) {
      const started = performance.now();
      outputs[name] = await contenders[name](file);
      times[name].push(performance.now() - started);
    }
  }
  for (const name of Object.keys(contenders) as ContenderName[]) {
    const { blob, note, search } = outputs[name];
    const decoded = await createImageBitmap(blob);
    const { width, height } = decoded;
    decoded.close();
    const [reference, output] = await Promise.all([
      pixels(file, width, height, true),
      pixels(blob, width, height, false),
    ]);
    measurement.results[name] = {
      bytes: blob.size,
      width,
      height,
      type: blob.type,
      ms: median(times[name]),
      ssim: ssim(reference, output, { downsample: false }).mssim,
      ...(note ? { note } : {}),
      ...(search ? { search } : {}),
    };
  }
  return measurement;
}

function count(): number {
  return (document.getElementById('images') as HTMLInputElement).files?.length ?? 0;
}

Object.assign(window, {
  cadenceBench: { measure, oracle, count, presetId, maxBytes: target.maxBytes, ssimTarget: target.ssimTarget },
});
