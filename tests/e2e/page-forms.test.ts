import type { FrameLocator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openSiteUploader, signIn, useFormSite } from './form-site';
import { makeSamples, smallPhotos } from './harness';

/**
 * "This page's upload form" on a site shaped like WordPress's browser
 * uploader (form-site.ts): stored only when the submit button's name is in
 * the post, behind a session and a nonce. A row says "Done" only when the
 * site said it kept the file.
 */
describe("a site's own upload form, sent as the browser would, Done only when the site kept the file", () => {
  const context = useFormSite();

  /** Signs in (the site's session cookie), opens its uploader page and the panel on it. */
  async function openUploader(): Promise<{ page: Page; panel: FrameLocator }> {
    const opened = await openSiteUploader(context.harness, context.site);
    expect(new URL(opened.page.url()).pathname).toBe('/wp-admin/media-new.php');
    await opened.panel.locator('input[name=delay]').fill('0.3');
    return opened;
  }

  const row = (panel: FrameLocator, stem: string) => panel.locator('[data-testid=item-row]', { hasText: stem });
  const statusOf = (panel: FrameLocator, stem: string) => row(panel, stem).getAttribute('data-status');

  it('the form is chosen, its caption asked first, and the file stored with html-upload, the nonce and the session', async () => {
    const { harness, site } = context;
    const samples = await makeSamples(harness, smallPhotos(2, 'summer'));
    const { panel } = await openUploader();
    // No destination of their own: the page's form is chosen; its required caption is asked before anything is taken.
    const fields = panel.locator('[data-testid=page-form-fields]');
    await fields.waitFor();
    await panel.locator('[data-testid=page-form-missing]').waitFor();
    expect(await panel.locator('[data-testid=file-input]').count()).toBe(0);
    await fields.locator('input[data-field=caption]').fill('Beach, July');
    await fields.locator('select[data-field=licence]').selectOption('cc-by');
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));

    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 30_000 }).toBe(2);
    expect(site.media.map((media) => [media.filename.replace(/\.\w+$/, ''), media.caption, media.licence])).toEqual([
      ['summer-01', 'Beach, July', 'cc-by'],
      ['summer-02', 'Beach, July', 'cc-by'],
    ]);
    // The form data set in the browser's order: the file where its input is, then the button, then the hidden fields.
    expect(site.posts[0]).toEqual({
      signedIn: true,
      fieldNames: ['async-upload', 'html-upload', 'caption', 'licence', 'post_id', '_wpnonce', '_wp_http_referer'],
    });
  });

  it('signed out: the row names it with the site and offers Retry, never "Done"; after signing in, Retry stores it', async () => {
    const { harness, site } = context;
    const samples = await makeSamples(harness, smallPhotos(1, 'signed'));
    const { page, panel } = await openUploader();
    await panel.locator('[data-testid=page-form-fields] input[data-field=caption]').fill('x');
    site.signOut();
    await panel.locator('[data-testid=file-input]').setInputFiles(samples[0]?.path as string);

    await expect.poll(() => statusOf(panel, 'signed-01'), { timeout: 30_000 }).toBe('failed');
    const failed = row(panel, 'signed-01');
    expect(await failed.locator('[data-testid=item-error]').getAttribute('data-problem')).toBe('signed-out');
    expect(await failed.locator('[data-testid=item-problem]').textContent()).toBe(
      `Signed out of ${new URL(site.origin).host}: sign in, then Retry`,
    );
    expect(await failed.locator('[data-testid=status-chip]').textContent()).not.toMatch(/Done/);
    expect(site.media).toEqual([]);

    // Signed in again (in another tab, as a person would), Retry sends it and the site keeps it.
    await signIn(harness, site);
    await page.bringToFront();
    await failed.locator('[data-testid=retry-item]').click();
    await expect.poll(() => statusOf(panel, 'signed-01'), { timeout: 30_000 }).toBe('done');
    expect(site.media.map((media) => media.filename.replace(/\.\w+$/, ''))).toEqual(['signed-01']);
  });

  it('the form shown again with an error: failed with the site\'s words; a reply that does not name the file: "not confirmed", never "Done"', async () => {
    const { harness, site } = context;
    const samples = await makeSamples(harness, [...smallPhotos(1, 'refused'), ...smallPhotos(1, 'quiet')]);
    const { panel } = await openUploader();
    await panel.locator('[data-testid=page-form-fields] input[data-field=caption]').fill('x');
    await panel.locator('[data-testid=file-input]').setInputFiles(samples[0]?.path as string);

    await expect.poll(() => statusOf(panel, 'refused-01'), { timeout: 30_000 }).toBe('failed');
    const refused = row(panel, 'refused-01');
    expect(await refused.locator('[data-testid=item-error]').getAttribute('data-problem')).toBe('form-error');
    expect(await refused.locator('[data-testid=item-excerpt]').textContent()).toMatch(
      /has failed to upload\. Sorry, you are not allowed to upload this file type\./,
    );
    expect(await refused.locator('[data-testid=retry-item]').count()).toBe(1);

    site.quiet = true;
    await panel.locator('[data-testid=file-input]').setInputFiles(samples[1]?.path as string);
    await expect.poll(() => statusOf(panel, 'quiet-01'), { timeout: 30_000 }).toBe('unconfirmed');
    const quiet = row(panel, 'quiet-01');
    expect(await quiet.locator('[data-testid=status-chip]').textContent()).toBe('Sent; not confirmed by the site');
    // Counted apart from Done, in the panel's summary.
    expect(await panel.locator('[data-testid=batch-unconfirmed]').getAttribute('data-unconfirmed')).toBe('1');
    expect(await panel.locator('[data-testid=batch-done]').getAttribute('data-done')).toBe('0');
    expect(await panel.locator('[data-status=done]').count()).toBe(0);
  });

  it('closing the page pauses its batch by name, nothing lost; a panel on the site again goes on from there', async () => {
    const { harness, site } = context;
    const samples = await makeSamples(harness, smallPhotos(3, 'tabbound'));
    const { page, panel } = await openUploader();
    await panel.locator('[data-testid=page-form-fields] input[data-field=caption]').fill('x');
    // A long pause between uploads, so the tab is closed while two still wait.
    await panel.locator('input[name=delay]').fill('5');
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await expect.poll(() => site.media.length, { timeout: 30_000 }).toBe(1);
    await page.close();
    // Well past the pace's pause: nothing more is sent without the page.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect(site.media).toHaveLength(1);

    const { panel: again } = await openUploader();
    const notice = again.locator('[data-testid=page-gone]');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.getAttribute('data-waiting')).toBe('2');
    const chips = again.locator('[data-testid=item-row][data-status=queued] [data-testid=status-chip]');
    expect(await chips.allTextContents()).toEqual(['Paused: its page was closed', 'Paused: its page was closed']);
    await again.locator('input[name=delay]').fill('0.3');
    await notice.locator('[data-testid=go-on-here]').click();
    await expect.poll(() => site.media.length, { timeout: 30_000 }).toBe(3);
    expect(site.media.map((media) => media.filename.replace(/\.\w+$/, ''))).toEqual([
      'tabbound-01',
      'tabbound-02',
      'tabbound-03',
    ]);
    await expect.poll(() => again.locator('[data-status=done]').count(), { timeout: 15_000 }).toBe(3);
  });
});
