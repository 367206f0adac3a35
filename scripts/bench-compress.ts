/**
 * npm run bench:compress -- --images DIR [--runs N] [--no-build] [--only TEXT] [--full-sweep]
 *
 * Builds the extension with its benchmark page (`wxt build --mode bench`),
 * opens chrome-extension://<id>/bench.html in headless Chromium, and measures
 * every image in DIR with Cadence's Large preset, browser-image-compression
 * (defaults plus the same longest side and cap), the native floor (one
 * resize, one JPEG encode at 0.8) and MozJPEG at 0.8 after the same resize;
 * then the oracle: per image, the smallest output meeting Large's SSIM target
 * on the quality grid 0.30-0.98 (step 0.02) with each encoder Large may use
 * (bisected; `--full-sweep` walks the whole grid). Prints a row per image and
 * contender, a summary, and whether the Large preset meets its targets.
 * Exits 1 when a target is missed. `--only TEXT` keeps the images whose name
 * contains TEXT (for development; the targets are for the whole corpus).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { ContenderName, ImageMeasurement, OracleResult } from '../entrypoints/bench/main';
import { formatBytes } from '../utils/format';
import { median } from '../utils/stats';
import {
  addDestinationInOptions,
  type LaunchedBrowser,
  launchWithExtension,
  openPanelFromPopup,
  prepareExtensionCopy,
} from './lib/browser';
import { startReceiver } from './receiver';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    runs: { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
    headed: { type: 'boolean', default: false },
    only: { type: 'string' },
    'full-sweep': { type: 'boolean', default: false },
  },
});
if (!values.images) {
  console.error('usage: npm run bench:compress -- --images DIR [--runs N] [--no-build] [--headed]');
  process.exit(2);
}
const imagesDir = path.resolve(values.images);
const runs = Math.max(1, Number(values.runs));
const root = path.resolve(import.meta.dirname, '..');
const benchBuild = path.join(root, '.output/chrome-mv3-bench');

if (!existsSync(imagesDir)) {
  console.error(`no folder ${imagesDir}`);
  process.exit(2);
}
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|avif|bmp)$/i;
const files = (await readdir(imagesDir))
  .filter(
    (name) =>
      IMAGE_EXTENSIONS.test(name) && (!values.only || values.only.split(',').some((part) => name.includes(part))),
  )
  .sort()
  .map((name) => path.join(imagesDir, name));
if (files.length === 0) {
  console.error(`no images in ${imagesDir}`);
  process.exit(2);
}

if (!values['no-build']) {
  execFileSync('npx', ['wxt', 'build', '--mode', 'bench'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
// A copy with loopback access, so the panel path below can run on the local receiver's page.
const extensionCopy = await prepareExtensionCopy(benchBuild);
const browser = await launchWithExtension({ extensionDir: extensionCopy, headless: !values.headed });
const CONTENDERS: Record<ContenderName, string> = {
  cadence: 'Cadence Large',
  bic: 'browser-image-compression',
  floor: 'native floor',
  mozjpeg: 'MozJPEG 0.8',
};

try {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/bench.html`);
  await page.locator('#images').setInputFiles(files);
  const chromium = browser.context.browser()?.version() ?? 'Chromium';
  console.log(`${files.length} images from ${imagesDir}, ${runs} run(s) each, median time; Chromium ${chromium}\n`);
  const { maxBytes, ssimTarget } = await page.evaluate(() => {
    const bench = (window as unknown as BenchWindow).cadenceBench;
    return { maxBytes: bench.maxBytes, ssimTarget: bench.ssimTarget };
  });
  const fullSweep = values['full-sweep'];

  const header = ['image', 'original', 'contender', 'output', 'size', 'ms', 'SSIM', 'cap', 'note'];
  const rows: string[][] = [];
  const measurements: ImageMeasurement[] = [];
  for (const [index] of files.entries()) {
    const measured = await page.evaluate(
      ([index, runs]) => (window as unknown as BenchWindow).cadenceBench.measure(index, runs),
      [index, runs] as const,
    );
    measurements.push(measured);
    for (const name of Object.keys(CONTENDERS) as ContenderName[]) {
      const result = measured.results[name];
      const row = [
        measured.name,
        `${formatBytes(measured.bytes)} ${measured.width}×${measured.height}`,
        CONTENDERS[name],
        `${result.type.replace('image/', '')} ${formatBytes(result.bytes)}`,
        `${result.width}×${result.height}`,
        result.ms.toFixed(0),
        result.ssim.toFixed(3),
        result.bytes <= maxBytes ? 'ok' : 'OVER',
        [
          result.note,
          result.search &&
            `q ${result.search.quality.toFixed(2)}, estimate ${result.search.estimate.toFixed(3)}, ${result.search.encodes} probes${result.search.capped ? ', capped' : ''}`,
        ]
          .filter(Boolean)
          .join('; '),
      ];
      rows.push(row);
      console.error(row.join('  '));
    }
    const oracle = await page.evaluate(
      ([index, fullSweep]) => (window as unknown as BenchWindow).cadenceBench.oracle(index, fullSweep),
      [index, fullSweep] as const,
    );
    measured.oracle = oracle;
    const cadence = measured.results.cadence;
    const row = [
      measured.name,
      `${formatBytes(measured.bytes)} ${measured.width}×${measured.height}`,
      'oracle',
      `${oracle.type.replace('image/', '')} ${formatBytes(oracle.bytes)}`,
      `${cadence.width}×${cadence.height}`,
      '',
      oracle.ssim.toFixed(3),
      oracle.bytes <= maxBytes ? 'ok' : 'OVER',
      `${oracle.encoder} q ${oracle.quality.toFixed(2)}, ${oracle.encodes} encodes`,
    ];
    rows.push(row);
    console.error(row.join('  '));
  }

  console.log(markdownTable(header, rows));
  const originalBytes = measurements.reduce((total, image) => total + image.bytes, 0);
  const summary = (Object.keys(CONTENDERS) as ContenderName[]).map((name) => {
    const results = measurements.map((image) => image.results[name]);
    const bytes = results.reduce((total, result) => total + result.bytes, 0);
    return {
      name,
      medianMs: median(results.map((result) => result.ms)),
      bytes,
      share: bytes / originalBytes,
      meanSsim: results.reduce((total, result) => total + result.ssim, 0) / results.length,
      withinCap: results.filter((result) => result.bytes <= maxBytes).length,
    };
  });
  console.log(
    `\n${markdownTable(
      ['contender', 'median ms', 'total bytes', 'of originals', 'mean SSIM', 'within cap'],
      summary.map((row) => [
        CONTENDERS[row.name],
        row.medianMs.toFixed(0),
        formatBytes(row.bytes),
        `${(row.share * 100).toFixed(1)}%`,
        row.meanSsim.toFixed(3),
        `${row.withinCap}/${measurements.length}`,
      ]),
    )}`,
  );
  const oracles = measurements.map((image) => image.oracle as OracleResult);
  const oracleBytes = oracles.reduce((total, result) => total + result.bytes, 0);
  console.log(
    `oracle (not timed): total ${formatBytes(oracleBytes)}, ${((oracleBytes / originalBytes) * 100).toFixed(1)}% of originals, mean SSIM ${(oracles.reduce((total, result) => total + result.ssim, 0) / oracles.length).toFixed(3)}`,
  );
  console.log(`\noriginals: ${formatBytes(originalBytes)}`);

  const cadence = summary.find((row) => row.name === 'cadence') as (typeof summary)[number];
  const floor = summary.find((row) => row.name === 'floor') as (typeof summary)[number];
  const cadenceResults = measurements.map((image) => image.results.cadence);
  const lowest = Math.min(...cadenceResults.map((result) => result.ssim));
  const tracking = cadenceResults
    .filter((result) => result.search && !result.search.capped)
    .map((result) => Math.abs((result.search?.estimate ?? 0) - result.ssim));
  if (tracking.length > 0) {
    console.log(
      `tile estimate vs full-resolution SSIM at the searched quality (outputs the cap did not lower): mean |difference| ${(tracking.reduce((a, b) => a + b, 0) / tracking.length).toFixed(4)}, largest ${Math.max(...tracking).toFixed(4)}`,
    );
  }
  const targets = [
    [`every output within its cap`, cadence.withinCap === measurements.length],
    [`every image's SSIM >= 0.95 (lowest ${lowest.toFixed(3)})`, lowest >= 0.95],
    [`mean SSIM >= ${ssimTarget} (${cadence.meanSsim.toFixed(3)})`, cadence.meanSsim >= ssimTarget],
    [`total bytes <= 6.2% of the originals (${(cadence.share * 100).toFixed(1)}%)`, cadence.share <= 0.062],
    [
      `total bytes <= 1.05x the oracle's (${(cadence.bytes / oracleBytes).toFixed(3)}x)`,
      cadence.bytes <= 1.05 * oracleBytes,
    ],
    [
      `median time <= 3x the native floor (${(cadence.medianMs / floor.medianMs).toFixed(2)}x)`,
      cadence.medianMs <= 3 * floor.medianMs,
    ],
  ] as const;
  const panelPath = await measurePanelPath(browser, files);
  const pageTimes = measurements.map((image) => image.results.cadence.ms);
  console.log(
    `\n${markdownTable(
      ['image', 'panel ms', 'bench page ms', 'panel / page'],
      measurements.map((image, index) => [
        image.name,
        (panelPath[index] ?? 0).toFixed(0),
        image.results.cadence.ms.toFixed(0),
        ((panelPath[index] ?? 0) / image.results.cadence.ms).toFixed(2),
      ]),
    )}`,
  );
  console.log(
    `panel path (a row's "Compressing" to ready in the real panel, one image at a time): median ${median(panelPath).toFixed(0)} ms, ${(median(panelPath) / median(pageTimes)).toFixed(2)}x the bench page's Cadence, ${(median(panelPath) / floor.medianMs).toFixed(2)}x the native floor (measured, not a target)`,
  );
  console.log('\nLarge preset targets:');
  for (const [text, met] of targets) console.log(`  ${met ? 'met   ' : 'MISSED'} ${text}`);
  process.exitCode = targets.every(([, met]) => met) ? 0 : 1;
} finally {
  await browser.close({ removeProfile: true });
  await rm(extensionCopy, { recursive: true, force: true });
}

/**
 * Where the user waits: each image added alone to the real panel (Large,
 * a destination on the local receiver), timed inside the panel from its row
 * appearing as "Compressing" to the row leaving that state, as drawn.
 */
async function measurePanelPath(launched: LaunchedBrowser, images: string[]): Promise<number[]> {
  const receiverDir = await mkdtemp(path.join(os.tmpdir(), 'cadence-bench-receiver-'));
  const receiver = await startReceiver({ dir: receiverDir });
  try {
    await addDestinationInOptions(launched, 'Bench receiver', receiver.uploadUrl);
    const page: Page = await launched.context.newPage();
    await page.goto(`${receiver.origin}/`);
    const panel = await openPanelFromPopup(launched, page);
    await panel.locator('select[name=destination]').selectOption({ label: 'Bench receiver' });
    await panel.locator('select[name=preset]').selectOption('large');
    const frame = page.frames().find((candidate) => candidate.url().endsWith('/panel.html'));
    if (!frame) throw new Error('panel frame not found');
    // One inline callback (no named functions: tsx would wrap them in a helper the page lacks).
    await frame.evaluate(() => {
      const rows: { start: number; ready?: number }[] = [];
      const seen = new Map<Element, { start: number; ready?: number }>();
      (window as unknown as { benchRows: typeof rows }).benchRows = rows;
      new MutationObserver(() => {
        for (const row of document.querySelectorAll('[data-testid=item-row]')) {
          const status = row.getAttribute('data-status');
          let entry = seen.get(row);
          if (!entry && status === 'compressing') {
            entry = { start: performance.now() };
            seen.set(row, entry);
            rows.push(entry);
          }
          if (entry && entry.ready === undefined && status !== 'compressing') entry.ready = performance.now();
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const times: number[] = [];
    for (const [index, image] of images.entries()) {
      await panel.locator('[data-testid=file-input]').setInputFiles([image]);
      const handle = await frame.waitForFunction(
        (count) => {
          const rows = (window as unknown as { benchRows: { start: number; ready?: number }[] }).benchRows;
          const row = rows[count - 1];
          return row?.ready !== undefined ? row.ready - row.start : false;
        },
        index + 1,
        { timeout: 180_000, polling: 50 },
      );
      times.push((await handle.jsonValue()) as number);
    }
    await page.close();
    return times;
  } finally {
    await receiver.close();
    await rm(receiverDir, { recursive: true, force: true });
  }
}

interface BenchWindow {
  cadenceBench: {
    measure(index: number, runs: number): Promise<ImageMeasurement>;
    oracle(index: number, fullSweep: boolean): Promise<OracleResult>;
    maxBytes: number;
    ssimTarget: number;
  };
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
