import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { ssim } from 'ssim.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedUpload } from '../../scripts/receiver';
import { inspectImage } from '../../utils/compress/image-bytes';
import { blackAndWhitePng, exifSegment, rgbaPng, withSegmentsAfterSoi } from '../factories/image-bytes';
import {
  addDestination,
  type Harness,
  openConfiguredPanel,
  openOptions,
  startHarness,
  writeSample as writeSampleFile,
} from './harness';

/**
 * Issue 15 in the real panel: the Large preset's perceptual target, HEIC in,
 * AVIF out. HEIC files are made here with Debian's `heif-enc` (libheif's
 * encoder; .ci/run installs libheif-examples): no npm package encodes HEIC.
 */

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');
const LARGE_TARGET = 0.985;

const toBase64 = (bytes: Buffer) => bytes.toString('base64');

/**
 * Full-resolution SSIM (ssim.js, `downsample: false`, as the benchmark
 * scores) of `output` against `original` resized to the output's size, both
 * on white. The browser decodes; Node scores.
 */
async function ssimAgainst(page: Page, original: Buffer, output: Buffer): Promise<number> {
  const [reference, decoded] = await page.evaluate(
    async ([original, output]) => {
      const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const out = await createImageBitmap(new Blob([bytesOf(output)]));
      const { width, height } = out;
      const source = await createImageBitmap(new Blob([bytesOf(original)]), {
        resizeWidth: width,
        resizeHeight: height,
        resizeQuality: 'high',
      });
      const pixels = (bitmap: ImageBitmap) => {
        const context = new OffscreenCanvas(width, height).getContext('2d') as OffscreenCanvasRenderingContext2D;
        context.fillStyle = '#fff';
        context.fillRect(0, 0, width, height);
        context.drawImage(bitmap, 0, 0, width, height);
        const data = context.getImageData(0, 0, width, height).data;
        let binary = '';
        for (let at = 0; at < data.length; at += 0x8000) {
          binary += String.fromCharCode(...data.subarray(at, at + 0x8000));
        }
        return { data: btoa(binary), width, height };
      };
      return [pixels(source), pixels(out)];
    },
    [toBase64(original), toBase64(output)] as const,
  );
  const image = (pixels: { data: string; width: number; height: number }) => ({
    data: new Uint8ClampedArray(Buffer.from(pixels.data, 'base64')),
    width: pixels.width,
    height: pixels.height,
  });
  return ssim(image(reference), image(decoded), { downsample: false }).mssim;
}

/** What one native pass at `quality` gives for the same image at `maxSide`: the old fixed quality. */
async function nativeJpeg(page: Page, original: Buffer, maxSide: number, quality: number): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ([original, maxSide, quality]) => {
      const bytes = Uint8Array.from(atob(original), (char) => char.charCodeAt(0));
      const probe = await createImageBitmap(new Blob([bytes]));
      const scale = Math.min(1, maxSide / Math.max(probe.width, probe.height));
      const width = Math.round(probe.width * scale);
      const height = Math.round(probe.height * scale);
      probe.close();
      const bitmap = await createImageBitmap(new Blob([bytes]), {
        resizeWidth: width,
        resizeHeight: height,
        resizeQuality: 'high',
      });
      const canvas = new OffscreenCanvas(width, height);
      (canvas.getContext('2d') as OffscreenCanvasRenderingContext2D).drawImage(bitmap, 0, 0);
      const out = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality })).arrayBuffer());
      let binary = '';
      for (let at = 0; at < out.length; at += 0x8000) binary += String.fromCharCode(...out.subarray(at, at + 0x8000));
      return btoa(binary);
    },
    [toBase64(original), maxSide, quality] as const,
  );
  return Buffer.from(base64, 'base64');
}

/** A JPEG drawn by the browser: left half red, right half blue. */
async function twoColourJpeg(page: Page, width: number, height: number): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ([width, height]) => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      context.fillStyle = '#f00';
      context.fillRect(0, 0, width / 2, height);
      context.fillStyle = '#00f';
      context.fillRect(width / 2, 0, width / 2, height);
      const bytes = new Uint8Array(
        await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer(),
      );
      return btoa(String.fromCharCode(...bytes));
    },
    [width, height] as const,
  );
  return Buffer.from(base64, 'base64');
}

/**
 * A PNG cut from the corpus's wallpaper (a smooth gradient with a faint
 * grain): one JPEG pass at 0.8 flattens it into bands (SSIM 0.888 on the
 * whole wallpaper). Cut to 960x640 so the cap, which beats the target, stays
 * out of the way.
 */
async function wallpaperCrop(page: Page): Promise<Buffer> {
  const wallpaper = await readFile(path.join(CORPUS, 'desktop_Ubuntu-Mate-Warm-no-logo.png'));
  const base64 = await page.evaluate(async (base64) => {
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))]));
    const canvas = new OffscreenCanvas(960, 640);
    (canvas.getContext('2d') as OffscreenCanvasRenderingContext2D).drawImage(
      bitmap,
      (bitmap.width - 960) / 2,
      (bitmap.height - 640) / 2,
      960,
      640,
      0,
      0,
      960,
      640,
    );
    const out = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let binary = '';
    for (let at = 0; at < out.length; at += 0x8000) binary += String.fromCharCode(...out.subarray(at, at + 0x8000));
    return btoa(binary);
  }, toBase64(wallpaper));
  return Buffer.from(base64, 'base64');
}

/** A smooth gradient, for the HEIC and AVIF sources. */
const smoothGradient = (width: number, height: number) =>
  rgbaPng(width, height, (x, y) => [40 + (x * 200) / width, 80 + (y * 120) / height, 160, 255]);

describe('compression by a perceptual target, in the real panel', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });
  const writeSample = (name: string, bytes: Buffer) => writeSampleFile(harness, name, bytes);
  const received = (upload: ReceivedUpload) => readFile(path.join(harness.receiver.dir, upload.savedAs));

  it('Large: a gradient that bands at 0.8 meets the target; a busy photo goes out smaller than at 0.8; HEIC from heif-enc arrives as an upright JPEG without GPS', async () => {
    const { page, panel } = await openConfiguredPanel(harness, 0);

    const gradient = await wallpaperCrop(page);
    // The premise: one pass at 0.8 misses the target on it.
    expect(await ssimAgainst(page, gradient, await nativeJpeg(page, gradient, 2048, 0.8))).toBeLessThan(LARGE_TARGET);
    const busy = await readFile(path.join(CORPUS, 'rhythm.jpg'));

    // Real HEIC files: a stored-sideways photo (EXIF orientation 6, with GPS and a maker) and a plain one.
    const sideways = withSegmentsAfterSoi(
      await twoColourJpeg(page, 320, 200),
      exifSegment({ orientation: 6, gps: true, make: 'CadenceCam' }),
    );
    const sidewaysJpeg = await writeSample('sideways-source.jpg', sideways);
    const plainPng = await writeSample('plain-source.png', smoothGradient(300, 200));
    execFileSync('heif-enc', ['-q', '80', '-o', path.join(harness.scratch, 'rotated.heic'), sidewaysJpeg]);
    execFileSync('heif-enc', ['-q', '80', '-o', path.join(harness.scratch, 'plain.heic'), plainPng]);
    const rotatedHeic = await readFile(path.join(harness.scratch, 'rotated.heic'));
    expect(inspectImage(rotatedHeic)?.format).toBe('heic');
    expect(rotatedHeic.includes('CadenceCam')).toBe(true);
    // Named .jpg, as phones' HEIC sometimes arrive: the bytes decide.
    const namedJpg = await writeSample('iphone.jpg', await readFile(path.join(harness.scratch, 'plain.heic')));

    await panel
      .locator('[data-testid=file-input]')
      .setInputFiles([
        await writeSample('gradient.png', gradient),
        await writeSample('busy.jpg', busy),
        path.join(harness.scratch, 'rotated.heic'),
        namedJpg,
      ]);
    // Every row settles; none fails (a failure is named in its row, shown here if one does).
    await expect
      .poll(
        async () => panel.locator('[data-testid=item-row]:not([data-status=done]):not([data-status=error])').count(),
        {
          timeout: 90_000,
        },
      )
      .toBe(0);
    expect(await panel.locator('[data-status=error]').allTextContents()).toEqual([]);
    const uploads = await harness.receiver.waitForUploads(4, 10_000);
    const byName = new Map(uploads.map((upload) => [upload.filename, upload]));
    expect([...byName.keys()].sort()).toEqual(['busy.jpg', 'gradient.jpg', 'iphone.jpg', 'rotated.jpg']);

    const gradientOut = await received(byName.get('gradient.jpg') as ReceivedUpload);
    expect(await ssimAgainst(page, gradient, gradientOut)).toBeGreaterThanOrEqual(LARGE_TARGET);

    const busyOut = await received(byName.get('busy.jpg') as ReceivedUpload);
    expect(busyOut.length).toBeLessThan((await nativeJpeg(page, busy, 2048, 0.8)).length);
    expect(await ssimAgainst(page, busy, busyOut)).toBeGreaterThanOrEqual(LARGE_TARGET - 0.003);

    // Upright: stored 320x200 turned right, so 200x320 with the stored left half (red) on top.
    const rotated = await received(byName.get('rotated.jpg') as ReceivedUpload);
    expect(byName.get('rotated.jpg')?.mimeType).toBe('image/jpeg');
    expect(inspectImage(rotated)).toMatchObject({ format: 'jpeg', width: 200, height: 320, orientation: 1 });
    const colours = await page.evaluate(async (base64) => {
      const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))]));
      const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext(
        '2d',
      ) as OffscreenCanvasRenderingContext2D;
      context.drawImage(bitmap, 0, 0);
      return [[...context.getImageData(100, 30, 1, 1).data], [...context.getImageData(100, 290, 1, 1).data]];
    }, toBase64(rotated));
    const [top, bottom] = colours as [number[], number[]];
    expect(top[0]).toBeGreaterThan(180);
    expect(top[2]).toBeLessThan(80);
    expect(bottom[2]).toBeGreaterThan(180);
    expect(bottom[0]).toBeLessThan(80);
    // No GPS, no maker, no EXIF at all.
    expect(rotated.includes('Exif')).toBe(false);
    expect(rotated.includes('CadenceCam')).toBe(false);
    expect(inspectImage(await received(byName.get('iphone.jpg') as ReceivedUpload))).toMatchObject({
      format: 'jpeg',
      width: 300,
      height: 200,
    });

    // The rows say they were HEIC.
    const convertedFrom = (stem: string) =>
      panel.locator('[data-testid=item-row]', { hasText: `${stem}.jpg` }).getAttribute('data-converted-from');
    expect([await convertedFrom('rotated'), await convertedFrom('iphone'), await convertedFrom('busy')]).toEqual([
      'HEIC',
      'HEIC',
      null,
    ]);
    expect(
      await panel
        .locator('[data-testid=item-row]', { hasText: 'rotated.jpg' })
        .locator('[data-testid=item-converted]')
        .textContent(),
    ).toContain('converted from HEIC');
  });

  it('a 196-megapixel image is decoded straight to the preset size and sent; past 200 megapixels, refused by name', async () => {
    const { panel } = await openConfiguredPanel(harness, 0);
    await panel
      .locator('[data-testid=file-input]')
      .setInputFiles([
        await writeSample('huge-ok.png', blackAndWhitePng(14_000, 14_000)),
        await writeSample('huge-no.png', blackAndWhitePng(20_000, 12_000)),
      ]);
    const [upload] = await harness.receiver.waitForUploads(1, 90_000);
    expect(upload?.filename).toBe('huge-ok.jpg');
    expect(inspectImage(await received(upload as ReceivedUpload))).toMatchObject({ width: 2048, height: 2048 });
    const refused = panel.locator('[data-testid=item-row]', { hasText: 'huge-no.png' });
    await expect
      .poll(() => refused.locator('[data-testid=item-error]').textContent(), { timeout: 30_000 })
      .toBe('Too large to process: 20000×12000 pixels (the limit is 200 megapixels)');
  });

  it('a destination that accepts WebP for photos gets the gradient as WebP, smaller than the JPEG a JPEG-only destination gets, at the same target', async () => {
    await addDestination(harness, { name: 'JPEG only', url: harness.receiver.uploadUrl });
    const { page, panel } = await openConfiguredPanel(harness, 0, {
      name: 'Takes WebP',
      url: harness.receiver.uploadUrl,
      photosAs: 'webp',
    });
    const gradient = await wallpaperCrop(page);
    const source = await writeSample('gradient.png', gradient);
    await panel.locator('[data-testid=file-input]').setInputFiles([source]);
    const [asWebp] = await harness.receiver.waitForUploads(1, 60_000);
    await panel.locator('select[name=destination]').selectOption({ label: 'JPEG only' });
    await panel.locator('[data-testid=file-input]').setInputFiles([source]);
    const [, asJpeg] = await harness.receiver.waitForUploads(2, 60_000);

    expect([asWebp?.filename, asWebp?.mimeType]).toEqual(['gradient.webp', 'image/webp']);
    expect([asJpeg?.filename, asJpeg?.mimeType]).toEqual(['gradient.jpg', 'image/jpeg']);
    const webpOut = await received(asWebp as ReceivedUpload);
    const jpegOut = await received(asJpeg as ReceivedUpload);
    expect(inspectImage(webpOut)?.format).toBe('webp');
    expect(webpOut.length).toBeLessThan(jpegOut.length);
    // The tile estimate misses the full-resolution score by up to about 0.004 (bench:compress prints both).
    expect(await ssimAgainst(page, gradient, webpOut)).toBeGreaterThanOrEqual(LARGE_TARGET - 0.004);
  });

  it('a destination whose preset is Custom with AVIF gets AVIF', async () => {
    const options = await openOptions(harness);
    await options.locator('select[name=preset]').selectOption('custom');
    await options.locator('select[name=format]').selectOption('avif');
    await options.waitForFunction(async () => {
      const stored = (await chrome.storage.local.get('customTarget')) as { customTarget?: { format: string } };
      return stored.customTarget?.format === 'avif';
    });
    await options.close();
    const { panel } = await openConfiguredPanel(harness, 0, {
      name: 'Wants AVIF',
      url: harness.receiver.uploadUrl,
      compressionPreset: 'custom',
    });
    const photo = await writeSample('photo.png', smoothGradient(480, 320));
    await panel.locator('[data-testid=file-input]').setInputFiles([photo]);
    const [upload] = await harness.receiver.waitForUploads(1, 60_000);
    expect([upload?.filename, upload?.mimeType]).toEqual(['photo.avif', 'image/avif']);
    const bytes = await received(upload as ReceivedUpload);
    expect(inspectImage(bytes)?.format).toBe('avif');
  });
});

describe('the corpus the busy-photo test reads', () => {
  it('is there', () => {
    expect(existsSync(path.join(CORPUS, 'rhythm.jpg'))).toBe(true);
  });
});
