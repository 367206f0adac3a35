import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, openPanelFromPopup, withPopup } from '../../scripts/lib/browser';
import { showMixedBatch } from '../../scripts/lib/mixed-batch';
import { axeViolations, describeViolations, seriousOrWorse } from './axe';
import {
  type Harness,
  makeSamples,
  openConfiguredPanel,
  openOptions,
  type SampleFile,
  smallPhotos,
  startHarness,
} from './harness';

/** The English UI text, so elements are found by the name a screen reader announces, not by layout. */
const en = JSON.parse(
  await readFile(path.resolve(import.meta.dirname, '../../public/_locales/en/messages.json'), 'utf8'),
) as Record<string, { message: string }>;
const text = (key: string): string => {
  const entry = en[key];
  if (!entry) throw new Error(`no English message ${key}`);
  return entry.message;
};

let harness: Harness;
let photos: SampleFile[];
let page: Page;
let panel: FrameLocator;
let frame: Frame;

beforeAll(async () => {
  // The second upload is refused, so the batch holds done, failed, error and queued rows.
  harness = await startHarness({ faults: { replies: { 2: { status: 400 } } } });
  photos = await makeSamples(harness, smallPhotos(4));
});

afterAll(async () => {
  await harness?.dispose();
});

describe('axe-core in the real extension pages: no serious or critical violation', () => {
  it('the panel as first opened, before any destination exists', async () => {
    const fresh = await harness.browser.context.newPage();
    await fresh.goto(`${harness.receiver.origin}/`);
    await openPanelFromPopup(harness.browser, fresh);
    const panelFrame = fresh.frames().find((candidate) => candidate.url().endsWith('/panel.html'));
    if (!panelFrame) throw new Error('panel frame not found');
    await panelFrame.locator('[data-testid=no-destinations]').waitFor();
    const violations = seriousOrWorse(await axeViolations(panelFrame));
    await fresh.close();
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('the panel, with done, refused, unreadable and queued rows', async () => {
    const notAnImage = path.join(harness.scratch, 'notes.txt');
    await writeFile(notAnImage, 'not an image');
    ({ page, panel, frame } = await openConfiguredPanel(harness, 0.3));
    const [first, second, third, fourth] = photos.map((photo) => photo.path) as [string, string, string, string];
    await showMixedBatch(panel, { uploaded: [first, second, notAnImage, third], queued: [fourth] });
    const statuses = await panel
      .locator('[data-testid=item-row]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(statuses.sort()).toEqual(['done', 'done', 'error', 'failed', 'queued']);
    const violations = seriousOrWorse(await axeViolations(frame));
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it("what Cadence adds to the web page: the panel's frame, named", async () => {
    const violations = seriousOrWorse(await axeViolations(page, '[data-cadence-panel]'));
    expect(violations, describeViolations(violations)).toEqual([]);
    await expect(page.locator('[data-cadence-panel] iframe').getAttribute('title')).resolves.toBeTruthy();
  });

  it('the toolbar popup, with the same batch', async () => {
    const violations = await withPopup(harness.browser, async (popup) => seriousOrWorse(await axeViolations(popup)));
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('the options page, with the destination editor open', async () => {
    const options = await openOptions(harness);
    await options.locator('[data-testid=new-destination]').click();
    await options.locator('[data-testid=destination-editor]').waitFor();
    const violations = seriousOrWorse(await axeViolations(options));
    await options.close();
    expect(violations, describeViolations(violations)).toEqual([]);
  });
});

// These use the batch the panel test above set up (vitest runs a file's tests in order).
describe('keyboard', () => {
  it('Tab goes through the whole panel, reaches every action, and each stop shows focus', async () => {
    const actions: Record<string, Locator> = {
      'file picker': panel.getByLabel(text('pickFiles')),
      'destination picker': panel.getByRole('combobox', { name: text('destinationLabel') }),
      'pause/resume': panel.getByRole('button', { name: text('resume'), exact: true }),
      'clear finished': panel.getByRole('button', { name: text('clearFinished') }),
      'copy all': panel.getByRole('button', { name: text('copyAll') }),
      close: panel.getByRole('button', { name: text('panelClose') }),
      // The rows' own actions: retry the refused one, cancel the queued one, open a result.
      'retry (row)': panel.getByRole('button', { name: text('retryItem'), exact: true }),
      'cancel (row)': panel.getByRole('button', { name: text('cancelItem'), exact: true }),
      'open result (row)': panel.getByRole('link', { name: text('openResult'), exact: true }).first(),
    };
    for (const [name, locator] of Object.entries(actions)) {
      expect(await locator.count(), `${name} is on the panel once`).toBe(1);
    }

    // A click on the page (outside the panel) puts the keyboard's starting point there;
    // Tab then moves from the page into the panel and through it until focus leaves it.
    const box = await page.locator('[data-cadence-panel]').boundingBox();
    const viewport = page.viewportSize();
    if (!box || !viewport) throw new Error('the panel has no box');
    await page.mouse.click(box.x > 20 ? 5 : viewport.width - 5, viewport.height - 5);
    const reached = new Set<string>();
    const stops: FocusStop[] = [];
    for (let press = 0; press < 100; press += 1) {
      await page.keyboard.press('Tab');
      const stop = await frame.evaluate(describeFocusStop);
      if (stop === null && stops.length > 0) break;
      if (stop === null) continue;
      stops.push(stop);
      for (const [name, locator] of Object.entries(actions)) {
        if (!reached.has(name) && (await locator.evaluate((element) => element === document.activeElement))) {
          reached.add(name);
        }
      }
    }
    expect([...reached].sort()).toEqual(Object.keys(actions).sort());
    expect(stops.length).toBeGreaterThan(Object.keys(actions).length);
    expect(stops.filter((stop) => !stop.visible).map((stop) => stop.element)).toEqual([]);
  });

  it('every focus stop of the options page (destination editor open) shows focus', async () => {
    const options = await openOptions(harness);
    await options.locator('[data-testid=new-destination]').click();
    await options.locator('[data-testid=destination-editor]').waitFor();
    await options.mouse.click(1, 1);
    const stops: FocusStop[] = [];
    for (let press = 0; press < 200; press += 1) {
      await options.keyboard.press('Tab');
      const stop = await options.evaluate(describeFocusStop);
      if (stop === null && stops.length > 0) break;
      if (stop !== null) stops.push(stop);
    }
    await options.close();
    expect(stops.length).toBeGreaterThan(20);
    expect(stops.filter((stop) => !stop.visible).map((stop) => stop.element)).toEqual([]);
  });

  it('every focus stop of the popup shows focus', async () => {
    const stops = await withPopup(harness.browser, async (popup) => {
      const seen: FocusStop[] = [];
      for (let press = 0; press < 40; press += 1) {
        await popup.keyboard.press('Tab');
        const stop = (await popup.evaluate(describeFocusStop)) as FocusStop | null;
        if (stop === null && seen.length > 0) break;
        if (stop !== null) seen.push(stop);
      }
      return seen;
    });
    expect(stops.length).toBeGreaterThan(4);
    expect(stops.filter((stop) => !stop.visible).map((stop) => stop.element)).toEqual([]);
  });

  it('Space presses the focused button: the paused batch resumes', async () => {
    await panel.getByRole('button', { name: text('resume'), exact: true }).focus();
    await page.keyboard.press('Space');
    await panel.getByRole('button', { name: text('pause'), exact: true }).waitFor({ timeout: 5_000 });
  });
});

interface FocusStop {
  element: string;
  visible: boolean;
}

/**
 * Runs in the panel: the focused element, and whether a focus indicator
 * (outline or box-shadow) shows on it or on a wrapper up to three levels out
 * (the file input is hidden inside its drop zone, which shows focus-within).
 * An indicator on an invisible element (opacity 0, 1 px) does not count.
 * Null once focus has left the panel.
 */
function describeFocusStop(): FocusStop | null {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  let candidate: Element | null = focused;
  for (let depth = 0; candidate && depth < 4; depth += 1, candidate = candidate.parentElement) {
    const style = getComputedStyle(candidate);
    const box = candidate.getBoundingClientRect();
    const seen = candidate.checkVisibility({ opacityProperty: true, visibilityProperty: true });
    const indicator =
      (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    if (indicator && seen && box.width > 2 && box.height > 2) {
      return { element: focused.outerHTML.slice(0, 120), visible: true };
    }
  }
  return { element: focused.outerHTML.slice(0, 120), visible: false };
}

describe('in Korean (Chromium --lang=ko)', () => {
  it('the options page is in Korean, says so in its lang attribute, and has no serious axe violation', async () => {
    const korean = await launchWithExtension({ extraArgs: ['--lang=ko'] });
    try {
      const options = await korean.context.newPage();
      await options.goto(`chrome-extension://${korean.extensionId}/options.html`);
      await options.locator('[data-testid=new-destination]').click();
      await options.locator('[data-testid=destination-editor]').waitFor();
      const ko = JSON.parse(
        await readFile(path.resolve(import.meta.dirname, '../../public/_locales/ko/messages.json'), 'utf8'),
      ) as Record<string, { message: string }>;
      await expect(options.locator('body').textContent()).resolves.toContain(ko.destinationsTitle?.message);
      await expect(options.evaluate(() => document.documentElement.lang)).resolves.toBe('ko');
      const violations = seriousOrWorse(await axeViolations(options));
      expect(violations, describeViolations(violations)).toEqual([]);
    } finally {
      await korean.close({ removeProfile: true });
      await rm(korean.extensionDir, { recursive: true, force: true });
    }
  });
});
