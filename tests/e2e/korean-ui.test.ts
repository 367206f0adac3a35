import type { FrameLocator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openSiteUploader, signIn, useFormSite } from './form-site';
import { makeSamples, openOptions, smallPhotos } from './harness';

/**
 * Names that stay as they are in any language: formats, protocols, headers,
 * template functions. Anything else in Latin letters, three words or more in
 * a row, is an English sentence that escaped _locales.
 */
const NAMES = [
  'Cadence',
  'Content-Type',
  'multipart/form-data',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'form-urlencoded',
  'ShareX',
];

/** Runs of three or more Latin words in visible text, URLs, paths, {templates} and NAMES left out. */
function englishRuns(text: string): string[] {
  let rest = text
    .replace(/\bhttps?:\/\/\S*/g, ' ')
    .replace(/(^|[\s(])\/[^\s)]*/g, ' ')
    .replace(/\{[^}]*\}?/g, ' ');
  for (const name of NAMES) rest = rest.split(name).join(' ');
  return [...rest.matchAll(/[A-Za-z][A-Za-z'’-]*(?:[ \t,;:()/.-]+[A-Za-z][A-Za-z'’-]*){2,}/g)].map((match) => match[0]);
}

/** What a person sees: visible text, without what the user, the page or a server wrote (marked translate="no"). */
async function visibleText(target: Page | FrameLocator): Promise<string> {
  const read = () => {
    const parts: string[] = [];
    const walk = (node: Node) => {
      if (node instanceof HTMLElement) {
        if (node.getAttribute('translate') === 'no') return;
        const style = getComputedStyle(node);
        if (style.display === 'none' || style.visibility === 'hidden') return;
        if (node instanceof HTMLSelectElement) {
          parts.push(
            node.selectedOptions[0]?.getAttribute('translate') === 'no' ? '' : (node.selectedOptions[0]?.text ?? ''),
          );
          return;
        }
      }
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      for (const child of node.childNodes) walk(child);
    };
    walk(document.body);
    // The notices drawn by CSS (the obscured note) are visible text too.
    parts.push(document.documentElement.getAttribute('data-obscured') ?? '');
    return parts.join('\n');
  };
  return 'locator' in target && !('goto' in target)
    ? (target as FrameLocator).locator('body').evaluate(read)
    : (target as Page).evaluate(read);
}

describe('한국어: no English sentence in what a person reads', () => {
  const context = useFormSite();

  it('the check finds an English sentence (so it can fail)', () => {
    expect(englishRuns('이름: give it a name')).toEqual(['give it a name']);
    const runs = englishRuns('URL: the URL must start with http:// or https://');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toContain('the URL must start with');
    expect(
      englishRuns(
        '헤더 Content-Type: Content-Type은 본문 형식에서 정해집니다 · multipart/form-data · https://a.example/b c d',
      ),
    ).toEqual([]);
  });

  it('every problem the destination editor and the settings can show, and the page form messages, are Korean', async () => {
    const { harness, site } = context;
    const options = await openOptions(harness);
    await Promise.all([options.waitForEvent('load'), options.locator('select[name=language]').selectOption('ko')]);
    await expect.poll(() => options.locator('h1').textContent()).toBe('Cadence 설정');

    // Settings typed wrong.
    await options.locator('input[name=delay]').fill('-5');
    // A destination with every problem the editor can name.
    await options.locator('[data-testid=new-destination]').click();
    const editor = options.locator('[data-testid=destination-editor]');
    await editor.locator('input[name=name]').fill('');
    await editor.locator('input[name=url]').fill('ftp://files.example/{nope');
    await editor.locator('textarea[name=headers]').fill('Content-Type: {filename\nBad Header: {regex:(|x}\nX-A: {xml}');
    await editor.locator('select[name=method]').selectOption('PUT');
    await editor.locator('select[name=body]').selectOption('form-urlencoded');
    await editor.locator('textarea[name=fields]').fill('caption={filename:x}');
    await editor.locator('input[name=replyUrl]').fill('{json:a} {filename:a|b|c} {random} }');
    await editor.locator('input[name=replyThumbnailUrl]').fill('{header} {prompt}');
    await editor.locator('input[name=replyDeletionUrl]').fill('{base64} {json:{json:a}}');
    await editor.locator('input[name=successStatuses]').fill('abc, 7xx');
    await editor.locator('select[name=destinationPacing]').selectOption('own');
    await editor.locator('input[name=destinationDelay]').fill('9999');
    const problems = editor.locator('[data-testid=destination-problems] li');
    await expect.poll(() => problems.count()).toBeGreaterThan(8);
    const problemFields = await problems.evaluateAll((items) => items.map((item) => item.getAttribute('data-field')));
    // The problems triggered: name, URL, headers, the body, reply templates, statuses.
    for (const field of ['name', 'url', 'header Content-Type', 'body.fields', 'reply.url', 'successStatuses']) {
      expect(problemFields).toContain(field);
    }
    await editor.locator('select[name=body]').selectOption('json');
    await editor.locator('textarea[name=jsonTemplate]').fill('{"a": ');
    // The token step with nothing to read the token with.
    await editor.locator('input[name=tokenStep]').check();
    await editor.locator('input[name=tokenUrl]').fill('https://other.example/token');
    await expect
      .poll(() => problems.evaluateAll((items) => items.map((item) => item.getAttribute('data-field'))))
      .toContain('tokenRequest.token');
    // A ready-made host's asks, one left empty and an address that is not one.
    await options.locator('[data-testid=host-preset][data-host-id=chevereto]').click();
    await options.locator('input[name=ask-siteUrl]').fill('ftp://images.example');
    await options.locator('[data-testid=host-fill]').click();
    await expect.poll(() => options.locator('[data-testid=host-ask-problems] li').count()).toBe(2);
    await expect.poll(async () => englishRuns(await visibleText(options))).toEqual([]);
    expect(await problems.count()).toBeGreaterThan(8);

    // The page form's messages: the fields to fill, signed out, not confirmed.
    const samples = await makeSamples(harness, [...smallPhotos(1, 'signed'), ...smallPhotos(1, 'quiet')]);
    const { page, panel } = await openSiteUploader(harness, site);
    await panel.locator('[data-testid=page-form-missing]').waitFor();
    expect(englishRuns(await visibleText(panel))).toEqual([]);
    await panel.locator('[data-testid=page-form-fields] input[data-field=caption]').fill('x');
    site.signOut();
    await panel.locator('[data-testid=file-input]').setInputFiles(samples[0]?.path as string);
    await panel.locator('[data-status=failed] [data-testid=item-problem]').waitFor({ timeout: 30_000 });
    await signIn(harness, site);
    await page.bringToFront();
    site.quiet = true;
    await panel.locator('[data-testid=file-input]').setInputFiles(samples[1]?.path as string);
    await panel.locator('[data-status=unconfirmed]').waitFor({ timeout: 30_000 });
    const text = await visibleText(panel);
    expect(text).toContain('로그아웃');
    expect(englishRuns(text)).toEqual([]);
  });
});
