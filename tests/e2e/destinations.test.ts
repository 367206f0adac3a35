import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPanelFromPopup, withPopup } from '../../scripts/lib/browser';
import {
  addDestination,
  fillDestinationEditor,
  type Harness,
  makeSamples,
  openConfiguredPanel,
  openOptions,
  pasteClipboard,
  smallPhotos,
  startHarness,
  waitUntilHandedOver,
} from './harness';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sxcu');

describe('destinations against real reply shapes', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('nested JSON: result, thumbnail and deletion links; secrets stay out of the page; results export', async () => {
    const origin = harness.receiver.origin;
    const samples = await makeSamples(harness, smallPhotos(2, 'nested'));
    const { page, panel } = await openConfiguredPanel(harness, 0.2, {
      name: 'Nested JSON',
      url: `${origin}/upload/nested?album={random:a|a}`,
      fileField: 'image',
      replyUrl: '{json:data.image.url}',
      replyThumbnailUrl: '{json:data.thumb.url}',
      replyDeletionUrl: '{json:data.delete_url}',
      headers: 'Authorization: Bearer SECRET-7f3a',
    });
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    const uploads = await harness.receiver.waitForUploads(2, 30_000);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(2);

    expect(uploads.map((upload) => [upload.path, upload.fileField, upload.headers.authorization])).toEqual([
      ['/upload/nested?album=a', 'image', 'Bearer SECRET-7f3a'],
      ['/upload/nested?album=a', 'image', 'Bearer SECRET-7f3a'],
    ]);
    const hrefs = (testId: string) =>
      panel
        .locator(`[data-testid=${testId}]`)
        .evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
    expect(await hrefs('result-link')).toEqual(uploads.map((upload) => upload.url));
    expect(await hrefs('thumbnail-link')).toEqual(uploads.map((upload) => `${upload.url}?thumb=1`));
    expect(await hrefs('deletion-link')).toEqual(
      uploads.map((upload) => `${origin}/delete/${encodeURIComponent(upload.savedAs)}`),
    );
    // The header's secret never reaches the web page's DOM.
    expect(await page.content()).not.toContain('SECRET-7f3a');

    // Copy all, as Markdown images, in the batch's order.
    await panel.locator('select[name=copy-format]').selectOption('markdown');
    await panel.locator('[data-testid=copy-all]').click();
    await expect.poll(() => panel.locator('[data-testid=copy-all]').textContent()).toBe('Copied');
    expect(await pasteClipboard(harness)).toBe(
      uploads.map((upload) => `![${upload.filename}](${upload.url})`).join('\n'),
    );

    // Export: a CSV of the batch in order, with the result URLs.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.locator('[data-testid=export-csv]').click(),
    ]);
    const csvPath = path.join(harness.scratch, 'results.csv');
    await download.saveAs(csvPath);
    const csv = (await import('node:fs')).readFileSync(csvPath, 'utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv.slice(1).map((line) => line.split(',')[5])).toEqual(uploads.map((upload) => upload.url));

    // A panel opened later (no local previews) shows the server's thumbnails.
    const later = await harness.browser.context.newPage();
    await later.goto(`${origin}/`);
    const laterPanel = await openPanelFromPopup(harness.browser, later);
    await expect
      .poll(() =>
        laterPanel
          .locator('[data-testid=remote-thumbnail]')
          .evaluateAll((images) => images.map((image) => (image as HTMLImageElement).src)),
      )
      .toEqual(uploads.map((upload) => `${upload.url}?thumb=1`));
  });

  it('plain-text, Location-header and raw-binary PUT replies; a 2xx without a URL is a named error', async () => {
    const origin = harness.receiver.origin;
    const destinations = [
      { name: 'Plain text', url: `${origin}/upload/text`, replyUrl: '{response}' },
      { name: 'Location', url: `${origin}/upload/location`, replyUrl: '{header:Location}' },
      {
        name: 'Raw PUT',
        url: `${origin}/raw/{filename}`,
        method: 'PUT' as const,
        body: 'binary' as const,
        replyUrl: '{json:file.url}',
      },
      { name: 'No URL', url: `${origin}/upload/no-url` },
    ];
    for (const destination of destinations.slice(1)) await addDestination(harness, destination);
    const samples = await makeSamples(harness, smallPhotos(4, 'shape'));
    const { panel, frame } = await openConfiguredPanel(harness, 0, destinations[0]);
    for (const [index, destination] of destinations.entries()) {
      await panel.locator('select[name=destination]').selectOption({ label: destination.name });
      // Choosing checks access before the drop zone opens.
      await panel.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
      await frame.waitForFunction(async (name) => {
        const stored = await chrome.storage.local.get(['destinations', 'activeDestinationId']);
        return (stored.destinations as { id: string; name: string }[]).some(
          (candidate) => candidate.id === stored.activeDestinationId && candidate.name === name,
        );
      }, destination.name);
      await panel.locator('[data-testid=file-input]').setInputFiles((samples[index] as (typeof samples)[number]).path);
      await waitUntilHandedOver(panel);
      await harness.receiver.waitForUploads(index + 1, 20_000);
    }
    await expect
      .poll(() => panel.locator('[data-status=done], [data-status=failed]').count(), { timeout: 10_000 })
      .toBe(4);
    const uploads = harness.receiver.uploads;
    expect(uploads.map((upload) => [upload.method, upload.path])).toEqual([
      ['POST', '/upload/text'],
      ['POST', '/upload/location'],
      ['PUT', `/raw/${samples[2]?.name}`],
      ['POST', '/upload/no-url'],
    ]);
    // The raw body is the image itself, typed.
    expect(uploads[2]?.mimeType).toBe('image/jpeg');
    expect(uploads[2]?.size).toBeGreaterThan(1000);
    expect(uploads.every((upload) => typeof upload.idempotencyKey === 'string')).toBe(true);

    const rows = panel.locator('[data-testid=item-row]');
    for (const index of [0, 1, 2]) {
      const row = rows.nth(index);
      expect(await row.getAttribute('data-status')).toBe('done');
      expect(await row.locator('[data-testid=result-link]').getAttribute('href')).toBe(uploads[index]?.url);
    }
    const noUrl = rows.nth(3);
    expect(await noUrl.getAttribute('data-status')).toBe('failed');
    // Named, and marked as not retried by itself: the server has stored the upload.
    expect(await noUrl.locator('[data-testid=item-error]').textContent()).toMatch(
      /^Unreadable reply: uploaded, but no URL in the reply · Not retried automatically/,
    );
    expect(await noUrl.locator('.http-status').textContent()).toBe('HTTP 200');

    // The popup shows the active destination and switches it.
    const activeName = () =>
      frame.evaluate(async () => {
        const stored = await chrome.storage.local.get(['destinations', 'activeDestinationId']);
        return (stored.destinations as { id: string; name: string }[]).find(
          (candidate) => candidate.id === stored.activeDestinationId,
        )?.name;
      });
    await withPopup(harness.browser, async (popup) => {
      const picker = await popup.waitForSelector('[data-testid=popup-destination]');
      expect(await picker?.evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe(
        'No URL',
      );
      const plainTextId = await picker?.evaluate(
        (select) => [...(select as HTMLSelectElement).options].find((option) => option.text === 'Plain text')?.value,
      );
      await popup.select('[data-testid=popup-destination]', plainTextId as string);
    });
    await expect.poll(activeName).toBe('Plain text');
  });

  it("this page's upload form: offered, picked among two, outlined, sent with its hidden token and the site's cookie", async () => {
    const samples = await makeSamples(harness, smallPhotos(1, 'form'));
    await addDestination(harness, { name: 'My host', url: harness.receiver.uploadUrl });
    const page = await harness.browser.context.newPage();
    await page.goto(`${harness.receiver.origin}/form-page?forms=2`);
    const panel = await openPanelFromPopup(harness.browser, page);
    const choice = panel.locator('select[name=destination]');
    // The page's forms are offered next to the user's destination, which stays chosen until they pick a form.
    await expect
      .poll(() => choice.locator('option').allTextContents())
      .toEqual(['Upload form: Upload form 1 (/form-upload)', 'Upload form: Upload form 2 (/form-upload)', 'My host']);
    expect(await choice.inputValue()).not.toMatch(/^form:/);
    expect(await page.locator('[data-cadence-chosen-form]').count()).toBe(0);
    // One click takes the page's form; it is outlined on the page.
    await panel.locator('[data-testid=use-page-form]').click();
    await expect.poll(() => page.locator('[data-cadence-chosen-form]').getAttribute('id')).toBe('upload-1');
    await choice.selectOption({ label: 'Upload form: Upload form 2 (/form-upload)' });
    await expect.poll(() => page.locator('[data-cadence-chosen-form]').getAttribute('id')).toBe('upload-2');
    expect(await page.locator('[data-cadence-chosen-form]').count()).toBe(1);

    await panel.locator('[data-testid=file-input]').setInputFiles(samples[0]?.path as string);
    const [upload] = await harness.receiver.waitForUploads(1, 20_000);
    expect(upload?.path).toBe('/form-upload?form=2');
    expect(upload?.fileField).toBe('picture2');
    expect(upload?.fields).toEqual({
      csrf_token: `token-2-${harness.receiver.formCookie.slice(-6)}`,
      album: 'album 2',
    });
    expect(String(upload?.headers.cookie)).toContain(harness.receiver.formCookie);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(1);
  });

  it('a destination without host permission: a clear message and a button that asks again, nothing queued or failed', async () => {
    // The test copy grants 127.0.0.1 only; localhost is another origin.
    const port = new URL(harness.receiver.origin).port;
    const page = await harness.browser.context.newPage();
    await page.goto(`${harness.receiver.origin}/`);
    // Opened first: saving asks for the permission, and the prompt left open in this
    // headless browser keeps the popup from opening.
    const panel = await openPanelFromPopup(harness.browser, page);
    await addDestination(harness, { name: 'Not allowed', url: `http://localhost:${port}/upload` });
    await panel.locator('select[name=destination]').selectOption({ label: 'Not allowed' });
    const alert = panel.locator('[data-testid=access-missing]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(`http://localhost`);
    expect(await alert.locator('[data-testid=grant-access]').isVisible()).toBe(true);
    // No way to add images until access is granted: no row fails for it.
    expect(await panel.locator('[data-testid=file-input]').count()).toBe(0);
    expect(await panel.locator('[data-testid=item-row]').count()).toBe(0);
    expect(harness.receiver.uploads).toEqual([]);
  });

  it('options: Test destination shows status, excerpt and URL or the error; .sxcu import names what it drops', async () => {
    const options = await openOptions(harness);
    await fillDestinationEditor(options, {
      name: 'Nested',
      url: `${harness.receiver.origin}/upload/nested`,
      replyUrl: '{json:data.image.url}',
    });
    await options.locator('[data-testid=test-destination]').click();
    const result = options.locator('[data-testid=test-result]');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.locator('[data-testid=test-status]').textContent()).toBe('HTTP 200');
    const [testUpload] = harness.receiver.uploads;
    expect(testUpload?.filename).toBe('cadence-test.png');
    expect(await result.locator('[data-testid=test-url]').textContent()).toBe(testUpload?.url);
    expect(await result.locator('[data-testid=test-excerpt]').textContent()).toContain('"success":true');

    // Saving asks for the origin's permission in the click; the test copy has it already, so it is granted.
    await options.locator('[data-testid=save-destination]').click();
    await expect.poll(() => options.locator('[data-testid=save-state]').textContent()).toBe('Saved');
    expect(await options.locator('[data-testid=destination-row]').allTextContents()).toEqual([
      expect.stringContaining('Nested'),
    ]);

    await options.locator('input[name=replyUrl]').fill('{json:data.missing}');
    await options.locator('[data-testid=test-destination]').click();
    await expect.poll(() => result.getAttribute('data-ok')).toBe('false');
    expect(await result.locator('[data-testid=test-error]').textContent()).toBe('uploaded, but no URL in the reply');

    // A malformed template is named while typing, and blocks saving.
    await options.locator('input[name=replyUrl]').fill('{json:data.url');
    expect(await options.locator('[data-testid=destination-problems]').textContent()).toContain('is not closed');
    expect(await options.locator('[data-testid=save-destination]').isDisabled()).toBe(true);

    await options.locator('[data-testid=import-sxcu]').setInputFiles(path.join(FIXTURES, 'unsupported-parts.sxcu'));
    await expect.poll(() => options.locator('input[name=name]').inputValue()).toBe('Partly unsupported');
    expect(await options.locator('[data-testid=credentials-warning]').textContent()).toContain('header Cookie');
    expect(await options.locator('[data-testid=import-notes]').textContent()).toContain('{xml} is not supported');
    await options.locator('[data-testid=import-sxcu]').setInputFiles(path.join(FIXTURES, 'xml-body.sxcu'));
    expect(await options.locator('[data-testid=import-error]').textContent()).toBe(
      'Body "XML" is refused: XML request bodies are not supported',
    );
  });
});
