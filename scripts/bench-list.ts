/**
 * npm run bench:list -- [--rows 500] [--completions 10] [--no-build]
 *
 * The panel's list at 500 rows, measured in headless Chromium with the built
 * extension and the local receiver (see scripts/lib/list-bench.ts for what
 * is timed). Prints applying one queue/item-changed (median and worst of the
 * first uploads' messages: each upload's start and finish) against rendering
 * all rows from scratch in the same run, and checks the median against the
 * 16 ms target (one frame at 60 Hz). Exits 1 when missed. The worst is
 * printed too: the first finish after opening runs code paths for the first
 * time and costs several times the median.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '../utils/stats';
import { addDestinationInOptions, launchWithExtension, openPanelFromPopup } from './lib/browser';
import { measureList, writeTinyImages } from './lib/list-bench';
import { startReceiver } from './receiver';

const TARGET_MS = 16;
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '500' },
    completions: { type: 'string', default: '10' },
    'no-build': { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const completions = Number(values.completions);

if (!values['no-build']) {
  console.log('Building the extension (wxt build)...');
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
const scratch = await mkdtemp(path.join(os.tmpdir(), 'cadence-bench-list-'));
const receiver = await startReceiver({ dir: path.join(scratch, 'received') });
const launched = await launchWithExtension();
let exitCode = 1;
try {
  const files = await writeTinyImages(path.join(scratch, 'images'), rows);
  await addDestinationInOptions(launched, 'Local receiver', receiver.uploadUrl);
  const page = await launched.context.newPage();
  await page.goto(`${receiver.origin}/`);
  const panel = await openPanelFromPopup(launched, page);
  await panel.locator('select[name=destination]').selectOption({ label: 'Local receiver' });
  await panel.locator('input[name=delay]').fill('0.2');
  console.log(`Handing ${rows} images over with the queue paused...`);
  const timings = await measureList(launched, page, panel, files, completions);
  const changed = timings.itemChangedMs;
  const table = [
    { measure: `render all ${rows} rows from scratch (baseline)`, ms: timings.fromScratchMs.toFixed(1) },
    { measure: `apply one queue/item-changed, median of ${changed.length}`, ms: median(changed).toFixed(1) },
    { measure: 'apply one queue/item-changed, worst', ms: Math.max(...changed).toFixed(1) },
  ];
  console.table(table);
  console.log(`each queue/item-changed (ms): ${changed.map((ms) => ms.toFixed(1)).join(' ')}`);
  const typical = median(changed);
  exitCode = typical < TARGET_MS ? 0 : 1;
  console.log(
    `${exitCode === 0 ? 'PASS' : 'MISS'}: median ${typical.toFixed(1)} ms against the ${TARGET_MS} ms target ` +
      `(message handler to DOM commit; style, layout and paint come after).`,
  );
} finally {
  await launched.close({ removeProfile: true });
  await receiver.close();
  await rm(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
