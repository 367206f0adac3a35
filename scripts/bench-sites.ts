/**
 * bench:sites: real upload libraries from npm (Dropzone, FilePond, Uppy's
 * Dashboard with XHR upload, jQuery File Upload), each on a test page set up
 * as its docs show (scripts/lib/site-pages.ts), uploading to the local
 * receiver that resets connections beyond 2 at once and caps ingress.
 * For each: the batch dropped into the page's uploader directly (with the
 * page's concurrency raised to 6, as sites do for speed, and again at the
 * library's own default), then the same batch through Cadence's "Upload
 * here" at a 0.3 s pace. Prints the table; exits 1 if Cadence lost any file.
 *
 *   npm run bench:sites -- [--files 30] [--ingress 4000000] [--only dropzone,uppy] [--no-build]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchWithExtension } from './lib/browser';
import { generateSampleImages } from './lib/sample-images';
import { type BatchOutcome, dropDirectly, handOverThroughCadence, sitePhotos } from './lib/site-drop';
import {
  SITE_UPLOADER_DEFAULT_PARALLEL,
  SITE_UPLOADER_NAMES,
  SITE_UPLOADERS,
  type SiteUploader,
} from './lib/site-pages';
import { startReceiver } from './receiver';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '30' },
    ingress: { type: 'string', default: '4000000' },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const fileCount = Number(values.files);
const ingress = Number(values.ingress);
const uploaders = (values.only ? values.only.split(',') : [...SITE_UPLOADERS]) as SiteUploader[];
for (const name of uploaders) if (!SITE_UPLOADERS.includes(name)) throw new Error(`--only: unknown uploader ${name}`);

const scratch = await mkdtemp(path.join(os.tmpdir(), 'cadence-bench-sites-'));
const rows: {
  uploader: SiteUploader;
  direct: BatchOutcome;
  atDefault: BatchOutcome;
  cadence: BatchOutcome;
  failedRows: number;
}[] = [];
try {
  if (!values['no-build']) {
    console.log('Building the extension (wxt build)...');
    execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const uploader of uploaders) {
    // A fresh receiver and browser per uploader: nothing one library left behind counts for the next.
    const receiver = await startReceiver({
      dir: path.join(scratch, uploader, 'received'),
      faults: { resetBeyond: 2, ingressBytesPerSecond: ingress },
    });
    const browser = await launchWithExtension();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${receiver.origin}/`);
      const specs = sitePhotos(fileCount);
      const paths = await generateSampleImages(page, path.join(scratch, uploader, 'photos'), specs);
      const names = specs.map((spec) => spec.name);
      if (rows.length === 0) {
        const sizes = await Promise.all(paths.map(async (file) => (await stat(file)).size));
        console.log(
          `${fileCount} photos of ${Math.round(Math.min(...sizes) / 1024)}-${Math.round(Math.max(...sizes) / 1024)} KB; ` +
            `receiver resets beyond 2 concurrent uploads, ingress ${(ingress / 1e6).toFixed(1)} MB/s`,
        );
      }
      console.log(`${SITE_UPLOADER_NAMES[uploader]}: dropped directly...`);
      const direct = await dropDirectly(page, receiver, uploader, paths, names);
      console.log(`${SITE_UPLOADER_NAMES[uploader]}: dropped directly, the library's default concurrency...`);
      const atDefault = await dropDirectly(page, receiver, uploader, paths, names, { parallel: 'default' });
      await page.close();
      console.log(`${SITE_UPLOADER_NAMES[uploader]}: through Cadence...`);
      const cadence = await handOverThroughCadence(browser, receiver, uploader, paths, names);
      rows.push({
        uploader,
        direct,
        atDefault,
        cadence,
        failedRows: cadence.rows.filter((row) => row.status !== 'done').length,
      });
    } finally {
      await browser.close({ removeProfile: true });
      await receiver.close();
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const table = [
  [
    'uploader',
    'files',
    'lost direct',
    'lost direct, default',
    'lost via Cadence',
    'resets direct',
    'resets direct, default',
    'resets via Cadence',
    'wall direct',
    'wall direct, default',
    'wall via Cadence',
  ],
  ...rows.map(({ uploader, direct, atDefault, cadence }) => [
    `${SITE_UPLOADER_NAMES[uploader]} (default: ${SITE_UPLOADER_DEFAULT_PARALLEL[uploader]})`,
    String(direct.files),
    String(direct.lost),
    String(atDefault.lost),
    String(cadence.lost),
    String(direct.resets),
    String(atDefault.resets),
    String(cadence.resets),
    seconds(direct.wallMs),
    seconds(atDefault.wallMs),
    seconds(cadence.wallMs),
  ]),
];
const widths = table[0]?.map((_, column) => Math.max(...table.map((row) => row[column]?.length ?? 0))) ?? [];
console.log('');
for (const row of table) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
console.log(
  '\ndirect: 6 uploads at once, as sites set it; direct, default: the library left at its own default (in brackets).' +
    '\nwall direct: until the receiver went quiet; wall via Cadence: from the pick to the last reply.',
);
const lostByCadence = rows.filter((row) => row.cadence.lost > 0 || row.failedRows > 0);
if (lostByCadence.length > 0) {
  console.error(`Cadence lost files with: ${lostByCadence.map((row) => SITE_UPLOADER_NAMES[row.uploader]).join(', ')}`);
  process.exit(1);
}
