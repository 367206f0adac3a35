import type { FrameLocator, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mediawikiToken } from '../../scripts/lib/host-replies';
import { startMediaWiki } from '../../scripts/lib/mediawiki';
import {
  type Harness,
  makeSamples,
  openOptions,
  openPanelWith,
  pasteClipboard,
  smallPhotos,
  startHarness,
} from './harness';

/**
 * Ready-made hosts the way a user meets them: choose one in the options,
 * type only the key or address, save, upload. The receiver poses as the host
 * (its documented reply shapes, scripts/lib/host-replies.ts).
 */

/** Chooses a host in the gallery, types the answers, fills the form and saves it. */
async function saveFromGallery(options: Page, hostId: string, answers: Record<string, string>): Promise<void> {
  await options.locator(`[data-testid=host-preset][data-host-id=${hostId}]`).click();
  const asks = options.locator('[data-testid=host-asks]');
  for (const [key, value] of Object.entries(answers)) await asks.locator(`input[name=ask-${key}]`).fill(value);
  await asks.locator('[data-testid=host-fill]').click();
  await options.locator('[data-testid=destination-editor]').waitFor();
  await options.locator('[data-testid=save-destination]').click();
  await options.locator('[data-testid=save-state]').waitFor();
}

async function copyAll(harness: Harness, panel: FrameLocator): Promise<string> {
  await panel.locator('[data-testid=copy-all]').click();
  await expect.poll(() => panel.locator('[data-testid=copy-all]').textContent()).toBe('Copied');
  return pasteClipboard(harness);
}

describe('ready-made hosts', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('Chevereto from the gallery: the address and key typed, saved, an upload marks the row Done with its links; Copy all as BBCode', async () => {
    const { origin } = harness.receiver;
    const samples = await makeSamples(harness, smallPhotos(1, 'chevereto'));
    const options = await openOptions(harness);
    await saveFromGallery(options, 'chevereto', { siteUrl: `${origin}/chevereto/`, apiKey: 'chv-KEY-5e1f' });
    const editor = options.locator('[data-testid=destination-editor]');
    expect(await editor.locator('input[name=url]').inputValue()).toBe(`${origin}/chevereto/api/1/upload`);
    expect(await editor.locator('input[name=fileField]').inputValue()).toBe('source');
    await options.locator('[data-testid=destination-row]', { hasText: 'Chevereto' }).waitFor();
    await options.close();

    const { page, panel } = await openPanelWith(harness, 'Chevereto', 0.3);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    const [upload] = await harness.receiver.waitForUploads(1, 30_000);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(1);
    if (!upload) throw new Error('no upload');
    expect([upload.path, upload.fileField, upload.fields.format, upload.headers['x-api-key']]).toEqual([
      '/chevereto/api/1/upload',
      'source',
      'json',
      'chv-KEY-5e1f',
    ]);
    const href = (testId: string) =>
      panel.locator(`[data-testid=${testId}]`).evaluate((anchor) => (anchor as HTMLAnchorElement).href);
    expect(await href('result-link')).toBe(upload.url);
    expect(await href('thumbnail-link')).toBe(`${upload.url}?thumb=1`);
    expect(await href('deletion-link')).toBe(`${origin}/delete/${encodeURIComponent(upload.savedAs)}`);
    // The key lives in the destination's header, in the background: never in the web page.
    expect(await page.content()).not.toContain('chv-KEY-5e1f');

    await panel.locator('select[name=copy-format]').selectOption('bbcode');
    expect(await copyAll(harness, panel)).toBe(`[url=${upload.url}][img]${upload.url}?thumb=1[/img][/url]`);
  });

  it('MediaWiki from the gallery: the token is fetched first with the wiki session, then the upload carries it; signed out, the row names the wiki refusal', async () => {
    const { origin } = harness.receiver;
    const samples = await makeSamples(harness, smallPhotos(2, 'wiki'));
    // Signing in to the wiki: the receiver's session cookie.
    const signIn = await harness.browser.context.newPage();
    await signIn.goto(`${origin}/form-page`);
    await signIn.close();
    const options = await openOptions(harness);
    await saveFromGallery(options, 'mediawiki', { apiUrl: `${origin}/mediawiki/api.php` });
    await options.locator('[data-testid=destination-row]', { hasText: 'MediaWiki' }).waitFor();
    await options.close();

    const { panel } = await openPanelWith(harness, 'MediaWiki', 0.3);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples[0]?.path as string);
    const [upload] = await harness.receiver.waitForUploads(1, 30_000);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(1);
    if (!upload) throw new Error('no upload');
    const tokenAt = harness.receiver.hits.indexOf(
      'GET /mediawiki/api.php?action=query&meta=tokens&type=csrf&format=json',
    );
    const uploadAt = harness.receiver.hits.indexOf('POST /mediawiki/api.php');
    expect(tokenAt).toBeGreaterThanOrEqual(0);
    expect(uploadAt).toBeGreaterThan(tokenAt);
    const cookie = String(upload.headers.cookie);
    expect(cookie).toContain(harness.receiver.formCookie);
    expect(upload.fields).toMatchObject({
      action: 'upload',
      format: 'json',
      filename: upload.filename,
      token: mediawikiToken(cookie, harness.receiver.formCookie),
    });
    expect(upload.fields.token).not.toBe('+\\');
    expect(
      await panel.locator('[data-testid=result-link]').evaluate((anchor) => (anchor as HTMLAnchorElement).href),
    ).toBe(upload.url);

    // Signed out: the wiki hands out the anonymous token and refuses the upload with a 200; the row says why.
    await harness.browser.context.clearCookies();
    await panel.locator('[data-testid=file-input]').setInputFiles(samples[1]?.path as string);
    await expect.poll(() => panel.locator('[data-status=failed]').count(), { timeout: 30_000 }).toBe(1);
    expect(await panel.locator('[data-status=failed] [data-testid=item-error]').textContent()).toContain(
      'You must be logged in to upload this file.',
    );
  });

  it('a real MediaWiki (Debian package, SQLite): signed in through its login page, the preset uploads, the row is Done, and the wiki keeps the file', async () => {
    const wiki = await startMediaWiki(harness.scratch);
    try {
      const samples = await makeSamples(harness, smallPhotos(1, 'realwiki'));
      const login = await harness.browser.context.newPage();
      await login.goto(`${wiki.origin}/index.php?title=Special:UserLogin`);
      await login.locator('#wpName1').fill(wiki.user);
      await login.locator('#wpPassword1').fill(wiki.password);
      await Promise.all([login.waitForURL(/Main_Page/), login.locator('#wpLoginAttempt').click()]);
      await login.close();

      const options = await openOptions(harness);
      await saveFromGallery(options, 'mediawiki', { apiUrl: wiki.apiUrl });
      await options.locator('[data-testid=destination-row]', { hasText: 'MediaWiki' }).waitFor();
      await options.close();
      const { panel } = await openPanelWith(harness, 'MediaWiki', 0.3);
      await panel.locator('[data-testid=file-input]').setInputFiles(samples[0]?.path as string);
      await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 30_000 }).toBe(1);
      const link = await panel
        .locator('[data-testid=result-link]')
        .evaluate((anchor) => (anchor as HTMLAnchorElement).href);
      expect(link.startsWith(`${wiki.origin}/images/`)).toBe(true);

      // The wiki itself says it has the file, uploaded by the signed-in user, with the bytes the link serves.
      const listed = (await (
        await fetch(`${wiki.apiUrl}?action=query&list=allimages&aiprop=url|user|size&format=json`)
      ).json()) as { query: { allimages: { url: string; user: string; size: number }[] } };
      expect(listed.query.allimages).toHaveLength(1);
      expect(listed.query.allimages[0]).toMatchObject({ url: link, user: wiki.user });
      const served = await fetch(link);
      expect(served.status).toBe(200);
      expect((await served.arrayBuffer()).byteLength).toBe(listed.query.allimages[0]?.size);
    } finally {
      await wiki.close();
    }
  });
});
