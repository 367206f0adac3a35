/**
 * Memory while one huge image goes through the real panel (bench:compress
 * --huge): the peak resident memory of each of Chromium's processes, read
 * from Linux's /proc (VmHWM, reset first through clear_refs), since an
 * extension page is not cross-origin isolated and so has no
 * `performance.measureUserAgentSpecificMemory`, and the JS heap CDP reports
 * leaves out decoded pixels (they live outside it).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { blackAndWhitePng } from '../../tests/factories/image-bytes';
import { startReceiver } from '../receiver';
import { addDestinationInOptions, type LaunchedBrowser, openPanelFromPopup } from './browser';

export interface ProcessPeak {
  pid: number;
  /** Chromium's --type (browser, renderer, gpu-process, utility, zygote). */
  type: string;
  extension: boolean;
  rssBeforeMb: number;
  peakMb: number;
}

export interface HugeImageRun {
  width: number;
  height: number;
  ms: number;
  outcome: string;
  processes: ProcessPeak[];
}

/** Sends a `width`×`height` PNG through the panel (Large) and reads every Chromium process's peak memory. */
export async function measureHugeImage(
  launched: LaunchedBrowser,
  width: number,
  height: number,
): Promise<HugeImageRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cadence-huge-'));
  const receiverDir = await mkdtemp(path.join(os.tmpdir(), 'cadence-huge-receiver-'));
  const receiver = await startReceiver({ dir: receiverDir });
  try {
    const image = path.join(dir, `huge-${width}x${height}.png`);
    await writeFile(image, blackAndWhitePng(width, height));
    await addDestinationInOptions(launched, 'Huge receiver', receiver.uploadUrl);
    const page = await launched.context.newPage();
    await page.goto(`${receiver.origin}/`);
    const panel = await openPanelFromPopup(launched, page);
    await panel.locator('select[name=destination]').selectOption({ label: 'Huge receiver' });
    await panel.locator('select[name=preset]').selectOption('large');

    const processes = await chromiumProcesses(launched.userDataDir);
    const before = new Map<number, number>();
    for (const process of processes) {
      before.set(process.pid, await statusKb(process.pid, 'VmRSS'));
      // "5" resets the peak (VmHWM) to the current size; the processes are this user's.
      await writeFile(`/proc/${process.pid}/clear_refs`, '5').catch(() => {});
    }
    const started = Date.now();
    await panel.locator('[data-testid=file-input]').setInputFiles([image]);
    const row = panel.locator('[data-testid=item-row]').last();
    await row.waitFor({ timeout: 60_000 });
    while ((await row.getAttribute('data-status')) === 'compressing') {
      if (Date.now() - started > 300_000) throw new Error('the huge image is still compressing after 5 minutes');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ms = Date.now() - started;
    const error = await row
      .locator('[data-testid=item-error]')
      .textContent({ timeout: 1_000 })
      .catch(() => null);
    const outcome = error ?? (await row.getAttribute('data-status')) ?? 'unknown';
    const peaks: ProcessPeak[] = [];
    for (const process of await chromiumProcesses(launched.userDataDir)) {
      peaks.push({
        ...process,
        rssBeforeMb: (before.get(process.pid) ?? 0) / 1024,
        peakMb: (await statusKb(process.pid, 'VmHWM')) / 1024,
      });
    }
    await page.close();
    return { width, height, ms, outcome, processes: peaks };
  } finally {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
    await rm(receiverDir, { recursive: true, force: true });
  }
}

/** The browser process (the one started with this profile) and every process below it. */
async function chromiumProcesses(userDataDir: string): Promise<{ pid: number; type: string; extension: boolean }[]> {
  const entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const info = new Map<number, { parent: number; args: string[] }>();
  for (const pid of entries) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // Chromium's child processes rewrite their title: one string with spaces, not NUL-separated arguments.
      const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split(/[\0 ]/);
      info.set(pid, { parent, args });
    } catch {
      // Gone meanwhile.
    }
  }
  const root = [...info].find(
    ([, process]) =>
      process.args.some((arg) => arg === `--user-data-dir=${userDataDir}`) &&
      !process.args.some((arg) => arg.startsWith('--type=')),
  )?.[0];
  if (root === undefined) return [];
  const inTree = (pid: number): boolean => {
    for (let current: number | undefined = pid; current !== undefined && current > 1; ) {
      if (current === root) return true;
      current = info.get(current)?.parent;
    }
    return false;
  };
  return [...info]
    .filter(([pid]) => inTree(pid))
    .map(([pid, process]) => ({
      pid,
      type: process.args.find((arg) => arg.startsWith('--type='))?.slice('--type='.length) ?? 'browser',
      extension: process.args.includes('--extension-process'),
    }));
}

async function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
