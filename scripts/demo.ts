/**
 * The main job, end to end, in one command:
 *
 *   npm run demo -- [--images DIR] [--delay SECONDS] [--headed] [--out DIR] [--no-build]
 *
 * Builds the extension, starts the local receiver, launches Chromium with the
 * extension, opens a page, opens the panel through the toolbar popup as a user
 * does, adds images, and prints one line per item the moment the panel shows
 * it finished. Writes screenshots of the panel and the popup. Exits 0 when
 * every image was uploaded, 1 otherwise.
 */
import { execFileSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Frame } from 'playwright-core';
import { addDestinationInOptions, launchWithExtension, openPanelFromPopup, withPopup } from './lib/browser';
import { generateSampleImages } from './lib/sample-images';
import { startReceiver } from './receiver';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.avif', '.bmp']);
const FINISHED = new Set(['done', 'failed', 'error']);

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    delay: { type: 'string', default: '2' },
    headed: { type: 'boolean', default: false },
    out: { type: 'string', default: 'demo-output' },
    'no-build': { type: 'boolean', default: false },
  },
});
const outDir = path.resolve(values.out ?? 'demo-output');
const delaySeconds = Number(values.delay);
if (!Number.isFinite(delaySeconds) || delaySeconds < 0) throw new Error(`--delay must be seconds, got ${values.delay}`);

if (!values['no-build']) {
  console.log('Building the extension (wxt build)...');
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const receiver = await startReceiver({ dir: path.join(outDir, 'received') });
const launched = await launchWithExtension({ headless: !values.headed });
let exitCode = 1;
try {
  const page = await launched.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${receiver.origin}/`);
  const files = values.images
    ? await listImages(path.resolve(values.images))
    : await generateSampleImages(page, path.join(outDir, 'samples'));
  if (files.length === 0) throw new Error(`No images in ${values.images}`);
  console.log(`Receiver at ${receiver.uploadUrl}; ${files.length} images; ${delaySeconds} s between uploads.`);

  // The destination is set up in the options page, as a user does.
  await addDestinationInOptions(launched, 'Local receiver', receiver.uploadUrl);

  const panel = await openPanelFromPopup(launched, page);
  await panel.locator('select[name=destination]').selectOption({ label: 'Local receiver' });
  await panel.locator('input[name=delay]').fill(String(delaySeconds));
  const frame = page.frames().find((candidate) => candidate.url().endsWith('/panel.html')) as Frame;
  await frame.waitForFunction(
    async (delayMs) => ((await chrome.storage.local.get('pacing')).pacing as { delayMs?: number })?.delayMs === delayMs,
    Math.round(delaySeconds * 1000),
  );
  await panel.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
  const startedAt = Date.now();
  await panel.locator('[data-testid=file-input]').setInputFiles(files);

  const printed = new Set<string>();
  const deadline = Date.now() + files.length * (delaySeconds * 1000 + 60_000);
  let rows: PanelRowView[] = [];
  while (Date.now() < deadline) {
    rows = await readRows(frame);
    for (const row of rows) {
      if (!FINISHED.has(row.status) || printed.has(row.id)) continue;
      printed.add(row.id);
      console.log(describeRow(row, startedAt));
    }
    if (rows.length === files.length && rows.every((row) => FINISHED.has(row.status))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  await page.screenshot({ path: path.join(outDir, 'panel.png') });
  await withPopup(launched, (popup) => popup.screenshot({ path: path.join(outDir, 'popup.png') }));
  const done = rows.filter((row) => row.status === 'done');
  const original = done.reduce((sum, row) => sum + row.originalSize, 0);
  const sent = done.reduce((sum, row) => sum + row.size, 0);
  console.log(
    `${done.length} of ${files.length} uploaded in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ` +
      `${(original / 1e6).toFixed(2)} MB -> ${(sent / 1e6).toFixed(2)} MB. ` +
      `Screenshots: ${path.join(outDir, 'panel.png')}, ${path.join(outDir, 'popup.png')}. Received files: ${receiver.dir}`,
  );
  exitCode = done.length === files.length ? 0 : 1;
} finally {
  await launched.close({ removeProfile: true });
  await receiver.close();
}
process.exit(exitCode);

interface PanelRowView {
  id: string;
  name: string;
  status: string;
  originalSize: number;
  size: number;
  startedAt: number;
  finishedAt: number;
  detail: string;
}

async function readRows(frame: Frame): Promise<PanelRowView[]> {
  return frame.$$eval('[data-testid=item-row]', (elements) =>
    elements.map((element) => ({
      id: element.getAttribute('data-item-id') ?? '',
      name: element.querySelector('.item-name')?.textContent ?? '',
      status: element.getAttribute('data-status') ?? '',
      originalSize: Number(element.getAttribute('data-original-size')),
      size: Number(element.getAttribute('data-size')),
      startedAt: Number(element.getAttribute('data-started-at')),
      finishedAt: Number(element.getAttribute('data-finished-at')),
      detail:
        (element.querySelector('[data-testid=item-error]')?.textContent ??
          element.querySelector('.http-status')?.textContent) ||
        '',
    })),
  );
}

function describeRow(row: PanelRowView, batchStart: number): string {
  const start = row.startedAt ? `start +${((row.startedAt - batchStart) / 1000).toFixed(1)} s` : 'not started';
  const took = row.startedAt && row.finishedAt ? `${row.finishedAt - row.startedAt} ms` : '-';
  const sizes = row.size
    ? `${row.originalSize} -> ${row.size} B (${Math.round((1 - row.size / row.originalSize) * 100)}% smaller)`
    : `${row.originalSize} B`;
  return `${row.status.toUpperCase().padEnd(6)} ${row.name}  ${sizes}  ${start}  took ${took}  ${row.detail}`;
}

async function listImages(dir: string): Promise<string[]> {
  const entries = (await readdir(dir)).sort();
  const images: string[] = [];
  for (const entry of entries) {
    const file = path.join(dir, entry);
    if (!(await stat(file)).isFile()) continue;
    if (IMAGE_EXTENSIONS.has(path.extname(entry).toLowerCase())) images.push(file);
    else console.log(`skipped (not an image by its extension): ${entry}`);
  }
  return images;
}
