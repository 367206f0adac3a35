/**
 * The README's screenshots, made from the real built extension in headless
 * Chromium, in English and Korean:
 *
 *   npm run screenshots -- [--out DIR] [--no-build]
 *
 * For each language: a fresh browser (`--lang`, which is what makes
 * chrome.i18n pick the locale), the local receiver refusing the second upload,
 * a destination saved in the options page, the panel opened through the
 * popup, a batch uploaded for real (done, refused, an unreadable file) and one
 * more image queued behind Pause. Writes {panel,popup,options}-{en,ko}.png.
 * Korean needs a CJK font (Debian: fonts-noto-cjk).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Frame } from 'playwright-core';
import { addDestinationInOptions, launchWithExtension, openPanelFromPopup, withPopup } from './lib/browser';
import { showMixedBatch } from './lib/mixed-batch';
import { generateSampleImages, type SampleImageSpec } from './lib/sample-images';
import { startReceiver } from './receiver';

const LANGUAGES = [
  { code: 'en', chromiumLang: 'en-US', destination: 'My image host', unreadable: 'notes.txt' },
  { code: 'ko', chromiumLang: 'ko', destination: '내 이미지 서버', unreadable: '메모.txt' },
] as const;

const PHOTOS: SampleImageSpec[] = [
  { name: 'street-3200x2400.jpg', type: 'image/jpeg', width: 3200, height: 2400, quality: 0.95, grain: 16, seed: 1 },
  { name: 'poster-1200x800.png', type: 'image/png', width: 1200, height: 800, grain: 12, seed: 2 },
  { name: 'portrait-1600x2400.jpg', type: 'image/jpeg', width: 1600, height: 2400, quality: 0.95, grain: 16, seed: 3 },
  { name: 'snapshot-800x600.jpg', type: 'image/jpeg', width: 800, height: 600, quality: 0.95, grain: 16, seed: 4 },
];

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'docs/screenshots' },
    'no-build': { type: 'boolean', default: false },
  },
});
const outDir = path.resolve(values.out ?? 'docs/screenshots');
await mkdir(outDir, { recursive: true });

if (!values['no-build']) {
  console.log('Building the extension (wxt build)...');
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const scratch = await mkdtemp(path.join(os.tmpdir(), 'cadence-screenshots-'));
try {
  for (const language of LANGUAGES) {
    await shoot(language);
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

async function shoot(language: (typeof LANGUAGES)[number]): Promise<void> {
  // The second upload is refused, so the list shows a failure next to the successes.
  const receiver = await startReceiver({
    dir: path.join(scratch, language.code, 'received'),
    faults: { replies: { 2: { status: 400 } } },
  });
  const launched = await launchWithExtension({ extraArgs: [`--lang=${language.chromiumLang}`] });
  try {
    const page = await launched.context.newPage();
    await page.setViewportSize({ width: 1100, height: 760 });
    await page.goto(`${receiver.origin}/`);
    const photos = await generateSampleImages(page, path.join(scratch, language.code, 'samples'), PHOTOS);
    const unreadable = path.join(scratch, language.code, language.unreadable);
    await writeFile(unreadable, 'not an image');

    await addDestinationInOptions(launched, language.destination, receiver.uploadUrl);
    const panel = await openPanelFromPopup(launched, page);
    await panel.locator('select[name=destination]').selectOption({ label: language.destination });
    await panel.locator('input[name=delay]').fill('0.3');
    const frame = page.frames().find((candidate) => candidate.url().endsWith('/panel.html')) as Frame;
    await frame.waitForFunction(
      async () => ((await chrome.storage.local.get('pacing')).pacing as { delayMs?: number })?.delayMs === 300,
    );
    const [first, second, third, fourth] = photos as [string, string, string, string];
    await showMixedBatch(panel, { uploaded: [first, second, unreadable, third], queued: [fourth] });
    // Destination and pace folded to their one line, as a user leaves them once set: the list gets the room.
    await panel.locator('[data-testid=panel-settings] summary').click();
    // No caret or focus ring from the clicks in the picture; the panel scrolled
    // from the drop zone down, so the rows are in it rather than the settings.
    await frame.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      document.querySelector('[data-testid=drop-zone]')?.scrollIntoView({ block: 'start' });
    });

    await save('panel', language.code, (file) => page.locator('[data-cadence-panel]').screenshot({ path: file }));
    await save('popup', language.code, (file) =>
      withPopup(launched, async (popup) => {
        await popup.screenshot({ path: file });
      }),
    );
    const options = await launched.context.newPage();
    // A short viewport and a full-page shot: the picture ends where the page does.
    await options.setViewportSize({ width: 760, height: 400 });
    await options.goto(`chrome-extension://${launched.extensionId}/options.html`);
    await options.locator('[data-testid=destination-row]').first().waitFor();
    await save('options', language.code, (file) => options.screenshot({ path: file, fullPage: true }));
  } finally {
    await launched.close({ removeProfile: true });
    await rm(launched.extensionDir, { recursive: true, force: true });
    await receiver.close();
  }
}

async function save(surface: string, language: string, take: (file: string) => Promise<unknown>): Promise<void> {
  const file = path.join(outDir, `${surface}-${language}.png`);
  await take(file);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
