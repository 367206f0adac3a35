/**
 * Makes test and demo images in the browser (canvas), so the repo ships no
 * image files. Photo-like: gradients, shapes and grain, which compress like
 * real photos rather than like flat colour.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';

export interface SampleImageSpec {
  name: string;
  type: 'image/jpeg' | 'image/png' | 'image/webp';
  width: number;
  height: number;
  /** Encoder quality for JPEG and WebP. @default 0.95 */
  quality?: number;
  /** Grain amplitude, 0-255: more grain makes a bigger file. @default 24 */
  grain?: number;
  /** Cut a transparent hole in the middle (PNG, WebP). @default false */
  transparent?: boolean;
  /** Pattern seed, so each image differs. @default 1 */
  seed?: number;
}

/** Five originals for a realistic batch: JPEG and PNG, one over 3 MB, some over 2048 px. */
export const DEFAULT_SAMPLES: SampleImageSpec[] = [
  { name: 'street-4000x3000.jpg', type: 'image/jpeg', width: 4000, height: 3000, quality: 0.97, grain: 20, seed: 1 },
  { name: 'poster-1200x800.png', type: 'image/png', width: 1200, height: 800, grain: 12, seed: 2 },
  { name: 'portrait-1600x2400.jpg', type: 'image/jpeg', width: 1600, height: 2400, quality: 0.95, grain: 16, seed: 3 },
  { name: 'banner-3000x1000.png', type: 'image/png', width: 3000, height: 1000, grain: 10, seed: 4 },
  { name: 'snapshot-800x600.jpg', type: 'image/jpeg', width: 800, height: 600, quality: 0.95, grain: 16, seed: 5 },
];

export async function generateSampleImages(
  page: Page,
  dir: string,
  specs: SampleImageSpec[] = DEFAULT_SAMPLES,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  // tsx (esbuild keepNames) wraps named functions in __name(); the page has no such helper.
  await page.evaluate('globalThis.__name ??= (fn) => fn');
  const paths: string[] = [];
  for (const spec of specs) {
    const base64 = await page.evaluate(drawImage, spec);
    const filePath = path.join(dir, spec.name);
    await writeFile(filePath, Buffer.from(base64, 'base64'));
    paths.push(filePath);
  }
  return paths;
}

/** Runs in the page. */
async function drawImage(spec: SampleImageSpec): Promise<string> {
  const { width, height } = spec;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  let state = (spec.seed ?? 1) * 2654435761;
  const random = () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
  const sky = context.createLinearGradient(0, 0, width, height);
  sky.addColorStop(0, `hsl(${random() * 360} 60% 70%)`);
  sky.addColorStop(1, `hsl(${random() * 360} 50% 35%)`);
  context.fillStyle = sky;
  context.fillRect(0, 0, width, height);
  for (let shape = 0; shape < 40; shape += 1) {
    context.fillStyle = `hsla(${random() * 360} 70% ${30 + random() * 40}% / 0.6)`;
    context.beginPath();
    context.arc(
      random() * width,
      random() * height,
      (0.03 + random() * 0.15) * Math.min(width, height),
      0,
      Math.PI * 2,
    );
    context.fill();
  }
  const grain = spec.grain ?? 24;
  const pixels = context.getImageData(0, 0, width, height);
  const data = pixels.data;
  for (let index = 0; index < data.length; index += 4) {
    const noise = (random() - 0.5) * grain;
    data[index] = (data[index] ?? 0) + noise;
    data[index + 1] = (data[index + 1] ?? 0) + noise;
    data[index + 2] = (data[index + 2] ?? 0) + noise;
  }
  context.putImageData(pixels, 0, 0);
  if (spec.transparent) context.clearRect(width / 4, height / 4, width / 2, height / 2);
  const blob = await canvas.convertToBlob({ type: spec.type, quality: spec.quality ?? 0.95 });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}
