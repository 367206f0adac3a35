import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPanelFromPopup, readPopupCounts, withPopup } from '../../scripts/lib/browser';
import { DEFAULT_SAMPLES } from '../../scripts/lib/sample-images';
import {
  type Harness,
  makeSamples,
  openConfiguredPanel,
  panelOutputHashes,
  readRowStatusChanges,
  recordRowStatusChanges,
  startHarness,
  watchMainThread,
} from './harness';

const MAX_SIDE = 2048;
/** Timestamps come from one machine clock; allow for timer granularity only. */
const CLOCK_TOLERANCE_MS = 15;

function expectedDimensions(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

function asJpegName(name: string): string {
  return name.replace(/\.[^.]+$/, '.jpg');
}

describe('the spine: panel -> compress -> background queue -> paced uploads', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('uploads a mixed batch in order, compressed and intact, paced, each completion shown at once; a non-image fails alone', async () => {
    const delayMs = 400;
    const samples = await makeSamples(harness, DEFAULT_SAMPLES);
    expect(samples.some((sample) => sample.size > 3_000_000)).toBe(true);
    const notAnImage = path.join(harness.scratch, 'readme.txt');
    await writeFile(notAnImage, 'these are notes, not pixels');

    const { panel, frame, page } = await openConfiguredPanel(harness, delayMs / 1000);
    // No code or data is loaded from outside the machine while the batch runs.
    const outsideRequests: string[] = [];
    const seenRequests: string[] = [];
    harness.browser.context.on('request', (request) => {
      seenRequests.push(request.url());
      const { protocol, hostname } = new URL(request.url());
      if (!['chrome-extension:', 'blob:', 'data:'].includes(protocol) && hostname !== '127.0.0.1')
        outsideRequests.push(request.url());
    });
    await recordRowStatusChanges(frame);
    // Compressing large images freezes neither the page nor the panel (it runs in workers, in the extension's process).
    const longestPageGap = await watchMainThread(page);
    const longestPanelGap = await watchMainThread(frame);
    const chosen = [
      ...samples.slice(0, 2).map((sample) => sample.path),
      notAnImage,
      ...samples.slice(2).map((sample) => sample.path),
    ];
    await panel.locator('[data-testid=file-input]').setInputFiles(chosen);

    const uploads = await harness.receiver.waitForUploads(samples.length, 90_000);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(samples.length);

    // In order, each smaller than its original.
    expect(uploads.map((upload) => upload.filename)).toEqual(samples.map((sample) => asJpegName(sample.name)));
    for (const [index, upload] of uploads.entries()) {
      expect(upload.size, upload.filename).toBeLessThan((samples[index] as (typeof samples)[number]).size);
    }
    expect(uploads.every((upload) => upload.mimeType === 'image/jpeg' && upload.fileField === 'file')).toBe(true);

    // Each decodes, at the expected dimensions.
    const decoded = await page.evaluate(
      (urls) =>
        Promise.all(
          urls.map(async (url) => {
            const bitmap = await createImageBitmap(await (await fetch(url)).blob());
            return { width: bitmap.width, height: bitmap.height };
          }),
        ),
      uploads.map((upload) => upload.url),
    );
    // Within a pixel: the scaled side may be rounded down.
    decoded.forEach((dimensions, index) => {
      const spec = DEFAULT_SAMPLES[index] as (typeof DEFAULT_SAMPLES)[number];
      const expected = expectedDimensions(spec.width, spec.height);
      expect(Math.abs(dimensions.width - expected.width), `${spec.name} width`).toBeLessThanOrEqual(1);
      expect(Math.abs(dimensions.height - expected.height), `${spec.name} height`).toBeLessThanOrEqual(1);
    });

    // Each row shows the thumbnail, the name, the original size, the compressed size and dimensions.
    for (const [index, upload] of uploads.entries()) {
      const row = panel.locator('[data-testid=item-row]', { hasText: upload.filename });
      expect(await row.locator('img.thumb').count(), upload.filename).toBe(1);
      expect(Number(await row.getAttribute('data-original-size'))).toBe(
        (samples[index] as (typeof samples)[number]).size,
      );
      expect(Number(await row.getAttribute('data-size'))).toBe(upload.size);
      expect(await row.textContent()).toContain(`${decoded[index]?.width}×${decoded[index]?.height}`);
    }

    // The bytes that arrived are the bytes the panel produced: the File crossed to the worker intact.
    const produced = await panelOutputHashes(frame);
    expect(Object.fromEntries(uploads.map((upload) => [upload.filename, upload.sha256]))).toEqual(produced);

    // Sequential with a delay: every start at least D after the previous finish.
    for (let index = 1; index < uploads.length; index += 1) {
      const previous = uploads[index - 1] as (typeof uploads)[number];
      const current = uploads[index] as (typeof uploads)[number];
      expect(current.arrivedAt - previous.endedAt).toBeGreaterThanOrEqual(delayMs - CLOCK_TOLERANCE_MS);
    }

    // Each row showed done before the next upload started.
    const changes = await readRowStatusChanges(frame);
    for (let index = 0; index + 1 < uploads.length; index += 1) {
      const upload = uploads[index] as (typeof uploads)[number];
      const doneAt = changes.find((change) => change.name === upload.filename && change.status === 'done')?.at;
      expect(doneAt, `${upload.filename} shown done`).toBeDefined();
      expect(doneAt as number).toBeLessThan((uploads[index + 1] as (typeof uploads)[number]).arrivedAt);
    }

    // The rows carry the server's status and the link from its JSON reply.
    const links = await panel
      .locator('[data-testid=result-link]')
      .evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
    expect(links).toEqual(uploads.map((upload) => upload.url));
    await expect.poll(() => panel.locator('[data-status=done] .http-status').first().textContent()).toBe('HTTP 200');

    // The non-image file failed by name in its own row; the rest went on.
    const failedRow = panel.locator('[data-testid=item-row]', { hasText: 'readme.txt' });
    await expect.poll(() => failedRow.getAttribute('data-status')).toBe('error');
    expect(await failedRow.locator('[data-testid=item-error]').textContent()).toContain('Not an image');
    expect(outsideRequests).toEqual([]);
    expect(await longestPageGap(), 'longest pause of the page, ms').toBeLessThan(250);
    expect(await longestPanelGap(), 'longest pause of the panel, ms').toBeLessThan(250);
    expect(seenRequests).toContain(uploads[0]?.url); // the watch itself works
  });
});

describe('uploads outlive the page that started them', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('keeps uploading after the page closes; a reopened panel and the popup show the batch from the store', async () => {
    const specs = [1, 2, 3, 4].map((seed) => ({
      name: `photo-${seed}.jpg`,
      type: 'image/jpeg' as const,
      width: 800,
      height: 600,
      seed,
    }));
    const samples = await makeSamples(harness, specs);
    const { page, panel } = await openConfiguredPanel(harness, 1.5);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));

    // Every image handed over (stored by the worker) before the page goes.
    await expect
      .poll(() => panel.locator('[data-status=compressing], [data-status=handing-over]').count(), { timeout: 20_000 })
      .toBe(0);
    await harness.receiver.waitForUploads(1);
    // The pace is visible: a countdown to the next start.
    await expect
      .poll(() => panel.locator('[data-testid=next-start]').textContent(), { timeout: 5_000 })
      .toMatch(/Next upload in \d+ s/);
    expect(harness.receiver.uploads.length).toBeLessThan(samples.length);
    await page.close();
    // The popup shows the batch going on without the page, and when the next upload starts.
    const duringBatch = await withPopup(harness.browser, async (popup) => {
      const nextStart = await popup.waitForSelector('[data-testid=next-start]', { timeout: 5_000 });
      return { nextStart: await nextStart?.evaluate((element) => element.textContent) };
    });
    expect(duringBatch.nextStart).toMatch(/Next upload in \d+ s · Next upload at \d/);

    const uploads = await harness.receiver.waitForUploads(samples.length, 30_000);
    expect(uploads.map((upload) => upload.filename)).toEqual(samples.map((sample) => sample.name));

    const reopened = await harness.browser.context.newPage();
    await reopened.goto(`${harness.receiver.origin}/`);

    const panelAgain = await openPanelFromPopup(harness.browser, reopened);
    await expect.poll(() => panelAgain.locator('[data-status=done]').count()).toBe(samples.length);
    expect(await readPopupCounts(harness.browser)).toEqual({
      queued: 0,
      uploading: 0,
      done: samples.length,
      failed: 0,
    });

    // Storage use is shown; "Clear finished" empties the list everywhere.
    expect(await panelAgain.locator('[data-testid=storage-use]').textContent()).toMatch(
      /^Storage used: [\d.]+ (B|KB|MB)$/,
    );
    await panelAgain.locator('[data-testid=clear-finished]').click();
    await expect.poll(() => panelAgain.locator('[data-testid=item-row]').count()).toBe(0);
    expect(await readPopupCounts(harness.browser)).toEqual({ queued: 0, uploading: 0, done: 0, failed: 0 });
  });
});

describe('other ways in: drop and paste', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('a dropped image and a pasted image are compressed and uploaded like chosen ones', async () => {
    const { frame, panel, page } = await openConfiguredPanel(harness, 0.3);
    await frame.evaluate(async () => {
      const makePng = async (name: string, hue: number) => {
        const canvas = new OffscreenCanvas(900, 700);
        const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
        context.fillStyle = `hsl(${hue} 70% 50%)`;
        context.fillRect(0, 0, 900, 700);
        context.fillStyle = '#fff';
        context.fillRect(100, 100, 300, 200);
        return new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
      };
      const dropped = new DataTransfer();
      dropped.items.add(await makePng('dropped.png', 10));
      document
        .querySelector('[data-testid=drop-zone]')
        ?.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
      const pasted = new DataTransfer();
      pasted.items.add(await makePng('pasted.png', 200));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
    });
    const uploads = await harness.receiver.waitForUploads(2, 30_000);
    expect(uploads.map((upload) => [upload.filename, upload.mimeType])).toEqual([
      ['dropped.jpg', 'image/jpeg'],
      ['pasted.jpg', 'image/jpeg'],
    ]);

    // The panel's close button removes it from the page.
    await panel.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.locator('[data-cadence-panel]').count()).toBe(0);
  });
});
