/**
 * The 500-row list, measured in the real panel: rows loaded through the real
 * path (queue paused, tiny images picked in the panel, compressed and handed
 * over), then User Timing entries the panel records itself
 * (entrypoints/panel/use-list-timing.ts), each from a message handler to the
 * DOM commit of the rows it changed:
 * - `cadence:snapshot`: the panel opened on a 500-row queue renders every row
 *   from scratch (the cost of any change that re-renders the whole list);
 * - `cadence:item-changed`: one `queue/item-changed` (an upload starting or
 *   finishing) applied to the 500-row list.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { rgbaPng } from '../../tests/factories/image-bytes';
import { type LaunchedBrowser, openPanelFromPopup } from './browser';

export interface ListTimings {
  rows: number;
  /** Rendering every row from scratch (opening the panel on the queue). */
  fromScratchMs: number;
  /** Each queue/item-changed applied while the list held `rows` rows. */
  itemChangedMs: number[];
}

/** `count` distinct 8x8 PNGs: real images that compress in a few ms. */
export async function writeTinyImages(dir: string, count: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const file = path.join(dir, `tiny-${String(index + 1).padStart(3, '0')}.png`);
      await writeFile(
        file,
        rgbaPng(8, 8, (x, y) => [(index * 7) % 256, (x * 32) % 256, (y * 32) % 256, 255]),
      );
      return file;
    }),
  );
}

function panelFrame(page: Page) {
  const frame = page.frames().find((candidate) => candidate.url().endsWith('/panel.html'));
  if (!frame) throw new Error('panel frame not found');
  return frame;
}

async function durations(page: Page, name: string): Promise<number[]> {
  return panelFrame(page).evaluate(
    (entryName) => performance.getEntriesByName(entryName).map((entry) => entry.duration),
    name,
  );
}

/**
 * With `panel` open and configured (destination, a short pace) on `page`:
 * pauses, hands `files` over, reopens the panel (from scratch), resumes, and
 * reads the timings of the first `completions` uploads.
 */
export async function measureList(
  launched: LaunchedBrowser,
  page: Page,
  panel: FrameLocator,
  files: string[],
  completions: number,
): Promise<ListTimings> {
  await panel.locator('[data-testid=pause]').click();
  await panel.locator('[data-testid=resume]').waitFor();
  await panel.locator('[data-testid=file-input]').setInputFiles(files);
  const queued = panel.locator('[data-testid=item-row][data-status=queued]');
  const deadline = Date.now() + 120_000;
  while ((await queued.count()) < files.length) {
    if (Date.now() > deadline) throw new Error('the rows were not handed over in time');
    await page.waitForTimeout(250);
  }

  await panel.locator('[data-testid=close-panel]').click();
  await page.locator('[data-cadence-panel]').waitFor({ state: 'detached' });
  const reopened = await openPanelFromPopup(launched, page);
  await reopened
    .locator('[data-testid=item-row]')
    .nth(files.length - 1)
    .waitFor();
  const [fromScratchMs] = await durations(page, 'cadence:snapshot');
  if (fromScratchMs === undefined) throw new Error('no cadence:snapshot measure');

  await reopened.locator('[data-testid=resume]').click();
  const done = reopened.locator('[data-testid=item-row][data-status=done]');
  while ((await done.count()) < completions) {
    if (Date.now() > deadline + 60_000) throw new Error('uploads did not finish in time');
    await page.waitForTimeout(100);
  }
  return { rows: files.length, fromScratchMs, itemChangedMs: await durations(page, 'cadence:item-changed') };
}
