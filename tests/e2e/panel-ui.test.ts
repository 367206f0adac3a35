import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPanelFromPopup } from '../../scripts/lib/browser';
import { startReceiver } from '../../scripts/receiver';
import {
  GRIP_HEIGHT,
  KEY_STEP,
  PANEL_HEADER_HEIGHT,
  PANEL_MAX_HEIGHT,
  PANEL_WIDTH,
} from '../../utils/page-panel/geometry';
import { type Harness, makeSamples, openConfiguredPanel, smallPhotos, startHarness } from './harness';

async function wrapperBox(page: Page) {
  const box = await page.locator('[data-cadence-panel]').boundingBox();
  if (!box) throw new Error('panel wrapper not visible');
  return box;
}

/** The places the extension stored, read from its own storage (what the next visit reads). */
async function storedPlaces(harness: Harness): Promise<Record<string, { left: number | null; collapsed: boolean }>> {
  return harness.browser.serviceWorker.evaluate(
    async () => ((await chrome.storage.local.get('panelPlaces')).panelPlaces ?? {}) as never,
  );
}

describe('the panel in the page: moved, collapsed, remembered per site, closed', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('moves by dragging its grip and by arrow keys, keeps its place and fold on this site after a reload, and sits at the default place on another site', async () => {
    const { page } = await openConfiguredPanel(harness, 0.3);
    const viewport = page.viewportSize() ?? { width: 1280, height: 720 };
    const start = await wrapperBox(page);
    // Default: bottom-right.
    expect(start.x + start.width).toBeCloseTo(viewport.width - 16, 0);
    expect(start.y + start.height).toBeCloseTo(viewport.height - 16, 0);

    // A real mouse drag on the grip (outside the iframe).
    const grip = await page.locator('[data-cadence-move]').boundingBox();
    if (!grip) throw new Error('grip not visible');
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(grip.x + grip.width / 2 - 400, grip.y + grip.height / 2 - 50, { steps: 8 });
    await page.mouse.up();
    const dragged = await wrapperBox(page);
    expect(dragged.x).toBeCloseTo(start.x - 400, 0);
    expect(dragged.y).toBeCloseTo(start.y - 50, 0);

    // The keyboard way: arrow keys on the focused grip.
    await page.locator('[data-cadence-move]').focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    const moved = await wrapperBox(page);
    expect(moved.x).toBeCloseTo(dragged.x - KEY_STEP, 0);
    expect(moved.y).toBeCloseTo(dragged.y - KEY_STEP, 0);

    // Never dragged out of the viewport: the grip stays reachable.
    await page.mouse.move(moved.x + 100, moved.y + 10);
    await page.mouse.down();
    await page.mouse.move(-500, -500, { steps: 4 });
    await page.mouse.up();
    const clamped = await wrapperBox(page);
    expect(clamped.x).toBe(0);
    expect(clamped.y).toBe(0);
    await page.locator('[data-cadence-move]').focus();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('ArrowDown');
    const placed = await wrapperBox(page);
    expect(placed).toMatchObject({ x: KEY_STEP * 5, y: KEY_STEP });

    // Collapsed: only the grip and the panel's header remain; expanded again: full height.
    await page.locator('[data-cadence-collapse]').click();
    expect((await wrapperBox(page)).height).toBe(GRIP_HEIGHT + PANEL_HEADER_HEIGHT);
    await expect.poll(() => page.frameLocator('[data-cadence-panel] iframe').locator('h1').isVisible()).toBe(true);
    await page.locator('[data-cadence-collapse]').click();
    expect((await wrapperBox(page)).height).toBe(PANEL_MAX_HEIGHT);
    await page.locator('[data-cadence-collapse]').click();
    const origin = harness.receiver.origin;
    await expect.poll(async () => (await storedPlaces(harness))[origin]?.collapsed).toBe(true);

    // A reload removes the panel; opened again on this site it comes back where it was, collapsed.
    await page.reload();
    expect(await page.locator('[data-cadence-panel]').count()).toBe(0);
    await openPanelFromPopup(harness.browser, page);
    await expect
      .poll(() => wrapperBox(page))
      .toMatchObject({
        x: KEY_STEP * 5,
        y: KEY_STEP,
        height: GRIP_HEIGHT + PANEL_HEADER_HEIGHT,
      });

    // Another site (another port is another origin): the default place, expanded.
    const other = await startReceiver({ dir: path.join(harness.scratch, 'other') });
    try {
      const otherPage = await harness.browser.context.newPage();
      await otherPage.goto(`${other.origin}/`);
      await openPanelFromPopup(harness.browser, otherPage);
      const fresh = await wrapperBox(otherPage);
      expect(fresh).toMatchObject({
        x: viewport.width - PANEL_WIDTH - 16,
        y: viewport.height - PANEL_MAX_HEIGHT - 16,
        height: PANEL_MAX_HEIGHT,
      });
    } finally {
      await other.close();
    }
  });

  it('the content script reads only its place: no destination setting is in its code', async () => {
    const script = await readFile(path.join(harness.browser.extensionDir, 'content-scripts/page.js'), 'utf8');
    expect(script).toContain('local:panelPlaces');
    expect(script).not.toContain('local:destinations');
    expect(script).not.toContain('local:activeDestinationId');
  });

  it('a content script carries only its own message rules: no queue or destination schema is in its code', async () => {
    for (const name of ['page.js', 'image-fetch.js']) {
      const script = await readFile(path.join(harness.browser.extensionDir, 'content-scripts', name), 'utf8');
      expect(script).toContain('page/fetch-image');
      for (const field of ['idempotencyKey', 'retry-failed', 'successStatuses']) expect(script).not.toContain(field);
    }
  });

  it('stays inside a viewport that shrinks', async () => {
    const { page } = await openConfiguredPanel(harness, 0.3);
    await page.setViewportSize({ width: 1280, height: 720 });
    const before = await wrapperBox(page);
    expect(before.x).toBeGreaterThan(600);
    // Narrower than the panel: it shrinks to fit between the margins, and comes along to stay in view.
    await page.setViewportSize({ width: 400, height: 500 });
    await expect.poll(() => wrapperBox(page)).toMatchObject({ x: 16, y: 16, width: 400 - 32, height: 500 - 32 });
  });

  it('closes with Escape (not while a list box has focus) and with its close button; the batch goes on after it closed', async () => {
    const samples = await makeSamples(harness, smallPhotos(3));
    const { page, panel } = await openConfiguredPanel(harness, 0.3);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await panel
      .locator(
        '[data-testid=item-row][data-status=queued], [data-testid=item-row][data-status=uploading], [data-testid=item-row][data-status=done]',
      )
      .first()
      .waitFor();

    // Escape in a focused <select> belongs to the select.
    await panel.locator('select[name=destination]').focus();
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    expect(await page.locator('[data-cadence-panel] iframe').count()).toBe(1);

    await panel.locator('h1').click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-cadence-panel]').count()).toBe(0);
    // The queue lives in the background: every image still arrives.
    const uploads = await harness.receiver.waitForUploads(3, 30_000);
    expect(uploads.map((upload) => upload.filename).sort()).toEqual(samples.map((sample) => sample.name).sort());

    // The close button.
    const reopened = await openPanelFromPopup(harness.browser, page);
    await reopened.locator('[data-testid=close-panel]').click();
    await expect.poll(() => page.locator('[data-cadence-panel]').count()).toBe(0);
  });
});
