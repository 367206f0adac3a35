import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
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

/** Writes bytes a test built into the harness's scratch folder; returns the file's path. */
export async function writeSample(harness: Harness, name: string, bytes: Buffer): Promise<string> {
  const file = path.join(harness.scratch, name);
  await writeFile(file, bytes);
  return file;
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

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

/** What a test fills in the options page's destination editor; unset fields keep the editor's defaults. */
export interface DestinationForm {
  name: string;
  url: string;
  method?: 'POST' | 'PUT' | 'PATCH';
  body?: 'multipart' | 'binary' | 'json' | 'form-urlencoded';
  fileField?: string;
  replyUrl?: string;
  replyThumbnailUrl?: string;
  replyDeletionUrl?: string;
  /** The host's rate-limit body pattern (json:FIELD or /REGEX/); unset leaves it empty. */
  rateLimitBodyPattern?: string;
  /** "Name: value" lines. */
  headers?: string;
  /** A preset id; '' is "Default (the global preset)". */
  compressionPreset?: string;
  transparentAs?: 'webp' | 'png';
  /** "File name on the host" (`{name}`, `{hash}`, `{date}`, `{counter}`). */
  fileNameTemplate?: string;
  /** "Photos as": 'webp' for a host that accepts WebP. */
  photosAs?: 'jpeg' | 'webp';
  /** "How the file travels"; unset keeps the whole-file request. */
  transport?:
    | { kind: 'post' | 'tus' | 'ietf-resumable'; chunkMb?: number }
    /** An S3 bucket: its fields as the editor names them (`s3.endpoint`, `s3.bucket`, …). */
    | { kind: 's3-multipart'; s3: Record<string, string | boolean> };
  /** Its own pace ("Its own" in the editor); unset follows the global settings. */
  pacing?: { mode?: 'sequential' | 'staggered' | 'adaptive'; delaySeconds: number };
}

/** Opens the options page in a tab. */
export async function openOptions(harness: Harness): Promise<Page> {
  const page = await harness.browser.context.newPage();
  await page.goto(`chrome-extension://${harness.browser.extensionId}/options.html`);
  await page.locator('[data-testid=new-destination]').waitFor();
  return page;
}

/** Fills the destination editor the way a user does (a new destination unless the editor is already open). */
export async function fillDestinationEditor(options: Page, form: DestinationForm): Promise<void> {
  if ((await options.locator('[data-testid=destination-editor]').count()) === 0) {
    await options.locator('[data-testid=new-destination]').click();
  }
  const editor = options.locator('[data-testid=destination-editor]');
  await editor.locator('input[name=name]').fill(form.name);
  await editor.locator('input[name=url]').fill(form.url);
  if (form.method) await editor.locator('select[name=method]').selectOption(form.method);
  if (form.body) await editor.locator('select[name=body]').selectOption(form.body);
  if (form.fileField) await editor.locator('input[name=fileField]').fill(form.fileField);
  if (form.headers !== undefined) await editor.locator('textarea[name=headers]').fill(form.headers);
  if (form.replyUrl !== undefined) await editor.locator('input[name=replyUrl]').fill(form.replyUrl);
  if (form.replyThumbnailUrl !== undefined) {
    await editor.locator('input[name=replyThumbnailUrl]').fill(form.replyThumbnailUrl);
  }
  if (form.replyDeletionUrl !== undefined) {
    await editor.locator('input[name=replyDeletionUrl]').fill(form.replyDeletionUrl);
  }
  if (form.rateLimitBodyPattern !== undefined)
    await editor.locator('input[name=rateLimitBodyPattern]').fill(form.rateLimitBodyPattern);
  if (form.compressionPreset !== undefined) {
    await editor.locator('select[name=compressionPreset]').selectOption(form.compressionPreset);
  }
  if (form.fileNameTemplate !== undefined) {
    await editor.locator('input[name=fileNameTemplate]').fill(form.fileNameTemplate);
  }
  if (form.transparentAs) await editor.locator('select[name=transparentAs]').selectOption(form.transparentAs);
  if (form.photosAs) await editor.locator('select[name=photosAs]').selectOption(form.photosAs);
  if (form.transport) {
    await editor.locator('select[name=transport]').selectOption(form.transport.kind);
    if ('chunkMb' in form.transport && form.transport.chunkMb !== undefined) {
      await editor.locator('input[name=tusChunkMb]').fill(String(form.transport.chunkMb));
    }
    if ('s3' in form.transport) {
      for (const [name, value] of Object.entries(form.transport.s3)) {
        if (typeof value === 'boolean') await editor.locator(`input[name="s3.${name}"]`).setChecked(value);
        else if (name === 'signing') await editor.locator('select[name="s3.signing"]').selectOption(value);
        else await editor.locator(`input[name="s3.${name}"]`).fill(value);
      }
    }
  }
  if (form.pacing) {
    await editor.locator('select[name=destinationPacing]').selectOption('own');
    // The own fields appear once they are filled from the global settings.
    const mode = editor.locator('select[name=destinationMode]');
    await mode.waitFor();
    if (form.pacing.mode) await mode.selectOption(form.pacing.mode);
    await editor.locator('input[name=destinationDelay]').fill(String(form.pacing.delaySeconds));
  }
}

/**
 * Adds a destination through the options page and saves it (which asks for
 * its origin's permission in the click). Resolves once it is stored.
 */
export async function addDestination(harness: Harness, form: DestinationForm): Promise<void> {
  const options = await openOptions(harness);
  await fillDestinationEditor(options, form);
  await options.locator('[data-testid=save-destination]').click();
  await options.locator(`[data-testid=destination-row]`, { hasText: form.name }).waitFor();
  await options.close();
}

/**
 * Opens a page on the receiver's origin and the panel in it through the
 * popup, with `destination` (default: the receiver's /upload) chosen and the
 * pace set.
 */
export async function openConfiguredPanel(
  harness: Harness,
  delaySeconds: number,
  destination: DestinationForm = { name: 'Local receiver', url: harness.receiver.uploadUrl },
  pagePath = '/',
): Promise<{ page: Page; panel: FrameLocator; frame: Frame }> {
  await addDestination(harness, destination);
  return openPanelWith(harness, destination.name, delaySeconds, pagePath);
}

/** Opens a page on the receiver's origin and the panel in it, with the saved destination `name` chosen and the pace set. */
export async function openPanelWith(
  harness: Harness,
  name: string,
  delaySeconds: number,
  pagePath = '/',
): Promise<{ page: Page; panel: FrameLocator; frame: Frame }> {
  const page = await harness.browser.context.newPage();
  await page.goto(`${harness.receiver.origin}${pagePath}`);
  const panel = await openPanelFromPopup(harness.browser, page);
  await panel.locator('select[name=destination]').selectOption({ label: name });
  await panel.locator('input[name=delay]').fill(String(delaySeconds));
  await panel.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
  const frame = page.frames().find((candidate) => candidate.url().endsWith('/panel.html'));
  if (!frame) throw new Error('panel frame not found');
  // Settings save as the user types and chooses; wait until the stored values are the chosen ones.
  await frame.waitForFunction(
    async ([chosen, delayMs]) => {
      const stored = await chrome.storage.local.get(['destinations', 'activeDestinationId', 'pacing']);
      const active = (stored.destinations as { id: string; name: string }[] | undefined)?.find(
        (candidate) => candidate.id === stored.activeDestinationId,
      );
      return active?.name === chosen && (stored.pacing as { delayMs?: number } | undefined)?.delayMs === delayMs;
    },
    [name, Math.round(delaySeconds * 1000)] as const,
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

/**
 * Starts measuring how long the main thread of a page or frame goes without
 * running a 10 ms timer: a frozen page shows as a long gap.
 */
export async function watchMainThread(target: Page | Frame): Promise<() => Promise<number>> {
  await target.evaluate(() => {
    const state = { last: performance.now(), longest: 0 };
    (window as unknown as { cadenceLongestGap: typeof state }).cadenceLongestGap = state;
    setInterval(() => {
      const now = performance.now();
      state.longest = Math.max(state.longest, now - state.last);
      state.last = now;
    }, 10);
  });
  return () =>
    target.evaluate(() => (window as unknown as { cadenceLongestGap: { longest: number } }).cadenceLongestGap.longest);
}

/** Reads the clipboard back as a user would: pastes it into a text box on a page. */
export async function pasteClipboard(harness: Harness): Promise<string> {
  const notes = await harness.browser.context.newPage();
  await notes.setContent('<textarea></textarea>');
  await notes.locator('textarea').focus();
  await notes.keyboard.press('ControlOrMeta+V');
  const text = await notes.locator('textarea').inputValue();
  await notes.close();
  return text;
}

/**
 * The last row is an image its destination already received (the ledger:
 * same original, see docs/ledger.md), shown "Already uploaded" and not sent:
 * press its "Send again anyway", as a user who wants this rendition too does.
 */
export async function sendAgainAnyway(panel: FrameLocator): Promise<void> {
  const row = panel.locator('[data-testid=item-row]').last();
  await row.and(panel.locator('[data-status="already-uploaded"]')).waitFor({ timeout: 30_000 });
  await row.locator('[data-testid=send-again]').click();
}
