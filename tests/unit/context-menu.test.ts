import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { createContextMenus, onContextMenuClick, UPLOAD_HERE_MENU } from '@/entrypoints/background/context-menu';

describe('"Upload here" in the context menu', () => {
  beforeEach(() => {
    browser.contextMenus.create = vi.fn() as unknown as typeof browser.contextMenus.create;
    browser.scripting.executeScript = vi.fn(async () => []) as unknown as typeof browser.scripting.executeScript;
    browser.i18n.getMessage = vi.fn((key: string) =>
      key === 'menuUploadHere' ? 'Upload here' : '',
    ) as typeof browser.i18n.getMessage;
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is offered on pages and frames', () => {
    createContextMenus();
    expect(browser.contextMenus.create).toHaveBeenCalledWith(
      expect.objectContaining({ id: UPLOAD_HERE_MENU, title: 'Upload here', contexts: ['page', 'frame'] }),
    );
  });

  it('injects the panel script, after its one-time token, into the clicked tab only', async () => {
    await onContextMenuClick({ menuItemId: UPLOAD_HERE_MENU }, { id: 42 });
    const calls = vi.mocked(browser.scripting.executeScript).mock.calls.map(([injection]) => injection);
    expect(calls.map((injection) => injection.target)).toEqual([{ tabId: 42 }, { tabId: 42 }]);
    expect(calls[0]).toMatchObject({ args: [expect.any(String)] });
    expect(calls[1]).toMatchObject({ files: ['/content-scripts/page.js'] });
  });

  it.each([
    { case: 'another menu item', info: { menuItemId: 'something-else' }, tab: { id: 42 } },
    { case: 'a click with no tab (e.g. a devtools page)', info: { menuItemId: UPLOAD_HERE_MENU }, tab: undefined },
  ])('does nothing for $case', async ({ info, tab }) => {
    await onContextMenuClick(info, tab);
    expect(browser.scripting.executeScript).not.toHaveBeenCalled();
  });
});
