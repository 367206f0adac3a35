/**
 * The compression benchmark's page: an extension page like the panel, so the
 * compressor runs with the panel's codecs, CSP and process. scripts/bench-compress.ts
 * puts the images into the file input and calls `cadenceBench.measure(index)`.
 *
 * Contenders, all on this page's thread (Cadence's worker adds only the hand-off):
 * - cadence: the product's compressImage with the Large preset;
 * - bic: browser-image-compression with its defaults plus the same longest
 *   side and the same cap in bytes (it counts 1 MB as 1,048,576 bytes);
 * - floor: one createImageBitmap resize and one JPEG convertToBlob at 0.8,
 *   the least any compressor must do.
 */
import imageCompression from 'browser-image-compression';
import { ssim } from 'ssim.js';
import { compressImage } from '@/utils/compress/compress-image';
import { inspectImage } from '@/utils/compress/image-bytes';
import { BUILT_IN_TARGETS, DEFAULT_CUSTOM_TARGET, fitWithin, orientedSize, planFor } from '@/utils/compress/presets';
import { median } from '@/utils/stats';

export type ContenderName = 'cadence' | 'bic' | 'floor';

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
}

export interface ImageMeasurement {
  name: string;
  bytes: number;
  width: number;
  height: number;
  results: Record<ContenderName, ContenderResult>;
}

const target = BUILT_IN_TARGETS.large;
const FLOOR_QUALITY = 0.8;

interface Output {
  blob: Blob;
  note?: string;
}

const contenders: Record<ContenderName, (file: File) => Promise<Output>> = {
  async cadence(file) {
    const result = await compressImage(file, planFor('large', DEFAULT_CUSTOM_TARGET, false));
    const note = result.keptOriginal ?? (result.overCapBytes !== undefined ? 'over cap' : undefined);
    return { blob: result.file, note };
  },
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
    (canvas.getContext('2d') as OffscreenCanvasRenderingContext2D).drawImage(bitmap, 0, 0);
    bitmap.close();
    return { blob: await canvas.convertToBlob({ type: 'image/jpeg', quality: FLOOR_QUALITY }) };
  },
};

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
  const input = document.getElementById('images') as HTMLInputElement;
  const file = input.files?.[index];
  if (!file) throw new Error(`no image at ${index}`);
  const original = await createImageBitmap(file);
  const measurement: ImageMeasurement = {
    name: file.name,
    bytes: file.size,
    width: original.width,
    height: original.height,
    results: {} as Record<ContenderName, ContenderResult>,
  };
  original.close();
  const times: Record<ContenderName, number[]> = { cadence: [], bic: [], floor: [] };
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
    const { blob, note } = outputs[name];
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
    };
  }
  return measurement;
}

function count(): number {
  return (document.getElementById('images') as HTMLInputElement).files?.length ?? 0;
}

Object.assign(window, { cadenceBench: { measure, count, maxBytes: target.maxBytes } });
