import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectImage } from '../../utils/compress/image-bytes';
import {
  blackAndWhitePng,
  flatCmykJpeg,
  flatGif,
  flatProgressiveJpeg,
  rgb16Png,
  rgbaPng,
  truncated,
} from '../factories/image-bytes';
import {
  type Harness,
  openConfiguredPanel,
  sha256,
  startHarness,
  waitUntilHandedOver,
  watchMainThread,
  writeSample as writeSampleFile,
} from './harness';

/**
 * A real HEIC (64x48, HEVC) made once with libheif's encoder, which these
 * machines do not have by default (`apt-get install libheif-examples`, then
 * `heif-enc -q 50 --no-alpha -o photo.heic source.png`): no npm package
 * encodes HEIC, only decoders exist.
 */
const HEIC_FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/photo.heic');

/**
 * A JPEG drawn by the browser: a gradient at quality 0.95 (re-encoding makes
 * it smaller), or noise at 0.3 (re-encoding makes it bigger: the original is kept).
 */
async function browserJpeg(page: Page, width: number, height: number, noise = false): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ([width, height, noise]) => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      if (noise) {
        const pixels = context.createImageData(width, height);
        for (let index = 0; index < pixels.data.length; index += 1) {
          pixels.data[index] = index % 4 === 3 ? 255 : (index * 2654435761) >>> 24;
        }
        context.putImageData(pixels, 0, 0);
      } else {
        const gradient = context.createLinearGradient(0, 0, width, height);
        gradient.addColorStop(0, '#c33');
        gradient.addColorStop(1, '#33c');
        context.fillStyle = gradient;
        context.fillRect(0, 0, width, height);
      }
      const quality = noise ? 0.3 : 0.95;
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality })).arrayBuffer());
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);
    },
    [width, height, noise] as const,
  );
  return Buffer.from(base64, 'base64');
}

/** Decodes bytes in the page: proves a file is a real image of that size. */
async function decodedSize(page: Page, bytes: Buffer): Promise<{ width: number; height: number } | string> {
  return page.evaluate(async (base64) => {
    try {
      const data = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([data]));
      return { width: bitmap.width, height: bitmap.height };
    } catch (error) {
      return String(error);
    }
  }, bytes.toString('base64'));
}

describe('hostile and broken files', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  const writeSample = (name: string, bytes: Buffer) => writeSampleFile(harness, name, bytes);

  it('the corpus: each file gets a named outcome, the batch goes on, the panel stays responsive, the SVG script never runs', async () => {
    const { page, panel, frame } = await openConfiguredPanel(harness, 0);
    const origin = harness.receiver.origin;
    // Would report itself three ways if it ever ran: a request to the receiver, a title, a message to the page.
    const scriptedSvg = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="fetch('${origin}/svg-onload-ran')">` +
        `<script>fetch('${origin}/svg-script-ran'); document.title = 'svg-script-ran'; ` +
        `try { top.postMessage('svg-script-ran', '*'); parent.postMessage('svg-script-ran', '*'); } catch (e) {}</script>` +
        '<rect width="40" height="40" fill="#c00"/></svg>',
    );
    const jpegBytes = await browserJpeg(page, 1200, 800);
    const keptJpegBytes = await browserJpeg(page, 240, 160, true);
    const gif = flatGif([0, 1, 0]);
    const corpus: { name: string; bytes: Buffer }[] = [
      { name: 'cut.jpg', bytes: truncated(await browserJpeg(page, 400, 300)) },
      { name: 'notes.jpg', bytes: Buffer.from('Meeting notes: not a picture at all.\n') },
      { name: 'empty.png', bytes: Buffer.alloc(0) },
      { name: 'dot.png', bytes: rgbaPng(1, 1, () => [0, 128, 255, 255]) },
      { name: 'deep.png', bytes: rgb16Png(320, 200) },
      { name: 'cmyk.jpg', bytes: flatCmykJpeg(640, 480) },
      { name: 'progressive.jpg', bytes: flatProgressiveJpeg(640, 480) },
      { name: 'really-a-jpeg.png', bytes: jpegBytes },
      { name: 'kept-jpeg.png', bytes: keptJpegBytes },
      { name: 'huge.png', bytes: blackAndWhitePng(20_000, 12_000) },
      { name: 'anim.gif', bytes: gif },
      { name: 'scripted.svg', bytes: scriptedSvg },
      { name: 'photo.heic', bytes: await readFile(HEIC_FIXTURE) },
      // The same HEIC cut off inside its item tables: libheif cannot read it.
      { name: 'broken.heic', bytes: (await readFile(HEIC_FIXTURE)).subarray(0, 120) },
    ];
    expect(inspectImage(corpus.at(-2)?.bytes as Buffer)?.format).toBe('heic');
    expect(inspectImage(corpus.at(-1)?.bytes as Buffer)?.format).toBe('heic');
    const files = await Promise.all(corpus.map((sample) => writeSample(sample.name, sample.bytes)));

    // Anything the SVG's script could reach: the panel's title and the page's messages.
    const panelTitle = await frame.evaluate(() => document.title);
    const pageTitle = await page.title();
    await page.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { messagesSeen: unknown[] }).messagesSeen = seen;
      window.addEventListener('message', (event) => seen.push(event.data));
    });
    const longestPanelGap = await watchMainThread(frame);
    const longestPageGap = await watchMainThread(page);
    await panel.locator('[data-testid=file-input]').setInputFiles(files);

    const uploads = await harness.receiver.waitForUploads(9, 30_000);
    await waitUntilHandedOver(panel);
    // By the name's stem: a row takes the uploaded file's name (dot.png becomes dot.jpg once compressed).
    const rowOf = (name: string) =>
      panel.locator('[data-testid=item-row]', { hasText: `${name.slice(0, name.lastIndexOf('.'))}.` });
    const outcome = async (name: string) => {
      const row = rowOf(name);
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toMatch(/^(done|error)$/);
      return {
        status: await row.getAttribute('data-status'),
        note: await row.getAttribute('data-note'),
        error: (await row.locator('[data-testid=item-error]').count())
          ? await row.locator('[data-testid=item-error]').textContent()
          : null,
      };
    };
    const outcomes = Object.fromEntries(
      await Promise.all(corpus.map(async (sample) => [sample.name, await outcome(sample.name)] as const)),
    );
    expect(outcomes).toEqual({
      'cut.jpg': {
        status: 'error',
        note: null,
        error: 'Incomplete JPEG file (cut off, e.g. an unfinished download)',
      },
      'notes.jpg': {
        status: 'error',
        note: null,
        error: 'Not an image: the contents are not a picture, whatever the name says',
      },
      'empty.png': { status: 'error', note: null, error: 'Empty file (0 bytes)' },
      // Never worse: as a JPEG this 1x1 PNG would be bigger, and nothing else asks for a change.
      'dot.png': { status: 'done', note: 'not-smaller', error: null },
      'deep.png': { status: 'done', note: null, error: null },
      'cmyk.jpg': { status: 'done', note: null, error: null },
      'progressive.jpg': { status: 'done', note: 'not-smaller', error: null },
      'really-a-jpeg.png': { status: 'done', note: null, error: null },
      'kept-jpeg.png': { status: 'done', note: 'not-smaller', error: null },
      'huge.png': {
        status: 'error',
        note: null,
        error: 'Too large to process: 20000×12000 pixels (the limit is 200 megapixels)',
      },
      'anim.gif': { status: 'done', note: 'animated', error: null },
      'scripted.svg': { status: 'done', note: 'vector', error: null },
      // Decoded in the compress worker (libheif), sent as a JPEG.
      'photo.heic': { status: 'done', note: null, error: null },
      'broken.heic': {
        status: 'error',
        note: null,
        error: 'This HEIC image could not be decoded; you can send the original as it is',
      },
    });

    // What arrived is what each row says, and decodes.
    const byName = new Map(uploads.map((upload) => [upload.filename, upload]));
    const received = async (name: string) =>
      readFile(path.join(harness.receiver.dir, byName.get(name)?.savedAs ?? 'missing'));
    expect([...byName.keys()].sort()).toEqual(
      [
        'anim.gif',
        'cmyk.jpg',
        'deep.jpg',
        'dot.png',
        'photo.jpg',
        'progressive.jpg',
        'really-a-jpeg.jpg',
        'kept-jpeg.jpg',
        'scripted.svg',
      ].sort(),
    );
    expect(byName.get('dot.png')?.sha256).toBe(
      sha256(corpus.find((sample) => sample.name === 'dot.png')?.bytes as Buffer),
    );
    expect(await decodedSize(page, await received('photo.jpg'))).toEqual({ width: 64, height: 48 });
    expect(byName.get('photo.jpg')?.mimeType).toBe('image/jpeg');
    expect(await rowOf('broken.heic').getByRole('button', { name: 'Send the original' }).count()).toBe(1);
    expect(await decodedSize(page, await received('deep.jpg'))).toEqual({ width: 320, height: 200 });
    expect(await decodedSize(page, await received('cmyk.jpg'))).toEqual({ width: 640, height: 480 });
    expect(byName.get('cmyk.jpg')?.mimeType).toBe('image/jpeg');
    expect(await decodedSize(page, await received('progressive.jpg'))).toEqual({ width: 640, height: 480 });
    // Named .png, read by its bytes: compressed as the JPEG it is, and named and typed as one.
    expect(byName.get('really-a-jpeg.jpg')?.mimeType).toBe('image/jpeg');
    expect(byName.get('really-a-jpeg.jpg')?.size).toBeLessThan(jpegBytes.length);
    // Sent unchanged, still typed and named by its bytes.
    expect(byName.get('kept-jpeg.jpg')?.mimeType).toBe('image/jpeg');
    expect(byName.get('kept-jpeg.jpg')?.sha256).toBe(sha256(keptJpegBytes));
    expect(byName.get('anim.gif')?.sha256).toBe(sha256(gif));
    expect(byName.get('scripted.svg')?.sha256).toBe(sha256(scriptedSvg));

    // The SVG's script never ran: nothing fetched, no title changed, no message posted.
    expect(harness.receiver.hits.filter((hit) => hit.includes('svg-'))).toEqual([]);
    expect(await frame.evaluate(() => document.title)).toBe(panelTitle);
    expect(await page.title()).toBe(pageTitle);
    expect(await page.evaluate(() => (window as unknown as { messagesSeen: unknown[] }).messagesSeen)).toEqual([]);
    // Its thumbnail is an <img>, which never runs scripts; nothing in the panel embeds a document.
    expect(await rowOf('scripted.svg').locator('img.thumb').count()).toBe(1);
    expect(await frame.evaluate(() => document.querySelectorAll('object, embed, iframe').length)).toBe(0);

    // The panel never froze, nor did the page.
    const panelGap = await longestPanelGap();
    const pageGap = await longestPageGap();
    console.log(`corpus: longest main-thread pause: panel ${Math.round(panelGap)} ms, page ${Math.round(pageGap)} ms`);
    expect(panelGap, 'longest pause of the panel, ms').toBeLessThan(500);
    expect(pageGap, 'longest pause of the page, ms').toBeLessThan(500);
  });

  it('300 files at once: every one gets a named outcome and is uploaded, and the panel stays responsive', async () => {
    const count = 300;
    const files = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        writeSample(
          `tiny-${String(index + 1).padStart(3, '0')}.png`,
          // Each file's bytes its own (the red channel repeats after 256): the same image twice is "Already uploaded".
          rgbaPng(12, 8, (x, y) => [(index * 37) % 256, (x * 20) % 256, (y * 30 + Math.floor(index / 256)) % 256, 255]),
        ),
      ),
    );
    const { panel, frame } = await openConfiguredPanel(harness, 0);
    const longestPanelGap = await watchMainThread(frame);
    const startedAt = Date.now();
    await panel.locator('[data-testid=file-input]').setInputFiles(files);
    await expect.poll(() => panel.locator('[data-testid=item-row]').count()).toBe(count);
    await waitUntilHandedOver(panel, 60_000);
    const handedOverMs = Date.now() - startedAt;
    // Still responsive with 300 rows: a click answers.
    await panel.locator('[data-testid=pause]').click();
    await panel.locator('[data-testid=resume]').click();

    const uploads = await harness.receiver.waitForUploads(count, 90_000);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 15_000 }).toBe(count);
    expect(new Set(uploads.map((upload) => upload.filename)).size).toBe(count);
    expect(await panel.locator('[data-status=error], [data-status=failed]').count()).toBe(0);
    const panelGap = await longestPanelGap();
    console.log(
      `300 files: handed over in ${handedOverMs} ms, all uploaded in ${Date.now() - startedAt} ms, ` +
        `longest panel pause ${Math.round(panelGap)} ms`,
    );
    expect(panelGap, 'longest pause of the panel, ms').toBeLessThan(1_000);
  });
});
