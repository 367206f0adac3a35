import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import {
  CADENCE_MENU,
  createContextMenus,
  onContextMenuClick,
  UPLOAD_HERE_MENU,
  UPLOAD_IMAGE_MENU,
} from '@/entrypoints/background/context-menu';
import { openPanelInTab } from '@/entrypoints/background/panel-injection';
import { isPageImageResult } from '@/entrypoints/background/upload-image';
import { loadLanguage } from '@/utils/i18n';
import { languageSetting } from '@/utils/settings';

describe('the Cadence context menu', () => {
  const titles: Record<string, string> = {
    extName: 'Cadence',
    menuUploadHere: 'Upload here',
    menuUploadImage: 'Upload this image',
  };
  beforeEach(() => {
    browser.contextMenus.create = vi.fn() as unknown as typeof browser.contextMenus.create;
    browser.contextMenus.removeAll = vi.fn(async () => {}) as unknown as typeof browser.contextMenus.removeAll;
    browser.scripting.executeScript = vi.fn(async () => []) as unknown as typeof browser.scripting.executeScript;
    browser.i18n.getMessage = vi.fn((key: string) => titles[key] ?? '') as typeof browser.i18n.getMessage;
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('puts "Upload here" (pages, frames) and "Upload this image" (images) under one Cadence parent', async () => {
    await createContextMenus();
    const created = vi.mocked(browser.contextMenus.create).mock.calls.map(([properties]) => properties);
    const documentUrlPatterns = ['http://*/*', 'https://*/*'];
    expect(created).toEqual([
      { id: CADENCE_MENU, title: 'Cadence', contexts: ['page', 'frame', 'image'], documentUrlPatterns },
      {
        id: UPLOAD_HERE_MENU,
        parentId: CADENCE_MENU,
        title: 'Upload here',
        contexts: ['page', 'frame'],
        documentUrlPatterns,
      },
      {
        id: UPLOAD_IMAGE_MENU,
        parentId: CADENCE_MENU,
        title: 'Upload this image',
        contexts: ['image'],
        documentUrlPatterns,
      },
    ]);
    // Made again on a language change: the old items go first, or the ids would clash.
    expect(browser.contextMenus.removeAll).toHaveBeenCalledBefore(vi.mocked(browser.contextMenus.create));
  });

  it('titles follow the language chosen in the options (한국어 here, over an English browser)', async () => {
    const korean = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../public/_locales/ko/messages.json'), 'utf8'),
    );
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(korean)));
    await languageSetting.setValue('ko');
    try {
      await createContextMenus();
    } finally {
      vi.unstubAllGlobals();
      await languageSetting.setValue('auto');
      await loadLanguage();
    }
    const titles = vi.mocked(browser.contextMenus.create).mock.calls.map(([properties]) => properties.title);
    expect(titles).toEqual(['Cadence', '여기에 업로드', '이 이미지 업로드']);
  });

  it('"Upload here" injects the panel script, after its one-time token, into the clicked tab only', async () => {
    const uploadImage = vi.fn(async () => {});
    await onContextMenuClick({ menuItemId: UPLOAD_HERE_MENU }, { id: 42 }, uploadImage);
    const calls = vi.mocked(browser.scripting.executeScript).mock.calls.map(([injection]) => injection);
    expect(calls.map((injection) => injection.target)).toEqual([{ tabId: 42 }, { tabId: 42 }]);
    expect(calls[0]).toMatchObject({ args: [expect.any(String)] });
    expect(calls[1]).toMatchObject({ files: ['/content-scripts/page.js'] });
    expect(uploadImage).not.toHaveBeenCalled();
  });

  it.each([
    { case: 'the page itself', frameId: 0, expected: 0 },
    { case: 'an iframe', frameId: 7, expected: 7 },
    { case: 'no frame id given', frameId: undefined, expected: 0 },
  ])('"Upload this image" in $case reads it in that frame of that tab', async ({ frameId, expected }) => {
    const uploadImage = vi.fn(async () => {});
    const srcUrl = 'blob:http://127.0.0.1/0b8f';
    await onContextMenuClick({ menuItemId: UPLOAD_IMAGE_MENU, srcUrl, frameId }, { id: 42 }, uploadImage);
    expect(uploadImage).toHaveBeenCalledExactlyOnceWith({ tabId: 42, frameId: expected, srcUrl });
    expect(browser.scripting.executeScript).not.toHaveBeenCalled();
  });

  it.each([
    { case: 'a panel is open', open: true, injections: 1 },
    { case: 'no panel is open', open: false, injections: 3 },
  ])('"Upload this image" when $case: an open panel is kept, not mounted anew', async ({ open, injections }) => {
    browser.scripting.executeScript = vi.fn(async () => [
      { frameId: 0, result: open, documentId: 'd' },
    ]) as unknown as typeof browser.scripting.executeScript;
    await openPanelInTab(42, { keepOpenPanel: true });
    const calls = vi.mocked(browser.scripting.executeScript).mock.calls.map(([injection]) => injection);
    expect(calls).toHaveLength(injections);
    expect(calls.some((injection) => 'files' in injection)).toBe(!open);
  });

  it.each([
    { case: 'another menu item', info: { menuItemId: 'something-else' }, tab: { id: 42 } },
    { case: 'a click with no tab (e.g. a devtools page)', info: { menuItemId: UPLOAD_HERE_MENU }, tab: undefined },
    { case: 'an image click with no tab', info: { menuItemId: UPLOAD_IMAGE_MENU, srcUrl: 'data:,' }, tab: undefined },
    { case: 'an image click without its URL', info: { menuItemId: UPLOAD_IMAGE_MENU }, tab: { id: 42 } },
  ])('does nothing for $case', async ({ info, tab }) => {
    const uploadImage = vi.fn(async () => {});
    await onContextMenuClick(info, tab, uploadImage);
    expect(browser.scripting.executeScript).not.toHaveBeenCalled();
    expect(uploadImage).not.toHaveBeenCalled();
  });
});

describe('the frame\'s reply to "Upload this image"', () => {
  const png = new File([new Uint8Array([137, 80, 78, 71])], 'a.png', { type: 'image/png' });
  it.each([
    { case: 'an image file', reply: { kind: 'file', file: png }, accepted: true },
    { case: 'a named error', reply: { kind: 'error', code: 'too-large', name: 'a.png', detail: '1' }, accepted: true },
    { case: 'nothing (no listener in the frame)', reply: undefined, accepted: false },
    {
      case: 'an empty file',
      reply: { kind: 'file', file: new File([], 'a.png', { type: 'image/png' }) },
      accepted: false,
    },
    {
      case: 'a file that is not an image',
      reply: { kind: 'file', file: new File(['<html>'], 'a.html', { type: 'text/html' }) },
      accepted: false,
    },
    {
      case: 'bytes that are not a File',
      reply: { kind: 'file', file: { size: 4, type: 'image/png' } },
      accepted: false,
    },
    { case: 'an unknown error code', reply: { kind: 'error', code: 'other', name: 'a', detail: '' }, accepted: false },
  ])('$case: $accepted', ({ reply, accepted }) => {
    expect(isPageImageResult(reply)).toBe(accepted);
  });
});
