/**
 * Launches Debian's Chromium with the built extension, for the demo and the
 * real-browser tests, and opens the panel the way a user does: the toolbar
 * popup's "Upload on this page" button.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type FrameLocator, type Page, type Worker } from 'playwright-core';
import puppeteer, { type Page as PuppeteerPage } from 'puppeteer-core';

export const BUILT_EXTENSION_DIR = path.resolve(import.meta.dirname, '../../.output/chrome-mv3');

export function chromiumPath(): string {
  const candidate = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!existsSync(candidate)) {
    throw new Error(`No Chromium at ${candidate}. Install it (Debian: apt-get install chromium) or set CHROME_PATH.`);
  }
  return candidate;
}

/**
 * A copy of the built extension whose manifest also grants the loopback
 * origin. Automation opens the popup with `chrome.action.openPopup()`, which
 * grants no `activeTab` (a real click on the toolbar does), so the copy gets
 * the test page's origin instead. The shipped manifest stays without it.
 */
export async function prepareExtensionCopy(sourceDir = BUILT_EXTENSION_DIR): Promise<string> {
  if (!existsSync(path.join(sourceDir, 'manifest.json'))) {
    throw new Error(`No built extension at ${sourceDir}: run npm run build first.`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cadence-ext-'));
  await cp(sourceDir, dir, { recursive: true });
  const manifestPath = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { host_permissions?: string[] };
  manifest.host_permissions = [...(manifest.host_permissions ?? []), 'http://127.0.0.1/*'];
  await writeFile(manifestPath, JSON.stringify(manifest));
  return dir;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  extensionId: string;
  /** The extension's current service worker. */
  readonly serviceWorker: Worker;
  userDataDir: string;
  extensionDir: string;
  /** Closes the browser; keeps the profile for a relaunch unless `removeProfile`. */
  close(options?: { removeProfile?: boolean }): Promise<void>;
}

export interface LaunchOptions {
  headless?: boolean;
  extensionDir?: string;
  /** Reuse a profile to simulate a browser restart. */
  userDataDir?: string;
  /** More Chromium flags, e.g. `--lang=ko` for the Korean UI. */
  extraArgs?: string[];
}

export async function launchWithExtension(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const extensionDir = options.extensionDir ?? (await prepareExtensionCopy());
  const userDataDir = options.userDataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'cadence-profile-')));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: options.headless ?? true,
    args: [
      ...(options.headless === false ? [] : ['--headless=new']),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // Lets puppeteer attach to the same browser to reach the popup.
      '--remote-debugging-port=0',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...(options.extraArgs ?? []),
    ],
    ignoreDefaultArgs: ['--disable-extensions', '--disable-component-extensions-with-background-pages'],
  });
  const firstWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(firstWorker.url()).host;
  return {
    context,
    extensionId,
    // The worker is replaced each time Chrome stops and restarts it.
    get serviceWorker() {
      return context.serviceWorkers().at(-1) ?? firstWorker;
    },
    userDataDir,
    extensionDir,
    async close({ removeProfile = false } = {}) {
      await context.close();
      // Chromium's last writes (Sessions/) can land just after the context closed: retry the removal
      // rather than fail a test at its clean-up with ENOTEMPTY.
      if (removeProfile) await rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

/** The panel iframe inside a page. */
export function panelIn(page: Page): FrameLocator {
  return page.frameLocator('[data-cadence-panel] iframe');
}

/** Waits until the panel takes presses: shown as itself and unmoved for a moment (visibility-guard.ts). */
export async function waitUntilSteady(panel: FrameLocator, timeout = 10_000): Promise<void> {
  await panel.locator(':root[data-steady]').waitFor({ state: 'attached', timeout });
}

/**
 * Opens the real toolbar popup (`chrome.action.openPopup()`) and hands it to
 * `use`. Playwright does not surface the popup, so puppeteer attaches to the
 * same browser for it.
 */
export async function withPopup<T>(launched: LaunchedBrowser, use: (popup: PuppeteerPage) => Promise<T>): Promise<T> {
  const port = (await readFile(path.join(launched.userDataDir, 'DevToolsActivePort'), 'utf8')).split('\n')[0];
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
  try {
    await launched.serviceWorker.evaluate(() => chrome.action.openPopup());
    const target = await browser.waitForTarget((candidate) => candidate.url().endsWith('/popup.html'), {
      timeout: 10_000,
    });
    const popup = await target.asPage();
    await popup.waitForSelector('[data-testid=queue-counts]', { timeout: 10_000 });
    return await use(popup);
  } finally {
    // Ends only this connection; the browser keeps running.
    await browser.disconnect();
  }
}

/** The popup's counts, as the user reads them. */
export async function readPopupCounts(
  launched: LaunchedBrowser,
): Promise<Record<'queued' | 'uploading' | 'done' | 'failed', number>> {
  return withPopup(launched, popupCounts);
}

/** The counts an open popup shows. */
export function popupCounts(popup: PuppeteerPage): Promise<Record<'queued' | 'uploading' | 'done' | 'failed', number>> {
  return popup.$$eval('[data-testid=queue-counts] [data-count]', (cells) =>
    Object.fromEntries(
      cells.map((cell) => [cell.getAttribute('data-count'), Number(cell.querySelector('dd')?.textContent)]),
    ),
  ) as Promise<Record<'queued' | 'uploading' | 'done' | 'failed', number>>;
}

/**
 * Clicks the popup's "Upload on this page" with `page` as the active tab,
 * waits for the panel in it, and unfolds its Settings section.
 */
export async function openPanelFromPopup(launched: LaunchedBrowser, page: Page): Promise<FrameLocator> {
  await page.bringToFront();
  await withPopup(launched, async (popup) => {
    await popup.click('[data-testid=open-panel]');
  });
  const panel = panelIn(page);
  await panel.locator('main').waitFor({ timeout: 10_000 });
  // A press counts once the panel has been shown, unmoved, for a moment (visibility-guard.ts), as a person's would.
  await waitUntilSteady(panel);
  // The pace and preset fields live in the folded "Settings" section; it stays open once opened.
  const settings = panel.locator('[data-testid=panel-settings]');
  await settings.waitFor();
  if (!(await settings.evaluate((details) => (details as HTMLDetailsElement).open))) {
    await settings.locator('summary').click();
  }
  return panel;
}

/**
 * Saves a multipart destination in the options page and makes it active, as a
 * user does (saving asks for the origin's permission; the test copy of the
 * extension already has loopback).
 */
export async function addDestinationInOptions(launched: LaunchedBrowser, name: string, url: string): Promise<void> {
  const options = await launched.context.newPage();
  await options.goto(`chrome-extension://${launched.extensionId}/options.html`);
  await options.locator('[data-testid=new-destination]').click();
  await options.locator('[data-testid=destination-editor] input[name=name]').fill(name);
  await options.locator('[data-testid=destination-editor] input[name=url]').fill(url);
  await options.locator('[data-testid=save-destination]').click();
  await options.locator('[data-testid=destination-row]', { hasText: name }).waitFor();
  await options.close();
}
