/**
 * A smoke run of the Firefox build in a real Firefox, by hand (not part of
 * npm test or CI, which have no Firefox):
 *
 *   npm run smoke:firefox        (builds .output/firefox-mv3 first)
 *
 * Needs Firefox 140+ (Debian: apt-get install firefox-esr; FIREFOX_PATH
 * overrides). Driven by puppeteer over WebDriver BiDi: installs the add-on
 * as a temporary add-on, saves a destination on the options page, then
 * picks an image in the panel and waits until the local receiver has it.
 * That covers the event-page background, a File sent to it by message
 * (Firefox clones natively), compression in the module worker, and the
 * upload. Exits 0 only when the receiver got the bytes the panel produced.
 *
 * Not covered: the panel is opened as a tab of its own, not framed into a web
 * page through the popup (WebDriver cannot open the toolbar popup), and the
 * destination's permission is granted without a prompt
 * (`extensions.webextOptionalPermissionPrompts` off).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type ElementHandle, type Page } from 'puppeteer-core';
import { generateSampleImages } from './lib/sample-images';
import { startReceiver } from './receiver';

const FIREFOX_BUILD = path.resolve(import.meta.dirname, '../.output/firefox-mv3');
const ADDON_ID = 'cadence@cadence-extension';
const firefox = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
if (!existsSync(firefox))
  throw new Error(`No Firefox at ${firefox} (apt-get install firefox-esr, or set FIREFOX_PATH)`);
if (!existsSync(path.join(FIREFOX_BUILD, 'manifest.json'))) throw new Error('Run npm run build:firefox first');

// A known moz-extension:// host for the add-on, so its pages can be opened by URL.
const uuid = randomUUID();
const base = `moz-extension://${uuid}`;
const scratch = await mkdtemp(path.join(os.tmpdir(), 'cadence-firefox-'));
const receiver = await startReceiver({ dir: path.join(scratch, 'received') });
const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: firefox,
  headless: true,
  // Firefox 153+ lets WebDriver open moz-extension:// pages only with system access.
  args: ['--remote-allow-system-access'],
  extraPrefsFirefox: {
    'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: uuid }),
    'extensions.webextOptionalPermissionPrompts': false,
  },
});
let exitCode = 1;
try {
  console.log(`${(await browser.version()).trim()}: installed ${await browser.installExtension(FIREFOX_BUILD)}`);

  const samplePage = await browser.newPage();
  await samplePage.goto(`${receiver.origin}/`);
  // The generator only calls evaluate(), which puppeteer's Page has with the same shape as Playwright's.
  const [sample] = await generateSampleImages(samplePage as never, path.join(scratch, 'samples'), [
    { name: 'photo-1600x1200.jpg', type: 'image/jpeg', width: 1600, height: 1200, quality: 0.95, grain: 16, seed: 1 },
  ]);

  const options = await browser.newPage();
  await openExtensionPage(options, 'options.html', '[data-testid=new-destination]');
  await options.click('[data-testid=new-destination]');
  await options.type('[data-testid=destination-editor] input[name=name]', 'Local receiver');
  await options.type('[data-testid=destination-editor] input[name=url]', receiver.uploadUrl);
  await options.click('[data-testid=save-destination]');
  await options.waitForSelector('[data-testid=destination-row]', { timeout: 10_000 });
  console.log('options page: destination saved');

  const panel = await browser.newPage();
  await openExtensionPage(panel, 'panel.html', 'select[name=destination]');
  const destination = await panel.$eval('select[name=destination] option', (option) => option.value);
  await panel.select('select[name=destination]', destination);
  const input = (await panel.waitForSelector('[data-testid=file-input]')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(sample as string);
  const row = await panel.waitForSelector('[data-testid=item-row][data-status=done]', { timeout: 30_000 });
  const producedSize = Number(await row?.evaluate((element) => element.getAttribute('data-size')));
  const received = receiver.uploads[0];
  console.log(`panel: row done, ${producedSize} B produced; receiver: ${received?.size} B as ${received?.mimeType}`);
  exitCode = receiver.uploads.length === 1 && received?.size === producedSize ? 0 : 1;
  console.log(exitCode === 0 ? 'Firefox smoke run passed' : 'Firefox smoke run FAILED');
} finally {
  await browser.close();
  await receiver.close();
  await rm(scratch, { recursive: true, force: true });
}
process.exit(exitCode);

/** Opens an extension page; Firefox never reports the load of one to WebDriver, so wait for its content instead. */
async function openExtensionPage(page: Page, file: string, readySelector: string): Promise<void> {
  await page.goto(`${base}/${file}`, { timeout: 3_000, waitUntil: 'domcontentloaded' }).catch(() => {});
  await page.waitForSelector(readySelector, { timeout: 10_000 });
}
