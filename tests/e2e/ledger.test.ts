import type { FrameLocator, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchWithExtension, openPanelFromPopup } from '../../scripts/lib/browser';
import {
  type DestinationForm,
  type Harness,
  makeSamples,
  openConfiguredPanel,
  openOptions,
  smallPhotos,
  startHarness,
} from './harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A host whose reply names the image, its thumbnail and its deletion link (the receiver's /upload/nested). */
function nestedHost(harness: Harness, fileNameTemplate?: string): DestinationForm {
  return {
    name: 'Nested host',
    url: `${harness.receiver.origin}/upload/nested`,
    replyUrl: '{json:data.image.url}',
    replyThumbnailUrl: '{json:data.thumb.url}',
    replyDeletionUrl: '{json:data.delete_url}',
    fileNameTemplate,
  };
}

const row = (panel: FrameLocator, index: number) => panel.locator('[data-testid=item-row]').nth(index);

async function waitForStatus(panel: FrameLocator, index: number, status: string): Promise<void> {
  await row(panel, index)
    .and(panel.locator(`[data-status="${status}"]`))
    .waitFor({ timeout: 30_000 });
}

/** The options page's history, with every confirm() answered yes (a person clicking OK). */
async function openHistory(harness: Harness): Promise<Page> {
  const options = await openOptions(harness);
  options.on('dialog', (dialog) => void dialog.accept());
  await options.locator('[data-testid=upload-history]').waitFor();
  return options;
}

describe('never the same image twice (the ledger)', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('a duplicate shows Already uploaded and is not sent; Send again anyway sends it under a new name; the history lists, searches, deletes from the host and clears', async () => {
    const [sample] = await makeSamples(harness, smallPhotos(1, 'beach'));
    if (!sample) throw new Error('no sample');
    const { panel } = await openConfiguredPanel(harness, 0.3, nestedHost(harness, '{name}-{counter}'));

    await panel.locator('[data-testid=file-input]').setInputFiles([sample.path]);
    await harness.receiver.waitForUploads(1);
    await waitForStatus(panel, 0, 'done');
    const firstUrl = await row(panel, 0).locator('[data-testid=result-link]').getAttribute('href');

    // The same file again: answered from the ledger, with the first upload's link.
    await panel.locator('[data-testid=file-input]').setInputFiles([sample.path]);
    await waitForStatus(panel, 1, 'already-uploaded');
    await expect(row(panel, 1).locator('[data-testid=already-uploaded]').getAttribute('data-by')).resolves.toBe(
      'original',
    );
    expect(await row(panel, 1).locator('[data-testid=result-link]').getAttribute('href')).toBe(firstUrl);
    // Several paces later, the receiver still has one upload.
    await sleep(1_500);
    expect(harness.receiver.requests).toHaveLength(1);

    await row(panel, 1).locator('[data-testid=send-again]').click();
    await harness.receiver.waitForUploads(2);
    await waitForStatus(panel, 1, 'done');
    const [first, second] = harness.receiver.uploads;
    expect(second?.sha256).toBe(first?.sha256);
    // {counter}: a host that refuses a name it already has gets another one.
    expect(first?.filename).toMatch(/^beach-01-1\.\w+$/);
    expect(second?.filename).toMatch(/^beach-01-2\.\w+$/);

    const options = await openHistory(harness);
    const entries = options.locator('[data-testid=history-entry]');
    await expect.poll(() => entries.count()).toBe(2);
    expect(await entries.locator('[data-testid=history-name]').allTextContents()).toEqual([
      second?.filename,
      first?.filename,
    ]);
    expect(await entries.nth(1).locator('[data-testid=history-link]').getAttribute('href')).toBe(firstUrl);
    await options.locator('[data-testid=history-search]').fill('nothing-like-this');
    await expect.poll(() => entries.count()).toBe(0);
    await options.locator('[data-testid=history-search]').fill('beach-01-1');
    await expect.poll(() => entries.count()).toBe(1);

    // Delete from host: the background opens the deletion URL the host gave; the host removes the file.
    await entries.first().locator('[data-testid=delete-from-host]').click();
    await options.locator('[data-testid=history-notice]').waitFor();
    expect(harness.receiver.deleted).toEqual([first?.savedAs]);
    expect(harness.receiver.hits).toContain(`GET /delete/${encodeURIComponent(first?.savedAs ?? '')}`);
    await expect.poll(() => entries.count()).toBe(0);
    await options.locator('[data-testid=history-search]').fill('');
    await expect.poll(() => entries.count()).toBe(1);

    await options.locator('[data-testid=history-clear]').click();
    await expect.poll(() => entries.count()).toBe(0);
    expect(harness.receiver.requests).toHaveLength(2);
  }, 120_000);

  it('the ledger survives a browser restart: the history still lists the upload, and the same image is not sent again', async () => {
    const [sample] = await makeSamples(harness, smallPhotos(1, 'receipt'));
    if (!sample) throw new Error('no sample');
    const { panel } = await openConfiguredPanel(harness, 0.3, nestedHost(harness));
    await panel.locator('[data-testid=file-input]').setInputFiles([sample.path]);
    await harness.receiver.waitForUploads(1);
    await waitForStatus(panel, 0, 'done');
    await harness.browser.close();

    // Only open the browser again.
    harness.browser = await launchWithExtension({
      userDataDir: harness.browser.userDataDir,
      extensionDir: harness.browser.extensionDir,
    });
    const options = await openHistory(harness);
    const entries = options.locator('[data-testid=history-entry]');
    await expect.poll(() => entries.count()).toBe(1);
    expect(await entries.locator('[data-testid=history-name]').textContent()).toBe(
      harness.receiver.uploads[0]?.filename,
    );
    await options.close();

    const page = await harness.browser.context.newPage();
    await page.goto(`${harness.receiver.origin}/`);
    const reopened = await openPanelFromPopup(harness.browser, page);
    await reopened.locator('[data-testid=file-input]').setInputFiles([sample.path]);
    const duplicate = reopened.locator('[data-testid=item-row][data-status="already-uploaded"]');
    await duplicate.waitFor({ timeout: 30_000 });
    await sleep(1_000);
    expect(harness.receiver.requests).toHaveLength(1);
  }, 180_000);
});
