import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { type LaunchedBrowser, launchWithExtension, openPanelFromPopup } from '../../scripts/lib/browser';
import type { Faults } from '../../scripts/lib/faults';
import { generateSampleImages, type SampleImageSpec } from '../../scripts/lib/sample-images';
import { type Receiver, startReceiver } from '../../scripts/receiver';

/** A browser with the built extension, a receiver on loopback, and a scratch folder; all closed by `dispose`. */
export interface Harness {
  browser: LaunchedBrowser;
  receiver: Receiver;
  scratch: string;
  dispose(): Promise<void>;
}

/** `faults` makes the receiver misbehave on purpose (see scripts/lib/faults.ts). */
export async function startHarness({ faults }: { faults?: Faults } = {}): Promise<Harness> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'cadence-e2e-'));
  const receiver = await startReceiver({ dir: path.join(scratch, 'received'), faults });
  const browser = await launchWithExtension();
  return {
    browser,
    receiver,
    scratch,
    async dispose() {
      await browser.close({ removeProfile: true });
      await receiver.close();
      await rm(browser.extensionDir, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export interface SampleFile {
  path: string;
  name: string;
  size: number;
}

export async function makeSamples(harness: Harness, specs: SampleImageSpec[]): Promise<SampleFile[]> {
  const page = await harness.browser.context.newPage();
  await page.goto(`${harness.receiver.origin}/`);
  const paths = await generateSampleImages(page, path.join(harness.scratch, 'samples'), specs);
  await page.close();
  return Promise.all(
    paths.map(async (file) => ({ path: file, name: path.basename(file), size: (await stat(file)).size })),
  );
}

/** Opens a page on the receiver's origin and the panel in it through the popup, then sets the destination and pace. */
export async function openConfiguredPanel(
  harness: Harness,
  delaySeconds: number,
): Promise<{ page: Page; panel: FrameLocator; frame: Frame }> {
  const page = await harness.browser.context.newPage();
  await page.goto(`${harness.receiver.origin}/`);
  const panel = await openPanelFromPopup(harness.browser, page);
  await panel.locator('input[name=destination]').fill(harness.receiver.uploadUrl);
  await panel.locator('input[name=delay]').fill(String(delaySeconds));
  await panel.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
  const frame = page.frames().find((candidate) => candidate.url().endsWith('/panel.html'));
  if (!frame) throw new Error('panel frame not found');
  // Settings save as the user types; wait until the stored values are the typed ones.
  await frame.waitForFunction(
    async ([url, delayMs]) => {
      const stored = await chrome.storage.local.get(['destinationUrl', 'uploadDelayMs']);
      return stored.destinationUrl === url && stored.uploadDelayMs === delayMs;
    },
    [new URL(harness.receiver.uploadUrl).href, Math.round(delaySeconds * 1000)] as const,
  );
  return { page, panel, frame };
}

/** Records, inside the panel, the moment each row's status changes: what the user sees, when. */
export async function recordRowStatusChanges(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const log: { name: string; status: string; at: number }[] = [];
    (window as unknown as { statusLog: typeof log }).statusLog = log;
    const seen = new Map<Element, string>();
    const scan = () => {
      for (const row of document.querySelectorAll('[data-testid=item-row]')) {
        const status = row.getAttribute('data-status') ?? '';
        if (seen.get(row) === status) continue;
        seen.set(row, status);
        log.push({ name: row.querySelector('.item-name')?.textContent ?? '', status, at: Date.now() });
      }
    };
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true });
    scan();
  });
}

export async function readRowStatusChanges(frame: Frame): Promise<{ name: string; status: string; at: number }[]> {
  return frame.evaluate(
    () => (window as unknown as { statusLog: { name: string; status: string; at: number }[] }).statusLog,
  );
}

/** SHA-256 of each image the panel produced (the bytes behind each row's thumbnail), by file name. */
export async function panelOutputHashes(frame: Frame): Promise<Record<string, string>> {
  return frame.evaluate(async () => {
    const hashes: Record<string, string> = {};
    for (const row of document.querySelectorAll('[data-testid=item-row]')) {
      const image = row.querySelector('img.thumb') as HTMLImageElement | null;
      if (!image) continue;
      const digest = await crypto.subtle.digest('SHA-256', await (await fetch(image.src)).arrayBuffer());
      hashes[row.querySelector('.item-name')?.textContent ?? ''] = [...new Uint8Array(digest)]
        .map((byte) => byte.toString(16).padStart(2, '0'))
        .join('');
    }
    return hashes;
  });
}

/** Small photo-like JPEGs with distinct names, quick to compress. */
export function smallPhotos(count: number, prefix = 'photo'): SampleImageSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `${prefix}-${String(index + 1).padStart(2, '0')}.jpg`,
    type: 'image/jpeg' as const,
    width: 640,
    height: 480,
    seed: index + 1,
  }));
}

/** Waits until every row the panel holds was handed over to the worker (stored). */
export async function waitUntilHandedOver(panel: FrameLocator, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await panel.locator('[data-status=compressing], [data-status=handing-over]').count()) > 0) {
    if (Date.now() > deadline) throw new Error('images were not handed over in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
