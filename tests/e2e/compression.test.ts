import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedUpload } from '../../scripts/receiver';
import { inspectImage } from '../../utils/compress/image-bytes';
import {
  actlChunk,
  blackAndWhitePng,
  exifSegment,
  flatGif,
  rgbaPng,
  truncated,
  withSegmentsAfterSoi,
} from '../factories/image-bytes';
import {
  addDestination,
  type Harness,
  makeSamples,
  openConfiguredPanel,
  readRowStatusChanges,
  recordRowStatusChanges,
  sendAgainAnyway,
  sha256,
  startHarness,
  writeSample as writeSampleFile,
} from './harness';

/** A JPEG drawn by the browser: left half red, right half blue, or noise (hard to compress). */
async function browserJpeg(page: Page, width: number, height: number, quality: number, noise = false): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ([width, height, quality, noise]) => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      if (noise) {
        const pixels = context.createImageData(width, height);
        for (let index = 0; index < pixels.data.length; index += 1) {
          pixels.data[index] = index % 4 === 3 ? 255 : (index * 2654435761) >>> 24;
        }
        context.putImageData(pixels, 0, 0);
      } else {
        context.fillStyle = '#f00';
        context.fillRect(0, 0, width / 2, height);
        context.fillStyle = '#00f';
        context.fillRect(width / 2, 0, width / 2, height);
      }
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality })).arrayBuffer());
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);
    },
    [width, height, quality, noise] as const,
  );
  return Buffer.from(base64, 'base64');
}

/** Deterministic noise in 0-255, so a PNG made of it barely compresses. */
const noiseAt = (x: number, y: number, channel: number) =>
  ((x * 73856093) ^ (y * 19349663) ^ (channel * 83492791)) >>> 24;

/** A cut-out: opaque noise in an ellipse, fully transparent around it. */
const cutout = (width: number, height: number) =>
  rgbaPng(width, height, (x, y) => {
    const inside = ((x - width / 2) / (width / 2.5)) ** 2 + ((y - height / 2) / (height / 2.5)) ** 2 <= 1;
    return [noiseAt(x, y, 0), noiseAt(x, y, 1), noiseAt(x, y, 2), inside ? 255 : 0];
  });

/** Every pixel opaque, in an RGBA PNG: the alpha channel is there, transparency is not. */
const opaqueWithAlphaChannel = (width: number, height: number) =>
  rgbaPng(width, height, (x, y) => [noiseAt(x, y, 0) >> 2, 120, noiseAt(x, y, 2) >> 2, 255]);

async function pixelsOf(page: Page, file: string, points: [number, number][]) {
  const bytes = (await readFile(file)).toString('base64');
  return page.evaluate(
    async ([base64, points]) => {
      const binary = atob(base64);
      const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes]));
      const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext(
        '2d',
      ) as OffscreenCanvasRenderingContext2D;
      context.drawImage(bitmap, 0, 0);
      return {
        width: bitmap.width,
        height: bitmap.height,
        pixels: points.map(([x, y]) => [
          ...context.getImageData(Math.round(x * (bitmap.width - 1)), Math.round(y * (bitmap.height - 1)), 1, 1).data,
        ]),
      };
    },
    [bytes, points] as const,
  );
}

describe('compression in the real panel', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  const writeSample = (name: string, bytes: Buffer) => writeSampleFile(harness, name, bytes);
  const received = (upload: ReceivedUpload) => readFile(path.join(harness.receiver.dir, upload.savedAs));

  it('each kind of file gets its named outcome with the Large preset, and the batch goes on', async () => {
    const { page, panel } = await openConfiguredPanel(harness, 0);
    const sideways = withSegmentsAfterSoi(
      await browserJpeg(page, 320, 200, 0.9),
      exifSegment({ orientation: 6, gps: true, make: 'CadenceCam' }),
    );
    const gif = flatGif([0, 1]);
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    // An APNG header (acTL announcing 2 frames) before the first frame's pixels.
    const apng = rgbaPng(8, 8, () => [0, 128, 0, 255], { before: [actlChunk(2)] });
    // Already compressed hard: re-encoding at 0.8 makes it bigger.
    const lowQuality = await browserJpeg(page, 240, 160, 0.3, true);
    const files = [
      await writeSample('rotated.jpg', sideways),
      await writeSample('cutout.png', cutout(160, 120)),
      await writeSample('opaque-alpha.png', opaqueWithAlphaChannel(600, 400)),
      await writeSample('anim.gif', gif),
      await writeSample('cut.jpg', truncated(await browserJpeg(page, 400, 300, 0.9, true))),
      await writeSample('notes.jpg', Buffer.from('these are notes, not pixels')),
      await writeSample('empty.png', Buffer.alloc(0)),
      await writeSample('huge.png', blackAndWhitePng(20_000, 12_000)),
      await writeSample('photo.heic', Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic and then HEVC data', 'latin1')),
      await writeSample('low-quality.jpg', lowQuality),
      await writeSample('logo.svg', svg),
      await writeSample('anim.png', apng),
    ];
    await panel.locator('[data-testid=file-input]').setInputFiles(files);

    const uploads = await harness.receiver.waitForUploads(7, 30_000);
    expect(uploads.map((upload) => [upload.filename, upload.mimeType])).toEqual([
      ['rotated.jpg', 'image/jpeg'],
      ['cutout.webp', 'image/webp'],
      ['opaque-alpha.jpg', 'image/jpeg'],
      ['anim.gif', 'image/gif'],
      ['low-quality.jpg', 'image/jpeg'],
      ['logo.svg', 'image/svg+xml'],
      ['anim.png', 'image/png'],
    ]);
    const [rotated, cut, opaque, animated, kept] = uploads as [
      ReceivedUpload,
      ReceivedUpload,
      ReceivedUpload,
      ReceivedUpload,
      ReceivedUpload,
    ];

    // Upright pixels: stored 320x200 sideways (orientation 6, turn right), so
    // 200x320 with the stored left half (red) on top; no EXIF, no GPS left.
    const rotatedBytes = await received(rotated);
    const upright = await pixelsOf(page, path.join(harness.receiver.dir, rotated.savedAs), [
      [0.5, 0.1],
      [0.5, 0.9],
    ]);
    expect([upright.width, upright.height]).toEqual([200, 320]);
    const [top, bottom] = upright.pixels as [number[], number[]];
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(60);
    expect(rotatedBytes.includes('Exif')).toBe(false);
    expect(rotatedBytes.includes('CadenceCam')).toBe(false);
    expect(inspectImage(rotatedBytes)).toMatchObject({ orientation: 1, hasMetadata: false });

    // Transparency kept (WebP): the corner stays see-through, the middle opaque.
    const cutPixels = await pixelsOf(page, path.join(harness.receiver.dir, cut.savedAs), [
      [0, 0],
      [0.5, 0.5],
    ]);
    expect(cutPixels.pixels.map((pixel) => pixel[3])).toEqual([0, 255]);
    // An alpha channel with no transparent pixel is not a reason to keep PNG.
    expect(opaque.size).toBeLessThan(opaqueWithAlphaChannel(600, 400).length);

    // Animated GIF: the very bytes, with a note in its row.
    expect(animated.sha256).toBe(sha256(gif));
    await expect
      .poll(() => panel.locator('[data-testid=item-row]', { hasText: 'anim.gif' }).getAttribute('data-note'))
      .toBe('animated');
    // SVG and APNG too: never flattened to one frame or rasterised.
    expect(uploads.slice(5).map((upload) => upload.sha256)).toEqual([sha256(svg), sha256(apng)]);
    const noteOf = (name: string) =>
      panel.locator('[data-testid=item-row]', { hasText: name }).getAttribute('data-note');
    expect([await noteOf('logo.svg'), await noteOf('anim.png')]).toEqual(['vector', 'animated']);
    expect(await panel.locator('[data-testid=item-row]', { hasText: 'anim.png' }).textContent()).toContain(
      'animated: sent unchanged so no frame is lost',
    );
    // Never worse: the original went, and the row says so.
    expect(kept.sha256).toBe(sha256(lowQuality));
    const keptRow = panel.locator('[data-testid=item-row]', { hasText: 'low-quality.jpg' });
    expect(await keptRow.getAttribute('data-note')).toBe('not-smaller');
    expect(await keptRow.locator('[data-testid=item-note]').textContent()).toContain('original kept');

    // Each failure is named in its own row.
    const errorOf = (name: string) =>
      panel.locator('[data-testid=item-row]', { hasText: name }).locator('[data-testid=item-error]').textContent();
    expect(await errorOf('cut.jpg')).toBe('Incomplete JPEG file (cut off, e.g. an unfinished download)');
    expect(await errorOf('notes.jpg')).toBe('Not an image: the contents are not a picture, whatever the name says');
    expect(await errorOf('empty.png')).toBe('Empty file (0 bytes)');
    expect(await errorOf('huge.png')).toBe('Too large to process: 20000×12000 pixels (the limit is 200 megapixels)');
    // Bytes that claim HEIC but hold no image libheif can decode: named, and the original may still go.
    expect(await errorOf('photo.heic')).toBe(
      'This HEIC image could not be decoded; you can send the original as it is',
    );
    expect(await panel.locator('[data-status=error]').count()).toBe(5);
    // HEIC: the user may still send the original as it is.
    const heicRow = panel.locator('[data-testid=item-row]', { hasText: 'photo.heic' });
    await heicRow.getByRole('button', { name: 'Send the original' }).click();
    const heic = (await harness.receiver.waitForUploads(8, 10_000))[7];
    expect([heic?.filename, heic?.size]).toEqual(['photo.heic', (await readFile(files[8] as string)).length]);
  });

  it('a Custom preset from the options: forced JPEG fills white, EXIF kept on request, an unreachable cap holds the row until "Send anyway"', async () => {
    const options = await harness.browser.context.newPage();
    await options.goto(`chrome-extension://${harness.browser.extensionId}/options.html`);
    await options.locator('select[name=preset]').selectOption('custom');
    await options.locator('input[name=maxKilobytes]').fill('10');
    await options.locator('select[name=format]').selectOption('jpeg');
    await options.locator('input[name=keepMetadata]').check();
    await options.waitForFunction(async () => {
      const stored = (await chrome.storage.local.get(['defaultPreset', 'customTarget', 'keepJpegMetadata'])) as {
        defaultPreset?: string;
        customTarget?: { maxBytes: number; format: string };
        keepJpegMetadata?: boolean;
      };
      return (
        stored.defaultPreset === 'custom' &&
        stored.customTarget?.maxBytes === 10_000 &&
        stored.customTarget?.format === 'jpeg' &&
        stored.keepJpegMetadata === true
      );
    });
    await options.close();

    const { page, panel, frame } = await openConfiguredPanel(harness, 0);
    expect(await panel.locator('select[name=preset]').inputValue()).toBe('custom');
    // Every progress value a row showed while compressing.
    await frame.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver((records) => {
        for (const record of records) {
          const value = (record.target as Element).getAttribute?.('data-progress');
          if (value) seen.push(Number(value));
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-progress'] });
    });
    const sideways = withSegmentsAfterSoi(
      await browserJpeg(page, 320, 200, 0.9),
      exifSegment({ orientation: 6, gps: true, make: 'CadenceCam' }),
    );
    const files = [
      await writeSample('cutout.png', cutout(160, 120)),
      await writeSample('noise.png', opaqueWithAlphaChannel(2000, 1500)),
      await writeSample('rotated.jpg', sideways),
    ];
    await panel.locator('[data-testid=file-input]').setInputFiles(files);

    const [white, withExif] = await harness.receiver.waitForUploads(2, 30_000);
    expect([white?.filename, white?.mimeType, withExif?.filename]).toEqual(['cutout.jpg', 'image/jpeg', 'rotated.jpg']);
    const corner = await pixelsOf(page, path.join(harness.receiver.dir, (white as ReceivedUpload).savedAs), [[0, 0]]);
    expect(corner.pixels[0]?.slice(0, 3).every((channel) => channel > 245)).toBe(true);
    const exifBytes = await received(withExif as ReceivedUpload);
    expect(exifBytes.includes('CadenceCam')).toBe(true);
    expect(inspectImage(exifBytes)).toMatchObject({ orientation: 1, width: 200, height: 320, hasMetadata: true });

    // Noise cannot get under 10 KB: held with the size reached, not sent.
    const noiseRow = panel.locator('[data-testid=item-row]', { hasText: 'noise' });
    await expect.poll(() => noiseRow.getAttribute('data-status'), { timeout: 30_000 }).toBe('held');
    expect(await noiseRow.locator('[data-testid=item-error]').textContent()).toMatch(
      /^Target not reached: [\d.]+ KB is over the 10 KB cap\. Not sent\.$/,
    );
    const heldSize = Number(await noiseRow.getAttribute('data-size'));
    expect(heldSize).toBeGreaterThan(10_000);
    expect(harness.receiver.uploads).toHaveLength(2);
    const progress = await frame.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(progress.some((value) => value > 0 && value < 100)).toBe(true);

    await noiseRow.getByRole('button', { name: 'Send anyway' }).click();
    const [, , sentAnyway] = await harness.receiver.waitForUploads(3, 10_000);
    expect([sentAnyway?.filename, sentAnyway?.size]).toEqual(['noise.jpg', heldSize]);
    await expect.poll(() => noiseRow.getAttribute('data-status')).toBe('done');
  });

  it("the panel's preset applies to the images added next; compressing overlaps uploading", async () => {
    const photos = await makeSamples(
      harness,
      [1, 2, 3, 4, 5, 6].map((seed) => ({
        name: `photo-${seed}.jpg`,
        type: 'image/jpeg' as const,
        width: 3000,
        height: 2000,
        quality: 0.95,
        seed,
      })),
    );
    const { panel, frame } = await openConfiguredPanel(harness, 0);
    await recordRowStatusChanges(frame);
    await panel.locator('select[name=preset]').selectOption('balanced');
    await panel.locator('[data-testid=file-input]').setInputFiles(photos.map((photo) => photo.path));
    const uploads = await harness.receiver.waitForUploads(6, 30_000);
    for (const upload of uploads) {
      const facts = inspectImage(await received(upload));
      expect(Math.max(facts?.width ?? 0, facts?.height ?? 0), upload.filename).toBe(1024);
      expect(upload.size, upload.filename).toBeLessThanOrEqual(500_000);
    }
    // Two at a time: the first image was uploading while the last ones were still compressing.
    const changes = await readRowStatusChanges(frame);
    const compressedAt = (name: string) =>
      changes.find((change) => change.name === name && change.status !== 'compressing')?.at ?? 0;
    const lastCompressed = Math.max(...photos.map((photo) => compressedAt(photo.name)));
    expect((uploads[0] as ReceivedUpload).arrivedAt).toBeLessThan(lastCompressed);

    // Original: the very bytes, and the row says it was the user's choice.
    await panel.locator('select[name=preset]').selectOption('original');
    await panel.locator('[data-testid=file-input]').setInputFiles([(photos[0] as { path: string }).path]);
    await sendAgainAnyway(panel);
    const original = (await harness.receiver.waitForUploads(7, 10_000))[6];
    expect(original?.sha256).toBe(sha256(await readFile((photos[0] as { path: string }).path)));
    await expect
      .poll(() => panel.locator('[data-testid=item-row]').last().getAttribute('data-note'))
      .toBe('original-preset');
  });

  it("a destination's own preset and its wish for PNG: the picker switches, the images follow", async () => {
    const [photo] = await makeSamples(harness, [
      { name: 'wide.jpg', type: 'image/jpeg', width: 2000, height: 1500, quality: 0.95, seed: 7 },
    ]);
    // Flat colours, so the PNG meets Balanced's cap without shrinking below 1024 px.
    const sticker = rgbaPng(1600, 1200, (x, y) => {
      const inside = ((x - 800) / 640) ** 2 + ((y - 600) / 480) ** 2 <= 1;
      return inside ? [200, 40, 40, 255] : [0, 0, 0, 0];
    });
    await addDestination(harness, { name: 'Default host', url: harness.receiver.uploadUrl, compressionPreset: '' });
    const { page, panel } = await openConfiguredPanel(harness, 0, {
      name: 'PNG host',
      url: harness.receiver.uploadUrl,
      compressionPreset: 'balanced',
      transparentAs: 'png',
    });
    const presetSelect = panel.locator('select[name=preset]');
    await expect.poll(() => presetSelect.inputValue()).toBe('balanced');

    await panel
      .locator('[data-testid=file-input]')
      .setInputFiles([(photo as { path: string }).path, await writeSample('sticker.png', sticker)]);
    const [opaque, transparent] = await harness.receiver.waitForUploads(2, 30_000);
    expect([opaque?.filename, opaque?.mimeType]).toEqual(['wide.jpg', 'image/jpeg']);
    const opaqueFacts = inspectImage(await received(opaque as ReceivedUpload));
    expect([opaqueFacts?.width, opaqueFacts?.height]).toEqual([1024, 768]);
    expect([transparent?.filename, transparent?.mimeType]).toEqual(['sticker.png', 'image/png']);
    const stickerPixels = await pixelsOf(
      page,
      path.join(harness.receiver.dir, (transparent as ReceivedUpload).savedAs),
      [
        [0, 0],
        [0.5, 0.5],
      ],
    );
    expect([stickerPixels.width, stickerPixels.height]).toEqual([1024, 768]);
    expect(stickerPixels.pixels.map((pixel) => pixel[3])).toEqual([0, 255]);

    // "Default" shows the global default (Large); choosing the first again brings its own back.
    await panel.locator('select[name=destination]').selectOption({ label: 'Default host' });
    await expect.poll(() => presetSelect.inputValue()).toBe('large');
    await panel.locator('select[name=destination]').selectOption({ label: 'PNG host' });
    await expect.poll(() => presetSelect.inputValue()).toBe('balanced');
    // The batch may still override it: Original sends the very bytes.
    await presetSelect.selectOption('original');
    await panel.locator('[data-testid=file-input]').setInputFiles([(photo as { path: string }).path]);
    await sendAgainAnyway(panel);
    const [, , overridden] = await harness.receiver.waitForUploads(3, 10_000);
    expect(overridden?.sha256).toBe(sha256(await readFile((photo as { path: string }).path)));
  });
});
