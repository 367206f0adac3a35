/**
 * One batch into a test site's own uploader, two ways: all at once as a
 * person drops it (Playwright's setInputFiles gives trusted events), or
 * through Cadence's "Upload here" at a pace. The receiver counts what
 * arrived, what was reset and what was lost. Shared by
 * tests/e2e/site-uploaders.test.ts and bench:sites.
 */
import type { Page } from 'playwright-core';
import type { ReceivedUpload, Receiver } from '../receiver';
import { type LaunchedBrowser, openPanelFromPopup } from './browser';
import type { SampleImageSpec } from './sample-images';
import type { SiteUploader } from './site-pages';

/** The file input a person's "choose files" reaches on each test site. */
export const SITE_FILE_INPUT: Record<SiteUploader, string> = {
  // Dropzone appends its hidden input to <body>, outside the drop zone.
  dropzone: 'input.dz-hidden-input',
  filepond: 'input.filepond--browser',
  uppy: 'input.uppy-Dashboard-input:not([webkitdirectory])',
  blueimp: '#fileupload',
};

/**
 * Runs in the site's page: true once its uploader says every file it holds
 * ended, uploaded or failed (read from the library's own state: a quiet
 * network alone is not enough, FilePond pauses seconds between groups).
 */
const SETTLED_IN_PAGE: Record<SiteUploader, string> = {
  dropzone: 'siteUploader.getQueuedFiles().length === 0 && siteUploader.getUploadingFiles().length === 0',
  // FilePond's FileStatus: 1 init, 7 loading, 9 queued, 3 processing: the others are ends.
  filepond: 'siteUploader.getFiles().every((file) => ![1, 7, 9, 3].includes(file.status))',
  uppy: 'siteUploader.getFiles().every((file) => file.progress.uploadComplete || file.error)',
  blueimp: `document.querySelectorAll('#files li').length >= Number(document.body.dataset.expected)`,
};

/** ~300-400 KB JPEGs (1000x750, grainy): big enough that the ingress cap keeps a library's uploads overlapping. */
export function sitePhotos(count: number): SampleImageSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `photo-${String(index + 1).padStart(2, '0')}.jpg`,
    type: 'image/jpeg' as const,
    width: 1000,
    height: 750,
    quality: 0.95,
    grain: 30,
    seed: index + 1,
  }));
}

export interface BatchOutcome {
  files: number;
  /** Files the receiver never stored. */
  lost: number;
  /** Upload connections the receiver reset. */
  resets: number;
  /** Upload requests of any kind. */
  requests: number;
  wallMs: number;
}

/** Counts the receiver's records since `fromRequest` for the given file names. */
export function countOutcome(
  receiver: Receiver,
  names: readonly string[],
  fromRequest: number,
  startedAt: number,
): BatchOutcome {
  const requests = receiver.requests.slice(fromRequest);
  const stored = new Set(
    receiver.uploads.filter((upload) => upload.index > fromRequest).map((upload) => upload.filename),
  );
  const lastEnd = Math.max(startedAt, ...requests.map((record) => record.endedAt ?? Date.now()));
  return {
    files: names.length,
    lost: names.filter((name) => !stored.has(name)).length,
    resets: requests.filter((record) => record.outcome === 'reset').length,
    requests: requests.length,
    wallMs: lastEnd - startedAt,
  };
}

/** Resolves once the receiver saw no upload request start or end for `quietMs` and none is open. */
export async function waitUntilQuiet(receiver: Receiver, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const marker = receiver.requests.length * 1000 + receiver.requests.filter((record) => record.endedAt).length;
    if (marker !== seen) {
      seen = marker;
      quietSince = Date.now();
    } else if (receiver.active() === 0 && Date.now() - quietSince >= quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`uploads still going after ${timeoutMs} ms`);
}

/**
 * Opens the site and picks every file at once in its uploader's file input,
 * as a person would. `parallel`: the uploads the library runs at once, or
 * 'default' for the library's own default.
 */
export async function dropDirectly(
  page: Page,
  receiver: Receiver,
  uploader: SiteUploader,
  filePaths: readonly string[],
  names: readonly string[],
  {
    parallel = 6 as number | 'default',
    quietMs = 1000,
    timeoutMs = 120_000,
  }: { parallel?: number | 'default'; quietMs?: number; timeoutMs?: number } = {},
): Promise<BatchOutcome> {
  await page.goto(`${receiver.origin}/sites/${uploader}.html${parallel === 'default' ? '' : `?parallel=${parallel}`}`);
  await page.waitForFunction(() => 'siteUploader' in window || document.querySelector('.fileinput-button'));
  const fromRequest = receiver.requests.length;
  const startedAt = Date.now();
  await page.evaluate((count) => {
    document.body.dataset.expected = String(count);
  }, filePaths.length);
  await page.locator(SITE_FILE_INPUT[uploader]).setInputFiles([...filePaths]);
  // Some libraries read the files first (FilePond takes ~10 s for 30 photos).
  const firstDeadline = Date.now() + 45_000;
  while (receiver.requests.length === fromRequest && Date.now() < firstDeadline) await page.waitForTimeout(100);
  await page.waitForFunction(SETTLED_IN_PAGE[uploader], undefined, { timeout: timeoutMs, polling: 250 });
  await waitUntilQuiet(receiver, quietMs, timeoutMs);
  return countOutcome(receiver, names, fromRequest, startedAt);
}

/** A row of Cadence's panel once the batch settled. */
export interface PanelRow {
  name: string;
  status: string;
  link: string;
  /** The row's failure as shown (its problem's name, or the error text); '' when none. */
  error: string;
}

/** Opens the site on a fresh tab, then the panel on it through the popup, with the site's uploader chosen and the pace set. */
export async function openPanelOnSite(
  launched: LaunchedBrowser,
  receiver: Receiver,
  uploader: SiteUploader,
  { parallel = 6, delaySeconds = 0.3 } = {},
) {
  const page = await launched.context.newPage();
  await page.goto(`${receiver.origin}/sites/${uploader}.html?parallel=${parallel}`);
  await page.waitForFunction(() => 'siteUploader' in window || document.querySelector('.fileinput-button'));
  const panel = await openPanelFromPopup(launched, page);
  // Nothing else is configured, so the page's uploader is offered and chosen.
  await panel.locator('[data-testid=page-uploader-note]').waitFor();
  await panel.locator('input[name=delay]').fill(String(delaySeconds));
  return { page, panel };
}

/**
 * Hands the batch to the site's uploader through the panel ("Upload here",
 * the page's uploader chosen, sequential with a short pause) and waits until
 * every row is done or failed.
 */
export async function handOverThroughCadence(
  launched: LaunchedBrowser,
  receiver: Receiver,
  uploader: SiteUploader,
  filePaths: readonly string[],
  names: readonly string[],
  { timeoutMs = 420_000 } = {},
): Promise<BatchOutcome & { rows: PanelRow[]; uploads: ReceivedUpload[] }> {
  const { page, panel } = await openPanelOnSite(launched, receiver, uploader);
  const fromRequest = receiver.requests.length;
  const startedAt = Date.now();
  await panel.locator('[data-testid=file-input]').setInputFiles([...filePaths]);
  const rowsLocator = panel.locator('[data-testid=item-row]');
  const readRows = () =>
    rowsLocator.evaluateAll((all) =>
      all.map((row) => ({
        name: row.querySelector('.item-name')?.textContent ?? '',
        status: row.getAttribute('data-status') ?? '',
        link: row.querySelector('[data-testid=result-link]')?.getAttribute('href') ?? '',
        error: row.querySelector('[data-testid=item-error]')?.textContent ?? '',
      })),
    );
  const deadline = Date.now() + timeoutMs;
  let rows = await readRows();
  while (rows.length < names.length || rows.some((row) => row.status !== 'done' && row.status !== 'failed')) {
    if (Date.now() > deadline)
      throw new Error(`${uploader}: rows not settled in ${timeoutMs} ms: ${JSON.stringify(rows)}`);
    await page.waitForTimeout(500);
    rows = await readRows();
  }
  return {
    ...countOutcome(receiver, names, fromRequest, startedAt),
    rows,
    uploads: receiver.uploads.filter((upload) => upload.index > fromRequest),
  };
}
