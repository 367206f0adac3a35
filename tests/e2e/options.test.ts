import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPanelFromPopup, withPopup } from '../../scripts/lib/browser';
import { addDestination, type Harness, openOptions, startHarness } from './harness';

describe('options: language, settings file', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('한국어 chosen in the options: the options, the popup and the panel speak Korean', async () => {
    const options = await openOptions(harness);
    expect(await options.locator('h1').textContent()).toBe('Cadence settings');
    await Promise.all([options.waitForEvent('load'), options.locator('select[name=language]').selectOption('ko')]);
    await expect.poll(() => options.locator('h1').textContent()).toBe('Cadence 설정');
    expect(await options.evaluate(() => document.documentElement.lang)).toBe('ko');
    expect(await options.locator('select[name=language]').inputValue()).toBe('ko');

    const page = await harness.browser.context.newPage();
    await page.goto(`${harness.receiver.origin}/`);
    await page.bringToFront();
    const popupButton = await withPopup(harness.browser, (popup) =>
      popup.$eval('[data-testid=open-panel]', (button) => button.textContent),
    );
    expect(popupButton).toBe('이 페이지에서 업로드');
    const panel = await openPanelFromPopup(harness.browser, page);
    expect(await panel.locator('h1').textContent()).toBe('Cadence 업로드');

    // Back to Automatic: the browser's language (English here) again.
    await options.bringToFront();
    await Promise.all([options.waitForEvent('load'), options.locator('select[name=language]').selectOption('auto')]);
    await expect.poll(() => options.locator('h1').textContent()).toBe('Cadence settings');
  });

  it('export leaves tokens out unless ticked; importing the file brings the destinations back', async () => {
    await addDestination(harness, {
      name: 'Token host',
      url: `${harness.receiver.uploadUrl}?key=SECRET-KEY`,
      headers: 'Authorization: Bearer SECRET-TOKEN',
    });
    const options = await openOptions(harness);
    await options.locator('input[name=delay]').fill('7');
    await expect
      .poll(() =>
        harness.browser.serviceWorker.evaluate(
          async () => ((await chrome.storage.local.get('pacing')).pacing as { delayMs?: number } | undefined)?.delayMs,
        ),
      )
      .toBe(7000);
    const exportFile = async () => {
      const [download] = await Promise.all([
        options.waitForEvent('download'),
        options.locator('[data-testid=export-settings]').click(),
      ]);
      const saved = path.join(harness.scratch, `export-${Date.now()}.json`);
      await download.saveAs(saved);
      return readFile(saved, 'utf8');
    };
    const plain = await exportFile();
    expect(plain).toContain('Token host');
    expect(plain).not.toContain('SECRET');
    await options.locator('input[name=includeSecrets]').check();
    await options.locator('[data-testid=secrets-warning]').waitFor();
    const full = await exportFile();
    expect(full).toContain('Bearer SECRET-TOKEN');
    expect(full).toContain('key=SECRET-KEY');
    const fullPath = path.join(harness.scratch, 'full.json');
    await writeFile(fullPath, full);

    // A fresh browser profile: nothing configured, then the file.
    await harness.browser.close({ removeProfile: true });
    const { launchWithExtension } = await import('../../scripts/lib/browser');
    harness.browser = await launchWithExtension({ extensionDir: harness.browser.extensionDir });
    const fresh = await openOptions(harness);
    await expect.poll(() => fresh.locator('[data-testid=destination-row]').count()).toBe(0);

    // A broken file first: a named error, nothing changed.
    const broken = path.join(harness.scratch, 'broken.json');
    await writeFile(broken, full.replace('"uploadDelayMs": ', '"uploadDelayMs": -'));
    await fresh.locator('[data-testid=import-settings]').setInputFiles(broken);
    expect(await fresh.locator('[data-testid=settings-import-error]').textContent()).toContain('"uploadDelayMs"');
    expect(await fresh.locator('[data-testid=destination-row]').count()).toBe(0);

    await fresh.locator('[data-testid=import-settings]').setInputFiles(fullPath);
    await fresh.locator('[data-testid=settings-imported]').waitFor();
    await fresh.locator('[data-testid=destination-row]', { hasText: 'Token host' }).waitFor();
    // The forms show the imported values without a reload.
    await expect.poll(() => fresh.locator('input[name=delay]').inputValue()).toBe('7');
    const stored = await harness.browser.serviceWorker.evaluate(() => chrome.storage.local.get('destinations'));
    expect(JSON.stringify(stored)).toContain('Bearer SECRET-TOKEN');
  });
});
