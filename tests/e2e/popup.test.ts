import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPanelFromPopup, withPopup } from '../../scripts/lib/browser';
import { type Harness, makeSamples, openConfiguredPanel, smallPhotos, startHarness } from './harness';

interface GroupSeen {
  title: string;
  origin: string | null;
  done: number;
  total: number;
  queued: number;
}

describe('the popup: every batch across all tabs', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('shows one group per tab with its counts and saved bytes; pause all stops every new start', async () => {
    const samples = await makeSamples(harness, [...smallPhotos(2, 'first'), ...smallPhotos(2, 'second')]);
    const { panel: firstPanel } = await openConfiguredPanel(harness, 0.3);
    // Paused while both tabs hand over, so both batches are still waiting when the popup opens.
    await firstPanel.locator('[data-testid=pause]').click();
    await firstPanel.locator('[data-testid=file-input]').setInputFiles(samples.slice(0, 2).map((s) => s.path));

    const second = await harness.browser.context.newPage();
    await second.goto(`${harness.receiver.origin}/form-page`);
    const secondPanel = await openPanelFromPopup(harness.browser, second);
    await secondPanel.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
    await secondPanel.locator('[data-testid=file-input]').setInputFiles(samples.slice(2).map((s) => s.path));
    await expect
      .poll(() => secondPanel.locator('[data-testid=item-row][data-status=queued]').count(), { timeout: 20_000 })
      .toBe(4);
    const secondTitle = await second.title();

    await withPopup(harness.browser, async (popup) => {
      await popup.waitForSelector('[data-testid=source-group]');
      const groups: GroupSeen[] = await popup.$$eval('[data-testid=source-group]', (elements) =>
        elements.map((element) => ({
          title: element.querySelector('.source-title')?.textContent ?? '',
          origin: element.getAttribute('data-origin'),
          done: Number(element.getAttribute('data-done')),
          total: Number(element.getAttribute('data-total')),
          queued: Number(element.getAttribute('data-queued')),
        })),
      );
      expect(groups).toHaveLength(2);
      for (const group of groups) {
        expect(group).toMatchObject({ origin: harness.receiver.origin, done: 0, total: 2, queued: 2 });
      }
      expect(groups[1]?.title).toBe(secondTitle);
      expect(
        Number(await popup.$eval('[data-testid=saved-total]', (element) => element.getAttribute('data-bytes'))),
      ).toBeGreaterThan(0);

      // Resume all from the popup: both tabs' items start; the groups count them done as they finish.
      await popup.click('[data-testid=resume]');
      await harness.receiver.waitForUploads(1, 15_000);
      await popup.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-testid=source-group]')].reduce(
            (sum, element) => sum + Number(element.getAttribute('data-done')),
            0,
          ) >= 1,
        { timeout: 10_000 },
      );
      // Pause all: nothing new starts (an upload already in flight may finish).
      await popup.click('[data-testid=pause]');
      await popup.waitForSelector('[data-testid=resume]');
    });
    const atPause = harness.receiver.requests.length;
    // Three paces (0.3 s) and more: a running queue would have started the next one by now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(harness.receiver.requests.length).toBeLessThanOrEqual(atPause + 1);
    expect(harness.receiver.requests.length).toBeLessThan(4);
    await expect.poll(() => firstPanel.locator('[data-testid=resume]').isVisible()).toBe(true);
  });
});
