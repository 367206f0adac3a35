import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPanelFromPopup } from '../../scripts/lib/browser';
import { type DokuWiki, startDokuWiki } from './dokuwiki';
import { type Harness, makeSamples, smallPhotos, startHarness } from './harness';

/**
 * "Upload here" on a real CMS nobody here wrote: Debian's DokuWiki
 * (2022-07-31), served by PHP's built-in server (tests/e2e/dokuwiki.ts). Its
 * media manager replaces the plain upload form with its own uploader (a fork
 * of Valums' file-uploader), which lists the files it is given and sends them
 * only when its own Upload button is pressed.
 */
let harness: Harness | undefined;
let wiki: DokuWiki | undefined;
afterEach(async () => {
  await wiki?.close();
  wiki = undefined;
  await harness?.dispose();
  harness = undefined;
});

describe("a real CMS: DokuWiki's media manager", () => {
  it('its uploader is found and named and takes the file; it waits for its own Upload button, so the row says "The page did not upload it", never "Done"', async () => {
    harness = await startHarness();
    const dokuwiki = await startDokuWiki(path.join(harness.scratch, 'dokuwiki'));
    wiki = dokuwiki;
    const [sample] = await makeSamples(harness, smallPhotos(1, 'wiki'));
    const mediaBefore = await dokuwiki.media();
    const page = await harness.browser.context.newPage();
    await page.goto(dokuwiki.uploadPage);
    await page.locator('.qq-uploader').waitFor();
    const panel = await openPanelFromPopup(harness.browser, page);
    // Nothing else configured: the wiki's uploader is chosen, named by its heading and its own words.
    await panel.locator('[data-testid=page-uploader-note]').waitFor();
    expect(await panel.locator('select[name=destination] option:checked').textContent()).toBe(
      'This page: Upload to [root]: Drop files here to upload',
    );
    await panel.locator('[data-testid=file-input]').setInputFiles(sample?.path ?? '');

    const row = panel.locator('[data-testid=item-row]');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000, interval: 300 }).toBe('failed');
    expect(await row.locator('[data-testid=item-error]').getAttribute('data-problem')).toBe('page-did-not-upload');
    expect(await dokuwiki.media()).toEqual(mediaBefore);
    // The wiki's own list holds the file Cadence handed over; its Upload button, pressed by the person, stores it.
    await expect.poll(() => page.locator('.qq-upload-list li').textContent()).toContain('wiki-01.jpg');
    await page.locator('#mediamanager__upload_button').click();
    await expect.poll(() => dokuwiki.media(), { timeout: 15_000 }).toEqual([...mediaBefore, 'wiki-01.jpg'].sort());
  });
});
