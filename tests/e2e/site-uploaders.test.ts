import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { openPanelFromPopup, popupCounts, withPopup } from '../../scripts/lib/browser';
import { dropDirectly, handOverThroughCadence, openPanelOnSite, sitePhotos } from '../../scripts/lib/site-drop';
import { SITE_UPLOADERS } from '../../scripts/lib/site-pages';
import { type Receiver, startReceiver } from '../../scripts/receiver';
import {
  addDestination,
  choosePacing,
  type Harness,
  makeSamples,
  panelFrame,
  smallPhotos,
  startHarness,
  waitUntilHandedOver,
} from './harness';

/**
 * "Upload here" on pages whose own uploader is a real npm upload library
 * (scripts/lib/site-pages.ts), uploading to the fault-injecting receiver:
 * connections beyond 2 at once are reset, ingress is capped. Dropped into
 * the uploader all at once, the batch loses files; handed over by Cadence at
 * its pace, none.
 */
const FAULTS = { resetBeyond: 2, ingressBytesPerSecond: 4_000_000 };
const FILES = 30;

let harness: Harness | undefined;
/** A second server, for a site apart from the harness's receiver. */
let siteReceiver: Receiver | undefined;
afterEach(async () => {
  await siteReceiver?.close();
  siteReceiver = undefined;
  await harness?.dispose();
  harness = undefined;
});

describe("Cadence paces the page's own uploader (real upload libraries from npm)", () => {
  it.each(SITE_UPLOADERS)(
    '%s: 30 photos dropped directly lose some; through "Upload here" none, no resets, done in order with its links',
    async (uploader) => {
      harness = await startHarness({ faults: FAULTS });
      const samples = await makeSamples(harness, sitePhotos(FILES));
      const names = samples.map((sample) => sample.name);

      const directPage = await harness.browser.context.newPage();
      const direct = await dropDirectly(
        directPage,
        harness.receiver,
        uploader,
        samples.map((sample) => sample.path),
        names,
      );
      // Nothing of the direct batch may still run beside Cadence's.
      await directPage.close();
      expect(direct.resets, `${uploader} dropped directly: resets`).toBeGreaterThan(0);
      expect(direct.lost, `${uploader} dropped directly: lost`).toBeGreaterThan(0);

      const cadence = await handOverThroughCadence(
        harness.browser,
        harness.receiver,
        uploader,
        samples.map((sample) => sample.path),
        names,
      );
      const { uploads } = cadence;
      expect(cadence.resets).toBe(0);
      expect(cadence.lost).toBe(0);
      // Every file stored once, in the order the user gave them.
      expect(uploads.map((upload) => upload.filename)).toEqual(names);
      // Each row carries the link the site's reply gave for that very file.
      const urlByName = new Map(uploads.map((upload) => [upload.filename, upload.url]));
      expect(cadence.rows).toEqual(
        names.map((name) => ({ name, status: 'done', link: urlByName.get(name), error: '' })),
      );
      // One at a time: no upload started before the previous one ended.
      for (let index = 1; index < uploads.length; index += 1) {
        expect(uploads[index]?.arrivedAt).toBeGreaterThanOrEqual(uploads[index - 1]?.endedAt ?? 0);
      }
    },
    // FilePond takes 1.5-2 s of its own per file on an idle machine (it loads and animates each
    // file before sending it), and several times that on a loaded one as its list grows.
    600_000,
  );
});

describe('an uploader that takes the file but sends nothing', () => {
  it('Uppy waiting for its own Upload button: the row says "The page did not upload it", never "Done"', async () => {
    harness = await startHarness();
    const [sample] = await makeSamples(harness, smallPhotos(1, 'held'));
    const page = await harness.browser.context.newPage();
    await page.goto(`${harness.receiver.origin}/sites/uppy.html?autoProceed=0`);
    await page.waitForFunction(() => 'siteUploader' in window);
    const panel = await openPanelFromPopup(harness.browser, page);
    await panel.locator('[data-testid=page-uploader-note]').waitFor();
    await panel.locator('[data-testid=file-input]').setInputFiles(sample?.path ?? '');
    const row = panel.locator('[data-testid=item-row]');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000, interval: 300 }).toBe('failed');
    expect(await row.locator('[data-testid=item-error]').getAttribute('data-problem')).toBe('page-did-not-upload');
    // Uppy holds the file, waiting for a click on its own button: it was handed over, and not sent.
    expect(
      await page.evaluate(
        () => (window as unknown as { siteUploader: { getFiles(): unknown[] } }).siteUploader.getFiles().length,
      ),
    ).toBe(1);
    expect(harness.receiver.requests).toEqual([]);
  });
});

describe('the page is the uploader', () => {
  it('reaches an uploader in a same-origin frame, beside a frame of another origin', async () => {
    harness = await startHarness();
    const { receiver } = harness;
    const samples = await makeSamples(harness, smallPhotos(3, 'framed'));
    const page = await harness.browser.context.newPage();
    await page.goto(`${receiver.origin}/sites/framed.html?port=${new URL(receiver.origin).port}`);
    await page.frameLocator('#media').locator('.dz-message').waitFor();
    const panel = await openPanelFromPopup(harness.browser, page);
    await panel.locator('[data-testid=page-uploader-note]').waitFor();
    await panel.locator('input[name=delay]').fill('0.3');
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    const uploads = await receiver.waitForUploads(3, 60_000);
    expect(uploads.map((upload) => upload.filename)).toEqual(samples.map((sample) => sample.name));
    const rows = panel.locator('[data-testid=item-row]');
    await expect
      .poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status'))), { timeout: 30_000 })
      .toEqual(['done', 'done', 'done']);
  });

  it("closing its tab holds that uploader's batch by name while an API batch goes on; reopened, Go on here: each arrives once", async () => {
    harness = await startHarness();
    const { browser, receiver: api } = harness;
    // The site stores uploads on its own server, read slowly (~1-2 s a photo), so the tab can close mid-upload.
    const site = await startReceiver({
      dir: path.join(harness.scratch, 'site'),
      faults: { ingressBytesPerSecond: 30_000 },
    });
    siteReceiver = site;
    await addDestination(harness, { name: 'Photo API', url: api.uploadUrl, pacing: { delaySeconds: 1.5 } });
    const samples = await makeSamples(harness, [...smallPhotos(6, 'api'), ...smallPhotos(4, 'page')]);
    const apiFiles = samples.filter((sample) => sample.name.startsWith('api'));
    const pageFiles = samples.filter((sample) => sample.name.startsWith('page'));

    const page = await browser.context.newPage();
    await page.goto(`${site.origin}/sites/dropzone.html?parallel=6`);
    await page.waitForFunction(() => 'siteUploader' in window);
    const panel = await openPanelFromPopup(browser, page);
    await panel.locator('input[name=delay]').fill('0.3');
    // The user's own destination first (its own pace: one every 1.5 s), then the page's uploader.
    await expect.poll(() => panel.locator('select[name=destination] option:checked').textContent()).toBe('Photo API');
    await panel.locator('[data-testid=file-input]').setInputFiles(apiFiles.map((file) => file.path));
    await waitUntilHandedOver(panel);
    await panel.locator('[data-testid=use-page-uploader]').first().click();
    await panel.locator('[data-testid=page-uploader-note]').waitFor();
    await panel.locator('[data-testid=file-input]').setInputFiles(pageFiles.map((file) => file.path));

    // The first page photo stored, the second being received: the tab closes under it.
    await site.waitForUploads(1, 60_000);
    await expect.poll(() => site.active(), { timeout: 30_000, interval: 50 }).toBe(1);
    expect(api.uploads.length).toBeLessThan(apiFiles.length);
    await page.close();
    // Headless Chromium can leave the window unfocused when a tab closes; the popup opens only in a focused one.
    await browser.serviceWorker.evaluate(async () => {
      const window = await chrome.windows.getLastFocused();
      if (window.id !== undefined) await chrome.windows.update(window.id, { focused: true });
    });

    // The API batch finishes; the uploader's batch waits by name, nothing failed, and the user's pause is untouched.
    await api.waitForUploads(apiFiles.length, 60_000);
    expect(api.uploads.map((upload) => upload.filename)).toEqual(apiFiles.map((file) => file.name));
    const { held, counts } = await withPopup(browser, async (popup) => {
      await popup.waitForSelector('[data-testid=source-page-gone]', { timeout: 15_000 });
      return {
        held: await popup.$$eval('[data-testid=source-page-gone]', (lines) =>
          lines.map((line) => ({
            why: line.getAttribute('data-why'),
            count: line.getAttribute('data-count'),
            text: line.textContent,
          })),
        ),
        counts: await popupCounts(popup),
      };
    });
    expect(held).toEqual([
      { why: 'closed', count: '3', text: expect.stringMatching(/^3 to .+ wait: its page was closed\./) },
    ]);
    expect(counts).toMatchObject({ queued: 3, uploading: 0, failed: 0, done: 7 });
    expect(
      await browser.serviceWorker.evaluate(async () => (await chrome.storage.local.get('queuePaused')).queuePaused),
    ).not.toBe(true);
    // The cut-off upload was not stored (the receiver records the cut body as aborted or as an error, or is
    // still draining what its ingress cap buffered: a socket's close shows only once it reads again).
    expect(site.requests).toHaveLength(2);
    expect(site.requests[1]?.outcome).not.toBe('stored');
    expect(site.uploads.map((upload) => upload.filename)).toEqual([pageFiles[0]?.name]);

    // The page open again, the panel on it: it offers to go on, and each photo is stored once, in order.
    const again = await browser.context.newPage();
    await again.goto(`${site.origin}/sites/dropzone.html?parallel=6`);
    await again.waitForFunction(() => 'siteUploader' in window);
    const panelAgain = await openPanelFromPopup(browser, again);
    const notice = panelAgain.locator('[data-testid=page-gone]');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.getAttribute('data-waiting')).toBe('3');
    await notice.locator('[data-testid=go-on-here]').click();
    await site.waitForUploads(pageFiles.length, 90_000);
    expect(site.uploads.map((upload) => upload.filename)).toEqual(pageFiles.map((file) => file.name));
    const rows = panelAgain.locator('[data-testid=item-row]');
    await expect
      .poll(() => rows.evaluateAll((all) => all.filter((row) => row.getAttribute('data-status') === 'done').length), {
        timeout: 30_000,
      })
      .toBe(apiFiles.length + pageFiles.length);
    // Nothing more arrives later (a second hand-over of the cut-off photo would).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(site.uploads).toHaveLength(pageFiles.length);
  });
});

/** Records, in the site's page, each file Dropzone takes (its own `addedfile` event) and when: the hand-overs. */
async function recordHandOvers(page: Page): Promise<() => Promise<{ name: string; at: number }[]>> {
  await page.evaluate(() => {
    const site = window as unknown as {
      siteUploader: { on(event: string, listener: (file: File) => void): void };
      handedOver: { name: string; at: number }[];
    };
    site.handedOver = [];
    site.siteUploader.on('addedfile', (file) =>
      site.handedOver.push({ name: file.name, at: performance.timeOrigin + performance.now() }),
    );
  });
  return () => page.evaluate(() => (window as unknown as { handedOver: { name: string; at: number }[] }).handedOver);
}

/** Server timestamps and the page's come from one machine clock; allow for timer granularity only. */
const CLOCK_TOLERANCE_MS = 15;
/**
 * A hand-over is seen in the page after a message from the worker to the tab
 * (and, for the first file, after the request watcher is injected): that
 * delay varies from file to file, so gaps seen in the page vary by it.
 */
const HAND_OVER_JITTER_MS = 60;

describe("the pace's controls on a page's uploader (Dropzone from npm)", () => {
  const rowOf = (panel: FrameLocator, name: string) => panel.locator('[data-testid=item-row]', { hasText: name });

  it('staggered starts: a hand-over every 0.3 s at the least, two uploads overlapping, none reset', async () => {
    // Each photo takes ~1 s to arrive, longer than the 0.3 s between starts: two are in flight at once.
    harness = await startHarness({ faults: { resetBeyond: 2, ingressBytesPerSecond: 150_000 } });
    const samples = await makeSamples(harness, smallPhotos(6, 'stagger'));
    const { page, panel } = await openPanelOnSite(harness.browser, harness.receiver, 'dropzone', { delaySeconds: 0.3 });
    await choosePacing(panel, panelFrame(page), { mode: 'staggered', concurrency: 2, delayMs: 300 });
    const handOvers = await recordHandOvers(page);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));

    // In order of arrival (two overlap, so they may end in another order).
    const uploads = (await harness.receiver.waitForUploads(samples.length, 60_000)).sort((a, b) => a.index - b.index);
    const names = samples.map((sample) => sample.name);
    expect(uploads.map((upload) => upload.filename)).toEqual(names);
    expect(harness.receiver.requests.map((record) => record.outcome)).toEqual(names.map(() => 'stored'));
    const handed = await handOvers();
    expect(handed.map((one) => one.name)).toEqual(names);
    const gaps = handed.slice(1).map((one, index) => one.at - (handed[index]?.at ?? 0));
    // Measured in the page, after a message from the worker: allow for that message's own delay too.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(300 - HAND_OVER_JITTER_MS);
    // Staggered, not one by one: some upload began before the previous one ended.
    expect(uploads.slice(1).some((upload, index) => upload.arrivedAt < (uploads[index]?.endedAt ?? 0))).toBe(true);
    const rows = panel.locator('[data-testid=item-row]');
    await expect
      .poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status'))), { timeout: 15_000 })
      .toEqual(names.map(() => 'done'));
  });

  it('adaptive: the first file goes alone, the pace then grows to two at once within the cap, none reset, all done', async () => {
    // The receiver takes two at once; each photo takes ~1 s to arrive, so a pace that grows shows as overlap.
    harness = await startHarness({ faults: { resetBeyond: 2, ingressBytesPerSecond: 150_000 } });
    const samples = await makeSamples(harness, smallPhotos(8, 'adaptive'));
    const { page, panel } = await openPanelOnSite(harness.browser, harness.receiver, 'dropzone', { delaySeconds: 0.3 });
    await choosePacing(panel, panelFrame(page), { mode: 'adaptive', concurrency: 2 });
    const handOvers = await recordHandOvers(page);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));

    const uploads = (await harness.receiver.waitForUploads(samples.length, 90_000)).sort((a, b) => a.index - b.index);
    const names = samples.map((sample) => sample.name);
    expect(uploads.map((upload) => upload.filename)).toEqual(names);
    expect(harness.receiver.requests.map((record) => record.outcome)).toEqual(names.map(() => 'stored'));
    expect((await handOvers()).map((one) => one.name)).toEqual(names);
    // Probing up: the second upload did not start before the first ended (it goes alone), and later ones overlap.
    const [firstUpload, secondUpload] = uploads;
    expect(secondUpload?.arrivedAt).toBeGreaterThanOrEqual((firstUpload?.endedAt ?? 0) - CLOCK_TOLERANCE_MS);
    expect(uploads.slice(1).some((upload, index) => upload.arrivedAt < (uploads[index]?.endedAt ?? 0))).toBe(true);
    const rows = panel.locator('[data-testid=item-row]');
    await expect
      .poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status'))), { timeout: 15_000 })
      .toEqual(names.map(() => 'done'));
  });

  it('pause stops new hand-overs and resume goes on at the pace; a cancelled waiting file never reaches the page', async () => {
    harness = await startHarness({ faults: { ingressBytesPerSecond: 100_000 } });
    const { receiver } = harness;
    const samples = await makeSamples(harness, smallPhotos(4, 'control'));
    const [first, second, third, fourth] = samples.map((sample) => sample.name);
    const { page, panel } = await openPanelOnSite(harness.browser, receiver, 'dropzone', { delaySeconds: 1 });
    const handOvers = await recordHandOvers(page);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));

    await expect.poll(() => receiver.requests.length, { timeout: 30_000, interval: 50 }).toBe(1);
    await panel.locator('[data-testid=pause]').click();
    const pausedAt = Date.now();
    await expect.poll(() => panel.locator('[data-testid=waiting-on]').textContent()).toMatch(/Paused/);
    // The upload in flight finishes; the page is handed nothing more, well past the pace's second.
    await receiver.waitForUploads(1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await handOvers()).map((one) => one.name)).toEqual([first]);
    expect(receiver.requests).toHaveLength(1);

    // The third is cancelled while it waits; then the batch goes on.
    await rowOf(panel, third as string)
      .locator('[data-testid=cancel-item]')
      .click();
    await expect.poll(() => rowOf(panel, third as string).getAttribute('data-status')).toBe('cancelled');
    await panel.locator('[data-testid=resume]').click();
    const uploads = await receiver.waitForUploads(3, 30_000);
    expect(uploads.map((upload) => upload.filename)).toEqual([first, second, fourth]);
    expect(uploads[1]?.arrivedAt).toBeGreaterThan(pausedAt + 2_500);
    expect((uploads[2]?.arrivedAt ?? 0) - (uploads[1]?.endedAt ?? 0)).toBeGreaterThanOrEqual(1000 - CLOCK_TOLERANCE_MS);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await handOvers()).map((one) => one.name)).toEqual([first, second, fourth]);
    expect(receiver.requests).toHaveLength(3);
  });

  it("retry of a file the page's uploader showed an error for (the server refused it once) hands it again, and it arrives", async () => {
    // The site's server answers the first upload with 500; Dropzone shows its error on that file.
    harness = await startHarness({ faults: { replies: { 1: { status: 500 } } } });
    const { receiver } = harness;
    const samples = await makeSamples(harness, smallPhotos(2, 'refusedonce'));
    const [first, second] = samples.map((sample) => sample.name) as [string, string];
    const { page, panel } = await openPanelOnSite(harness.browser, receiver, 'dropzone', { delaySeconds: 0.3 });
    // No automatic retry: the user's Retry is what is tested.
    await choosePacing(panel, panelFrame(page), { maxRetries: 0, delayMs: 300 });
    const handOvers = await recordHandOvers(page);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));

    await expect.poll(() => rowOf(panel, first).getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    await expect.poll(() => rowOf(panel, second).getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    const failed = rowOf(panel, first);
    expect(await failed.locator('[data-testid=item-error]').getAttribute('data-problem')).toBe('page-showed-error');
    expect(receiver.uploads.map((upload) => upload.filename)).toEqual([second]);

    await failed.locator('[data-testid=retry-item]').click();
    await expect.poll(() => rowOf(panel, first).getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(receiver.uploads.map((upload) => upload.filename)).toEqual([second, first]);
    expect((await handOvers()).map((one) => one.name)).toEqual([first, second, first]);
    // Its link is the one the server gave the stored copy.
    expect(await rowOf(panel, first).locator('[data-testid=result-link]').getAttribute('href')).toBe(
      receiver.uploads[1]?.url,
    );
  });
});

describe("a hostile page's uploader (forged completion reports)", () => {
  it("can mislead only its own rows: never another destination's, never their files or header secret", async () => {
    harness = await startHarness();
    const { receiver } = harness;
    const secret = 's3cret-token-0042';
    await addDestination(harness, {
      name: 'Secret API',
      url: receiver.uploadUrl,
      headers: `Authorization: Bearer ${secret}`,
    });
    const samples = await makeSamples(harness, [...smallPhotos(3, 'api'), ...smallPhotos(3, 'page')]);
    const apiFiles = samples.filter((sample) => sample.name.startsWith('api'));
    const pageFiles = samples.filter((sample) => sample.name.startsWith('page'));
    const page = await harness.browser.context.newPage();
    // The page forges completions for the API batch's names too, at every size up to 400 KB in 4 KB steps.
    await page.goto(`${receiver.origin}/sites/hostile.html?forge=${apiFiles.map((file) => file.name).join(',')}`);
    const panel = await openPanelFromPopup(harness.browser, page);
    await panel.locator('input[name=delay]').fill('0.3');
    const rows = panel.locator('[data-testid=item-row]');
    const settled = (count: number) =>
      expect
        .poll(
          () =>
            rows.evaluateAll(
              (all) => all.filter((row) => ['done', 'failed'].includes(row.getAttribute('data-status') ?? '')).length,
            ),
          { timeout: 60_000, interval: 300 },
        )
        .toBe(count);

    // The user's own destination is the default; the page's uploader is only offered.
    await expect.poll(() => panel.locator('select[name=destination] option:checked').textContent()).toBe('Secret API');
    await panel.locator('[data-testid=file-input]').setInputFiles(apiFiles.map((file) => file.path));
    await settled(3);
    await panel.locator('[data-testid=use-page-uploader]').first().click();
    await panel.locator('[data-testid=page-uploader-note]').waitFor();
    // All three queued before the first goes: a batch that ends between two files (a busy machine
    // compressing the next) gets a new report channel the page has not heard yet, and a forger
    // that knows no channel forges nothing. The forger this test wants is the one that knows it.
    await panel.locator('[data-testid=pause]').click();
    await panel.locator('[data-testid=resume]').waitFor();
    await panel.locator('[data-testid=file-input]').setInputFiles(pageFiles.map((file) => file.path));
    await expect.poll(() => panel.locator('[data-status=queued]').count(), { timeout: 30_000 }).toBe(3);
    await panel.locator('[data-testid=resume]').click();
    await settled(6);

    const shown = await rows.evaluateAll((all) =>
      all.map((row) => ({
        name: row.querySelector('.item-name')?.textContent ?? '',
        status: row.getAttribute('data-status'),
        link: row.querySelector('[data-testid=result-link]')?.getAttribute('href') ?? '',
      })),
    );
    const stored = new Map(receiver.uploads.map((upload) => [upload.filename, upload]));
    // The API batch: sent by Cadence with its header, each row the receiver's own link.
    for (const file of apiFiles) {
      expect(stored.get(file.name)?.headers.authorization).toBe(`Bearer ${secret}`);
      expect(shown.find((row) => row.name === file.name)).toEqual({
        name: file.name,
        status: 'done',
        link: stored.get(file.name)?.url,
      });
    }
    // The page got only the files handed to it, and heard nothing of the other batch or its secret.
    const seen = await page.evaluate(() => {
      const hostile = window as unknown as { received: string[]; heard: string[] };
      return { received: hostile.received, heard: hostile.heard, html: document.documentElement.outerHTML };
    });
    expect(seen.received).toEqual(pageFiles.map((file) => file.name));
    const everything = JSON.stringify(seen);
    expect(everything).not.toContain(secret);
    for (const file of apiFiles) expect(seen.heard.join('\n')).not.toContain(`"name":"${file.name}"`);
    // Its own rows are where it can lie: the first was really uploaded, the others carry its forged link.
    expect(shown.filter((row) => row.name.startsWith('page'))).toEqual([
      { name: pageFiles[0]?.name, status: 'done', link: stored.get(pageFiles[0]?.name ?? '')?.url },
      ...pageFiles.slice(1).map((file) => ({
        name: file.name,
        status: 'done',
        link: `https://evil.example/forged/${file.name}`,
      })),
    ]);
  });
});
