/**
 * The pacing benchmark: one batch, one fragile receiver (connections reset
 * beyond 2 concurrent uploads, ingress capped), several ways of sending it,
 * side by side.
 *
 *   npm run bench:pacing -- [--quick] [--images DIR] [--ingress BYTES_PER_SECOND] [--no-build] [--timeline]
 *
 * --timeline prints each request (start, end, outcome, bytes) of each run.
 *
 * (a) the habit Cadence replaces: every item at once, each retried quickly
 *     (3 tries, 0/1/2 s apart), from Node's fetch; once with the original
 *     files, once with the compressed files Cadence sent;
 * (b) Cadence sequential (20 s) and staggered (20 s, at most 2 at once);
 * (c) Cadence adaptive (at most 2 at once).
 * (b) and (c) run through the built extension in Chromium: the panel
 * compresses the images and the service worker uploads them. The batch is
 * handed over while the queue is paused and timed from "Resume", so the
 * time to compress is not counted against the pace.
 *
 * Columns: connections reset by the receiver; items that never arrived;
 * body bytes the receiver read (retries included); wall time from the first
 * start to the last reply; wall time over its floor: the bytes of one copy of
 * each file over the ingress cap for (a) and (c); the configured pacing plus
 * the uploads it waits for, at the cap, for (b).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Frame, FrameLocator } from 'playwright-core';
import type { PaceMode } from '../utils/pacing/pace';
import { addDestinationInOptions, launchWithExtension, openPanelFromPopup } from './lib/browser';
import { generateSampleImages } from './lib/sample-images';
import { type Receiver, startReceiver } from './receiver';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.avif', '.bmp']);
const FRAGILE = { resetBeyond: 2 } as const;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    images: { type: 'string' },
    ingress: { type: 'string', default: '250000' },
    'no-build': { type: 'boolean', default: false },
    timeline: { type: 'boolean', default: false },
  },
});
const ingress = Number(values.ingress);
if (!Number.isFinite(ingress) || ingress <= 0)
  throw new Error(`--ingress must be bytes per second, got ${values.ingress}`);
/** The founding note's 20 s; --quick uses 2 s for a smoke run. */
const paceMs = values.quick ? 2_000 : 20_000;
const CONCURRENCY = 2;

interface Row {
  strategy: string;
  items: number;
  resets: number;
  failed: number;
  bytesSent: number;
  wallMs: number;
  floorMs: number;
  floorKind: string;
}

interface BatchFile {
  name: string;
  path: string;
  size: number;
}

const scratch = await mkdtemp(path.join(os.tmpdir(), 'cadence-bench-'));
try {
  if (!values['no-build']) {
    console.log('Building the extension (wxt build)...');
    execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const originals = await chooseBatch();
  const originalBytes = sum(originals.map((file) => file.size));
  console.log(
    `${originals.length} images, ${mb(originalBytes)} MB; receiver resets beyond ${FRAGILE.resetBeyond} concurrent uploads, ` +
      `ingress capped at ${(ingress / 1000).toFixed(0)} KB/s; pace ${paceMs / 1000} s${values.quick ? ' (--quick)' : ''}.`,
  );

  const rows: Row[] = [];
  const sequential = await runCadence('sequential', originals);
  rows.push(sequential.row);
  console.log(formatRow(sequential.row));
  for (const mode of ['staggered', 'adaptive'] as const) {
    const { row } = await runCadence(mode, originals);
    rows.push(row);
    console.log(formatRow(row));
  }
  for (const [label, files] of [
    ['habit: parallel + retry, originals', originals],
    ['habit: parallel + retry, compressed', sequential.compressed],
  ] as const) {
    const row = await runHabit(label, files);
    rows.push(row);
    console.log(formatRow(row));
  }

  console.log(`\n${formatTable(rows)}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}

async function chooseBatch(): Promise<BatchFile[]> {
  const here = path.resolve(import.meta.dirname, '..');
  const candidates = values.images
    ? [path.resolve(values.images)]
    : [path.resolve(here, '../shared/corpus'), path.resolve(here, '../../shared/corpus')];
  const dir = candidates.find((candidate) => existsSync(candidate));
  if (dir) {
    const files: BatchFile[] = [];
    for (const entry of (await readdir(dir)).sort()) {
      if (!IMAGE_EXTENSIONS.has(path.extname(entry).toLowerCase())) continue;
      const file = path.join(dir, entry);
      files.push({ name: entry, path: file, size: (await stat(file)).size });
    }
    console.log(`Batch: ${dir}`);
    return files;
  }
  if (values.images) throw new Error(`No images in ${values.images}`);
  // No corpus: generate 3-5 MB photos in a browser.
  const launched = await launchWithExtension();
  try {
    const page = await launched.context.newPage();
    const specs = Array.from({ length: 10 }, (_, index) => ({
      name: `generated-${index + 1}.jpg`,
      type: 'image/jpeg' as const,
      width: 3000 + 100 * index,
      height: 2000,
      quality: 0.97,
      grain: 40,
      seed: index + 1,
    }));
    const paths = await generateSampleImages(page, path.join(scratch, 'generated'), specs);
    console.log('Batch: generated (no corpus found)');
    return Promise.all(
      paths.map(async (file) => ({ name: path.basename(file), path: file, size: (await stat(file)).size })),
    );
  } finally {
    await launched.close({ removeProfile: true });
  }
}

/** One Cadence run through the built extension; also returns the compressed files it sent. */
async function runCadence(mode: PaceMode, files: BatchFile[]): Promise<{ row: Row; compressed: BatchFile[] }> {
  const receiver = await startReceiver({
    dir: path.join(scratch, `received-${mode}`),
    faults: { ...FRAGILE, ingressBytesPerSecond: ingress },
  });
  const launched = await launchWithExtension();
  try {
    await addDestinationInOptions(launched, 'Fragile receiver', receiver.uploadUrl);
    const page = await launched.context.newPage();
    await page.goto(`${receiver.origin}/`);
    const panel = await openPanelFromPopup(launched, page);
    const frame = page.frames().find((candidate) => candidate.url().endsWith('/panel.html')) as Frame;
    await panel.locator('select[name=destination]').selectOption({ label: 'Fragile receiver' });
    await panel.locator('input[name=delay]').fill(String(paceMs / 1000));
    await panel.locator('select[name=mode]').selectOption(mode);
    if (mode !== 'sequential') await panel.locator('input[name=concurrency]').fill(String(CONCURRENCY));
    await frame.waitForFunction(
      async ([url, delayMs, wantedMode]) => {
        const stored = await chrome.storage.local.get(['destinations', 'activeDestinationId', 'pacing']);
        const active = (stored.destinations as { id: string; url: string }[] | undefined)?.find(
          (candidate) => candidate.id === stored.activeDestinationId,
        );
        return (
          active?.url === url &&
          (stored.pacing as { delayMs?: number } | undefined)?.delayMs === delayMs &&
          (stored.pacing as { mode?: string } | undefined)?.mode === wantedMode
        );
      },
      [receiver.uploadUrl, paceMs, mode] as const,
    );
    // Hand the whole batch over while paused, then time from Resume.
    await panel.locator('[data-testid=pause]').click();
    await panel.locator('[data-testid=file-input]').setInputFiles(files.map((file) => file.path));
    await waitForRows(panel, files.length, ['queued', 'error'], 10 * 60_000);
    const sizes = await panel
      .locator('[data-testid=item-row][data-status=queued]')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-size'))));
    const resumedAt = Date.now();
    await panel.locator('[data-testid=resume]').click();
    await waitForRows(panel, files.length, ['done', 'failed', 'error', 'cancelled'], 60 * 60_000);
    const failed = await panel.locator('[data-status=failed], [data-status=error]').count();
    const compressed = await Promise.all(
      receiver.uploads.map(async (upload) => ({
        name: upload.filename,
        path: path.join(receiver.dir, upload.savedAs),
        size: (await stat(path.join(receiver.dir, upload.savedAs))).size,
      })),
    );
    const bytes = sum(sizes);
    const uploadMs = sizes.map((size) => (size / ingress) * 1000);
    // Sequential waits for every upload plus the pauses; staggered starts the
    // last item (n-1) intervals in (or later when the cap holds it: not at this
    // pace) and waits for its upload. Adaptive has no configured pace: bandwidth.
    const floorMs =
      mode === 'sequential'
        ? sum(uploadMs) + (sizes.length - 1) * paceMs
        : mode === 'staggered'
          ? (sizes.length - 1) * paceMs + (uploadMs.at(-1) ?? 0)
          : (bytes / ingress) * 1000;
    return {
      row: {
        strategy: `Cadence ${mode}${mode === 'adaptive' ? '' : ` ${paceMs / 1000} s`}`,
        items: files.length,
        ...receiverCounts(receiver),
        failed,
        wallMs: lastEnd(receiver) - resumedAt,
        floorMs,
        floorKind: mode === 'adaptive' ? 'bandwidth' : 'pacing',
      },
      compressed,
    };
  } finally {
    await launched.close({ removeProfile: true });
    await rm(launched.extensionDir, { recursive: true, force: true });
    await receiver.close();
  }
}

/** The habit: every file at once, each with 3 quick tries (0, 1, 2 s before them). */
async function runHabit(label: string, files: BatchFile[]): Promise<Row> {
  const receiver = await startReceiver({
    dir: path.join(scratch, `received-${label.replace(/\W+/g, '-')}`),
    faults: { ...FRAGILE, ingressBytesPerSecond: ingress },
  });
  try {
    const startedAt = Date.now();
    const outcomes = await Promise.all(
      files.map(async (file) => {
        const bytes = await readFile(file.path);
        for (const waitMs of [0, 1_000, 2_000]) {
          if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
          const body = new FormData();
          body.append('file', new Blob([bytes]), file.name);
          try {
            const response = await fetch(receiver.uploadUrl, { method: 'POST', body });
            await response.arrayBuffer();
            if (response.ok) return true;
          } catch {
            // ECONNRESET, UND_ERR_SOCKET: try again, as the habit does.
          }
        }
        return false;
      }),
    );
    return {
      strategy: label,
      items: files.length,
      ...receiverCounts(receiver),
      failed: outcomes.filter((ok) => !ok).length,
      wallMs: Math.max(lastEnd(receiver), Date.now()) - startedAt,
      floorMs: (sum(files.map((file) => file.size)) / ingress) * 1000,
      floorKind: 'bandwidth',
    };
  } finally {
    await receiver.close();
  }
}

async function waitForRows(panel: FrameLocator, count: number, statuses: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const selector = statuses.map((status) => `[data-testid=item-row][data-status=${status}]`).join(', ');
  while (Date.now() < deadline) {
    if ((await panel.locator(selector).count()) === count) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`rows did not reach ${statuses.join('/')} within ${timeoutMs} ms`);
}

function receiverCounts(receiver: Receiver): Pick<Row, 'resets' | 'bytesSent'> {
  if (values.timeline) {
    const first = Math.min(...receiver.requests.map((request) => request.arrivedAt));
    for (const request of receiver.requests) {
      const end = request.endedAt === undefined ? '-' : ((request.endedAt - first) / 1000).toFixed(2);
      console.log(
        `  #${request.index} ${((request.arrivedAt - first) / 1000).toFixed(2)} -> ${end} s ${request.outcome} ${request.bytes} B`,
      );
    }
  }
  return {
    resets: receiver.requests.filter((request) => request.outcome === 'reset').length,
    bytesSent: sum(receiver.requests.map((request) => request.bytes)),
  };
}

function lastEnd(receiver: Receiver): number {
  return Math.max(...receiver.requests.map((request) => request.endedAt ?? Date.now()));
}

function sum(numbers: readonly number[]): number {
  return numbers.reduce((total, value) => total + value, 0);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

function formatRow(row: Row): string {
  return `${row.strategy}: ${row.resets} resets, ${row.failed}/${row.items} failed, ${mb(row.bytesSent)} MB sent, ${(row.wallMs / 1000).toFixed(1)} s, ${(row.wallMs / row.floorMs).toFixed(2)} x ${row.floorKind} floor`;
}

function formatTable(rows: Row[]): string {
  const header = ['strategy', 'resets', 'failed items', 'MB sent', 'wall s', 'floor s', 'wall / floor'];
  const lines = rows.map((row) => [
    row.strategy,
    String(row.resets),
    `${row.failed} / ${row.items}`,
    mb(row.bytesSent),
    (row.wallMs / 1000).toFixed(1),
    `${(row.floorMs / 1000).toFixed(1)} (${row.floorKind})`,
    (row.wallMs / row.floorMs).toFixed(2),
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, column) => Math.max(...all.map((line) => (line[column] as string).length)));
  const format = (line: string[]) =>
    `| ${line.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
  return [format(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...lines.map(format)].join(
    '\n',
  );
}
