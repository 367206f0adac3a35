import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPanelFromPopup } from '../../scripts/lib/browser';
import { addDestination, type Harness, startHarness } from './harness';

/**
 * "Upload this image". Headless Chromium cannot open or click a native
 * context menu, and no DevTools command dispatches `contextMenus.onClicked`
 * (puppeteer#5001, webdriverio#15064). So the click's own routing is
 * unit-tested (tests/unit/context-menu.test.ts) and these tests drive,
 * for real, everything below it: the menus Chrome holds, the frame's content
 * script reading blob:, data: and cookie-protected images in the page's
 * origin and replying with a File by structured clone, and the panel taking
 * waiting images like dropped files. The steps the worker's click handler
 * performs are performed here from the worker with the same Chrome calls.
 *
 * The test copy of the extension has http://127.0.0.1/* as a host
 * permission (scripts/lib/browser.ts), so `activeTab` plays no part here.
 */

/** The envelope @webext-core/messaging puts around a message (its `type`, `data`, `timestamp`). */
function envelope(type: string, data: unknown) {
  return { id: 1, type, data, timestamp: Date.now() };
}

describe('"Upload this image" below the click', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('Chrome holds one Cadence parent with "Upload here" and "Upload this image" under it', async () => {
    // contextMenus.update rejects for an id Chrome does not hold, and refuses a parent that does not exist.
    // Made on install, after the chosen language is read: poll until Chrome has them.
    const holds = () =>
      harness.browser.serviceWorker.evaluate(async () => {
        const check = async (id: string, properties: Parameters<typeof chrome.contextMenus.update>[1] = {}) =>
          chrome.contextMenus.update(id, properties).then(
            () => 'ok',
            (error: Error) => error.message,
          );
        return {
          parent: await check('cadence'),
          uploadHere: await check('cadence-upload-here', { parentId: 'cadence' }),
          uploadImage: await check('cadence-upload-image', { parentId: 'cadence' }),
          unknown: await check('cadence-not-a-menu'),
        };
      });
    await expect.poll(holds, { timeout: 10_000 }).toMatchObject({ parent: 'ok', uploadHere: 'ok', uploadImage: 'ok' });
    expect((await holds()).unknown).not.toBe('ok');
  });

  it("the clicked frame's script reads blob:, data: and cookie images as the page would, and replies with a File", async () => {
    const origin = harness.receiver.origin;
    const page = await harness.browser.context.newPage();
    // /form-page sets the HttpOnly session cookie that /cookie-image.png asks for.
    await page.goto(`${origin}/form-page`);
    const made = await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const context = canvas.getContext('2d') as CanvasRenderingContext2D;
      context.fillStyle = '#3a7';
      context.fillRect(0, 0, 64, 48);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((made) => resolve(made as Blob), 'image/png'));
      const hex = async (buffer: ArrayBuffer) =>
        [...new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))]
          .map((byte) => byte.toString(16).padStart(2, '0'))
          .join('');
      const dataUrl = canvas.toDataURL('image/jpeg', 0.9);
      return {
        // Only the page's origin can read this URL: the worker cannot.
        blobUrl: URL.createObjectURL(blob),
        blobHash: await hex(await blob.arrayBuffer()),
        dataUrl,
        dataHash: await hex(await (await fetch(dataUrl)).arrayBuffer()),
      };
    });
    const cookieImageUrl = `${origin}/cookie-image.png`;
    const urls = [made.blobUrl, made.dataUrl, cookieImageUrl, `${origin}/uploads.json`];

    const readInFrame = () =>
      harness.browser.serviceWorker.evaluate(
        async ({ pageUrl, urls, messages }) => {
          const [tab] = await chrome.tabs.query({ url: pageUrl });
          const tabId = tab?.id as number;
          await chrome.scripting.executeScript({
            target: { tabId, frameIds: [0] },
            files: ['/content-scripts/image-fetch.js'],
          });
          const hex = async (buffer: ArrayBuffer) =>
            [...new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))]
              .map((byte) => byte.toString(16).padStart(2, '0'))
              .join('');
          const replies = [];
          for (const [index, url] of urls.entries()) {
            const reply = await chrome.tabs.sendMessage(tabId, messages[index], { frameId: 0 });
            const result = reply.res;
            if (result?.kind === 'file') {
              const file = result.file as File;
              replies.push({
                kind: 'file',
                isFile: file instanceof File,
                name: file.name,
                type: file.type,
                size: file.size,
                hash: await hex(await file.arrayBuffer()),
              });
            } else replies.push(result ?? { url, missing: true });
          }
          return replies;
        },
        { pageUrl: page.url(), urls, messages: urls.map((url) => envelope('page/fetch-image', { url })) },
      );

    const [blobReply, dataReply, cookieReply, jsonReply] = await readInFrame();
    expect(blobReply).toEqual({
      kind: 'file',
      isFile: true,
      name: 'image.png',
      type: 'image/png',
      size: expect.any(Number),
      hash: made.blobHash,
    });
    expect(dataReply).toMatchObject({ kind: 'file', isFile: true, name: 'image.jpg', type: 'image/jpeg' });
    expect(dataReply).toHaveProperty('hash', made.dataHash);
    expect(cookieReply).toMatchObject({ kind: 'file', isFile: true, name: 'cookie-image.png', type: 'image/png' });
    expect(jsonReply).toEqual({ kind: 'error', code: 'not-image', name: 'uploads.json', detail: 'application/json' });

    // Without the page's session cookie the same image is refused: the cookie is what opened it.
    await harness.browser.context.clearCookies();
    const [, , cookieless] = await readInFrame();
    expect(cookieless).toEqual({ kind: 'error', code: 'fetch-failed', name: 'cookie-image.png', detail: 'HTTP 403' });
  });

  it('an image inside an iframe is read by a script injected into that frame alone', async () => {
    const origin = harness.receiver.origin;
    const page = await harness.browser.context.newPage();
    await page.goto(`${origin}/form-page`);
    await page.evaluate(
      (src) =>
        new Promise((resolve) => {
          const frame = document.createElement('iframe');
          frame.src = src;
          frame.onload = resolve;
          document.body.append(frame);
        }),
      `${origin}/?in-frame`,
    );
    const child = page.frames().find((frame) => frame.url().endsWith('?in-frame'));
    const blobUrl = await (child as NonNullable<typeof child>).evaluate(async () => {
      const canvas = new OffscreenCanvas(20, 20);
      (canvas.getContext('2d') as OffscreenCanvasRenderingContext2D).fillRect(0, 0, 20, 20);
      return URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
    });
    const outcome = await harness.browser.serviceWorker.evaluate(
      async ({ pageUrl, message }) => {
        const [tab] = await chrome.tabs.query({ url: pageUrl });
        const tabId = tab?.id as number;
        const frames = await chrome.scripting.executeScript({
          target: { tabId, allFrames: true },
          func: () => location.href,
        });
        const frameId = frames.find((frame) => String(frame.result).endsWith('?in-frame'))?.frameId as number;
        await chrome.scripting.executeScript({
          target: { tabId, frameIds: [frameId] },
          files: ['/content-scripts/image-fetch.js'],
        });
        const reply = await chrome.tabs.sendMessage(tabId, message, { frameId });
        // The top frame was not given the script, so it has nothing to answer with.
        const top = await chrome.tabs
          .sendMessage(tabId, message, { frameId: 0 })
          .catch((error: Error) => error.message);
        return {
          frameId,
          name: reply?.res?.file?.name,
          size: reply?.res?.file?.size,
          top: top === undefined ? 'no answer' : top,
        };
      },
      { pageUrl: page.url(), message: envelope('page/fetch-image', { url: blobUrl }) },
    );
    expect(outcome.frameId).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ name: 'image.png', size: expect.any(Number) });
    expect(outcome.size).toBeGreaterThan(0);
    expect(outcome.top).not.toHaveProperty('res');
  });

  it("images waiting for a tab go into that tab's panel like dropped files; a failed read is a named error row", async () => {
    const origin = harness.receiver.origin;
    await addDestination(harness, { name: 'Local receiver', url: harness.receiver.uploadUrl });
    const page = await harness.browser.context.newPage();
    await page.goto(`${origin}/`);
    const other = await harness.browser.context.newPage();
    await other.goto(`${origin}/form-page`);
    await page.bringToFront();

    /** What the worker's click handler stores (utils/page-images/pending.ts), written in the same database. */
    const leaveForTab = (
      pageUrl: string,
      entries: ({ name: string; png: true } | { name: string; error: string; detail: string })[],
    ) =>
      harness.browser.serviceWorker.evaluate(
        async ({ pageUrl, entries, ready }) => {
          const [tab] = await chrome.tabs.query({ url: pageUrl });
          // A colour of its own per image: the same bytes twice would be "Already uploaded" (the ledger).
          const pngOf = (name: string) => {
            const canvas = new OffscreenCanvas(80, 60);
            const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
            context.fillStyle = `rgb(200, ${name.length * 10}, 50)`;
            context.fillRect(0, 0, 80, 60);
            return canvas.convertToBlob({ type: 'image/png' });
          };
          const pngs = await Promise.all(entries.map((entry) => pngOf(entry.name)));
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const request = indexedDB.open('cadence-page-images');
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          const transaction = db.transaction('images', 'readwrite');
          for (const [index, entry] of entries.entries()) {
            transaction.objectStore('images').put({
              id: crypto.randomUUID(),
              tabId: tab?.id,
              createdAt: Date.now() + index / 1000,
              result:
                'png' in entry
                  ? { kind: 'file', name: entry.name, bytes: pngs[index] }
                  : { kind: 'error', code: entry.error, name: entry.name, detail: entry.detail },
            });
          }
          await new Promise((resolve) => {
            transaction.oncomplete = resolve;
          });
          db.close();
          // The worker's notice to open panels; no panel open is fine.
          await chrome.runtime.sendMessage(ready).catch(() => {});
        },
        { pageUrl, entries, ready: envelope('page-images/ready', undefined) },
      );

    // Waiting before the panel exists (the click opens the panel while the image is read).
    await leaveForTab(page.url(), [{ name: 'right-clicked.png', png: true }]);
    await leaveForTab(other.url(), [{ name: 'other-tab.png', png: true }]);
    const panel = await openPanelFromPopup(harness.browser, page);
    await panel.locator('input[name=delay]').fill('0.3');
    const [first] = await harness.receiver.waitForUploads(1, 30_000);
    // Through the compressor, like a dropped file: a flat 80x60 PNG is smaller than any JPEG of it, so it
    // stays a PNG (an automatic format change is never a requirement).
    expect(first?.filename).toBe('right-clicked.png');

    // Arriving while the panel is open.
    await leaveForTab(page.url(), [
      { name: 'second.png', png: true },
      { name: 'notes.html', error: 'not-image', detail: 'text/html' },
      { name: 'huge.png', error: 'too-large', detail: String(300 * 1024 * 1024) },
    ]);
    const uploads = await harness.receiver.waitForUploads(2, 30_000);
    expect(uploads.map((upload) => upload.filename)).toEqual(['right-clicked.png', 'second.png']);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(2);
    const errorRow = (name: string) => panel.locator('[data-testid=item-row]', { hasText: name });
    await expect.poll(() => errorRow('notes.html').getAttribute('data-status')).toBe('error');
    expect(await errorRow('notes.html').locator('[data-testid=item-error]').textContent()).toContain(
      'Not an image (text/html)',
    );
    expect(await errorRow('huge.png').locator('[data-testid=item-error]').textContent()).toContain('too large');
    // In the order they were right-clicked, the failed ones in their place.
    const names = await panel.locator('[data-testid=item-row] .item-name').allTextContents();
    expect(names.map((name) => name.replace(/\.\w+$/, ''))).toEqual(['right-clicked', 'second', 'notes', 'huge']);
    // The other tab's image stayed for that tab's panel.
    expect(harness.receiver.uploads.filter((upload) => upload.filename.startsWith('other-tab'))).toEqual([]);
  });
});
