import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPanelFromPopup, readPopupCounts, waitUntilSteady } from '../../scripts/lib/browser';
import {
  addDestination,
  type Harness,
  makeSamples,
  openConfiguredPanel,
  smallPhotos,
  startHarness,
  waitUntilHandedOver,
} from './harness';

const SECRET = 'Bearer sekrit-token-7f3a';

/**
 * What the page's own scripts can observe, recorded from the page's main
 * world from the first moment (before the panel is mounted): every message
 * event on the page's window, and the attributes and text of every node
 * added to the page. Playwright's init script runs in the page's main world,
 * exactly where a page script runs.
 */
function installPageSpy(): void {
  if (location.protocol !== 'http:') return;
  const seen: string[] = [];
  (window as unknown as { pageSaw: string[] }).pageSaw = seen;
  window.addEventListener(
    'message',
    (event) => {
      let data = '';
      try {
        data = JSON.stringify(event.data);
      } catch {
        data = String(event.data);
      }
      seen.push(`message from ${event.origin}: ${data}`);
    },
    true,
  );
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof Element) seen.push(`added: ${node.outerHTML}`);
      }
      if (record.type === 'attributes' && record.target instanceof Element) {
        seen.push(`attribute ${record.attributeName}: ${record.target.getAttribute(record.attributeName ?? '')}`);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

describe('a hostile page cannot drive or read the panel', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('postMessage, synthetic events, runtime messages and a fake panel change nothing and leak nothing', async () => {
    const { extensionId } = harness.browser;
    await harness.browser.context.addInitScript(installPageSpy);
    const samples = await makeSamples(harness, smallPhotos(3, 'secret-name'));
    const { page, panel, frame } = await openConfiguredPanel(harness, 0.3, {
      name: 'Private host',
      url: harness.receiver.uploadUrl,
      headers: `Authorization: ${SECRET}`,
    });
    const storedDestinations = () =>
      frame.evaluate(async () => JSON.stringify((await chrome.storage.local.get('destinations')).destinations));
    const destinationsBefore = await storedDestinations();
    expect(destinationsBefore).toContain(SECRET);

    // A paused batch: every item waits, so any start, cancel or addition would show.
    await panel.locator('[data-testid=pause]').click();
    await panel.locator('[data-testid=resume]').waitFor();
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await waitUntilHandedOver(panel);
    await expect.poll(() => panel.locator('[data-status=queued]').count()).toBe(3);
    const queueBefore = await readPopupCounts(harness.browser);
    expect(queueBefore).toEqual({ queued: 3, uploading: 0, done: 0, failed: 0 });

    // The page script tries everything it can reach, from the page's main world.
    const attempts = await page.evaluate(async (id) => {
      const results: Record<string, string> = {};
      const iframe = document.querySelector<HTMLIFrameElement>('[data-cadence-panel] iframe');
      if (!iframe?.contentWindow) throw new Error('no panel iframe');
      results.realSrc = iframe.src;
      const image = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], 'planted.jpg', { type: 'image/jpeg' });
      const shapes: unknown[] = [
        { kind: 'cancel-all' },
        { kind: 'resume' },
        // @webext-core/messaging's own message shape.
        { id: 1, type: 'queue/control', data: { kind: 'cancel-all' }, timestamp: Date.now() },
        { id: 2, type: 'queue/control', data: { kind: 'resume' }, timestamp: Date.now() },
        { id: 3, type: 'queue/get', data: undefined, timestamp: Date.now() },
        { id: 4, type: 'queue/clear-finished', data: undefined, timestamp: Date.now() },
        {
          id: 5,
          type: 'queue/add',
          data: {
            id: 'planted',
            file: image,
            originalSize: 4,
            width: 1,
            height: 1,
            destination: { kind: 'saved', id: 'x' },
          },
          timestamp: Date.now(),
        },
        // A guessed panel token.
        { type: 'cadence/panel-token', token: crypto.randomUUID() },
      ];
      for (const shape of shapes) {
        iframe.contentWindow.postMessage(shape, '*');
        window.postMessage(shape, '*');
      }

      // Synthetic events on the iframe and its wrapper: drop and paste with a file, clicks, keys.
      const transfer = new DataTransfer();
      transfer.items.add(image);
      for (const target of [iframe, iframe.parentElement as HTMLElement]) {
        target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
        target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true }));
        target.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 10, clientY: 10 }));
        target.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }
      iframe.focus();

      // No externally_connectable: the page has no runtime to send with.
      const runtime = (window as unknown as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime;
      results.runtime = typeof runtime?.sendMessage;
      try {
        (runtime as { sendMessage: (id: string, message: unknown) => unknown }).sendMessage(id, {
          id: 6,
          type: 'queue/control',
          data: { kind: 'cancel-all' },
          timestamp: Date.now(),
        });
        results.sendMessage = 'sent';
      } catch (error) {
        results.sendMessage = `threw ${(error as Error).name}`;
      }

      // The real panel's document is cross-origin.
      results.contentDocument = String(iframe.contentDocument);
      try {
        results.realPanelDom = iframe.contentWindow.document.body.innerHTML;
      } catch (error) {
        results.realPanelDom = `threw ${(error as Error).name}`;
      }

      // Fake panels: the panel URL itself, and a copy of the real iframe's src.
      for (const [name, src] of [
        ['fake-own', `chrome-extension://${id}/panel.html`],
        ['fake-copy', iframe.src],
      ] as const) {
        const fake = document.createElement('iframe');
        fake.name = name;
        fake.src = src;
        fake.style.cssText = 'position:fixed;left:0;top:0;width:420px;height:600px;opacity:0.01';
        document.body.append(fake);
        await new Promise((resolve) => fake.addEventListener('load', resolve, { once: true }));
        results[`${name}Document`] = String(fake.contentDocument);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      return results;
    }, extensionId);

    // The token never enters the DOM: the real iframe's src is the bare panel URL.
    expect(new URL(attempts.realSrc ?? '')).toMatchObject({ pathname: '/panel.html', search: '', hash: '' });
    expect(attempts.runtime).toBe('undefined');
    expect(attempts.sendMessage).toBe('threw TypeError');
    expect(attempts.contentDocument).toBe('null');
    expect(attempts.realPanelDom).toBe('threw SecurityError');
    expect(attempts['fake-ownDocument']).toBe('null');
    expect(attempts['fake-copyDocument']).toBe('null');

    // panel.html is reachable only at this session's dynamic URL (use_dynamic_url): the static one is blocked.
    const fakeOwn = page.frames().find((candidate) => candidate.name() === 'fake-own');
    expect(fakeOwn?.url()).toMatch(/^chrome-error:/);
    // A copy of the real iframe's src loads the panel, which shows the refusal and nothing of the queue or settings.
    const fakeCopy = page.frames().find((candidate) => candidate.name() === 'fake-copy');
    expect(fakeCopy?.url()).toBe(`chrome-extension://${extensionId}/panel.html`);
    const fake = fakeCopy as Frame;
    await fake.locator('[data-testid=panel-refused]').waitFor({ timeout: 10_000 });
    expect(await fake.locator('[data-testid=item-row], select, input').count()).toBe(0);
    // Even from inside the fake panel (an extension page), the background refuses every panel message.
    const replies = await fake.evaluate(async () => {
      const send = (type: string, data: unknown) =>
        chrome.runtime.sendMessage({ id: 7, type, data, timestamp: Date.now() }) as Promise<{
          res?: unknown;
          err?: { name?: string };
        }>;
      return Promise.all([
        send('queue/get', undefined),
        send('queue/control', { kind: 'cancel-all' }),
        send('queue/clear-finished', undefined),
        send('page/find-forms', undefined),
        send('panel/close', undefined),
      ]);
    });
    expect(replies.map((reply) => reply.err?.name)).toEqual(Array(5).fill('MessageRefusedError'));
    expect(replies.every((reply) => reply.res === undefined)).toBe(true);

    // Nothing changed: same items, still paused, nothing planted, the destination as it was.
    // (The popup opens on the focused window.)
    await page.bringToFront();
    expect(await readPopupCounts(harness.browser)).toEqual(queueBefore);
    await expect.poll(() => panel.locator('[data-testid=item-row]').count()).toBe(3);
    expect(await panel.locator('[data-testid=resume]').count()).toBe(1);
    expect(await storedDestinations()).toBe(destinationsBefore);
    expect(harness.receiver.requests).toHaveLength(0);
    // The real panel still works.
    await panel.locator('[data-testid=resume]').click();
    await harness.receiver.waitForUploads(1, 20_000);

    // Restyled (invisible, click-through) and then removed by the page, the panel goes; the batch goes on.
    await page.evaluate(() => {
      const wrapper = document.querySelector<HTMLElement>('[data-cadence-panel]');
      if (!wrapper) throw new Error('no panel wrapper');
      wrapper.style.opacity = '0';
      wrapper.style.pointerEvents = 'none';
      wrapper.remove();
    });
    const uploads = await harness.receiver.waitForUploads(3, 30_000);
    expect(uploads.map((upload) => upload.filename)).toEqual(samples.map((sample) => sample.name));
    expect(uploads.every((upload) => upload.headers?.authorization === SECRET)).toBe(true);

    // The popup opens it again in the same page, showing the finished batch.
    const reopened = await openPanelFromPopup(harness.browser, page);
    await expect.poll(() => reopened.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(3);
    expect(await page.locator('[data-cadence-panel]').count()).toBe(1);

    // A reloaded panel is a new document whose token is spent: refused, until Cadence is opened on the page again.
    const panelFrame = await (await page.locator('[data-cadence-panel] iframe').elementHandle())?.contentFrame();
    await panelFrame?.evaluate(() => setTimeout(() => location.reload(), 0));
    await reopened.locator('[data-testid=panel-refused]').waitFor({ timeout: 15_000 });
    await openPanelFromPopup(harness.browser, page);
    await expect.poll(() => reopened.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(3);
    expect(await reopened.locator('[data-testid=panel-refused]').count()).toBe(0);
    expect(await page.locator('[data-cadence-panel]').count()).toBe(1);

    // Everything the page could observe holds no file name, result URL or secret.
    const pageSaw = (await page.evaluate(() => (window as unknown as { pageSaw: string[] }).pageSaw)).join('\n');
    const pageHtml = await page.evaluate(() => document.documentElement.outerHTML);
    expect(pageSaw).toContain('cancel-all');
    for (const observed of [pageSaw, pageHtml]) {
      expect(observed).not.toContain(SECRET);
      expect(observed).not.toContain('sekrit');
      for (const sample of samples) expect(observed).not.toContain(sample.name);
      expect(observed).not.toContain('secret-name');
      for (const upload of uploads) expect(observed).not.toContain(upload.url);
      expect(observed).not.toContain('/files/');
    }
  });
  it("a page that makes the panel transparent or paints over it cannot borrow the user's clicks", async () => {
    const samples = await makeSamples(harness, smallPhotos(2, 'borrowed'));
    const { page, panel, frame } = await openConfiguredPanel(harness, 0.3);
    await panel.locator('[data-testid=pause]').click();
    await panel.locator('[data-testid=resume]').waitFor();
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await waitUntilHandedOver(panel);
    const obscured = () => frame.evaluate(() => document.documentElement.getAttribute('data-obscured'));
    expect(await obscured()).toBeNull();
    const box = await panel.locator('[data-testid=resume]').boundingBox();
    if (!box) throw new Error('no Resume button');
    const clickResume = () => page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);

    const tricks = {
      // The classic: Cadence's panel made invisible, over the page's own "Play" button.
      transparent: () => {
        const wrapper = document.querySelector<HTMLElement>('[data-cadence-panel]');
        if (wrapper) wrapper.style.opacity = '0.01';
      },
      // A decoy painted over the panel that lets the click through to it.
      covered: () => {
        const decoy = document.createElement('div');
        decoy.id = 'decoy';
        decoy.textContent = 'Claim your prize';
        decoy.style.cssText =
          'position:fixed;inset:0;z-index:2147483647;pointer-events:none;background:rgba(255,255,255,0.9)';
        document.body.append(decoy);
      },
    };
    for (const [name, trick] of Object.entries(tricks)) {
      await page.evaluate(trick);
      await expect.poll(obscured, { message: name }).not.toBeNull();
      await clickResume();
      await page.keyboard.press('Space');
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(harness.receiver.requests, name).toHaveLength(0);
      expect(await panel.locator('[data-testid=resume]').count(), name).toBe(1);
      await page.evaluate(() => {
        document.getElementById('decoy')?.remove();
        document.querySelector<HTMLElement>('[data-cadence-panel]')?.style.removeProperty('opacity');
      });
      await expect.poll(obscured, { message: `${name}, undone` }).toBeNull();
    }
    // Shown as itself again, the same click works, and the notice says so in the user's language.
    expect(await frame.evaluate(() => getComputedStyle(document.documentElement, '::after').content)).toBe('none');
    // A press counts once it has been shown as itself for a moment (as a person's click comes).
    await waitUntilSteady(panel);
    await clickResume();
    const uploads = await harness.receiver.waitForUploads(2, 20_000);
    expect(uploads.map((upload) => upload.filename)).toEqual(samples.map((sample) => sample.name));
  });

  it('a page that slides the panel under the pointer between the two presses of a double-click on a decoy gets neither press', async () => {
    const samples = await makeSamples(harness, smallPhotos(2, 'slid'));
    const { page, panel } = await openConfiguredPanel(harness, 0.3);
    await panel.locator('[data-testid=pause]').click();
    await panel.locator('[data-testid=resume]').waitFor();
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await waitUntilHandedOver(panel);
    const resume = await panel.locator('[data-testid=resume]').boundingBox();
    const wrapper = await page.locator('[data-cadence-panel]').boundingBox();
    if (!resume || !wrapper) throw new Error('no Resume button');
    // A decoy far from the panel. Its first press's release moves the (fully visible) panel so
    // that Resume sits under the pointer: the second press would land on it.
    const decoy = { x: 120, y: 120 };
    await page.evaluate(
      ({ decoy, offset }) => {
        const button = document.createElement('button');
        button.textContent = 'Double-click to play';
        button.style.cssText = `position:fixed;left:${decoy.x - 80}px;top:${decoy.y - 20}px;width:160px;height:40px`;
        document.body.append(button);
        button.addEventListener('mouseup', () => {
          const panel = document.querySelector<HTMLElement>('[data-cadence-panel]');
          if (!panel) return;
          panel.style.left = `${decoy.x - offset.x}px`;
          panel.style.top = `${decoy.y - offset.y}px`;
        });
      },
      { decoy, offset: { x: resume.x + resume.width / 2 - wrapper.x, y: resume.y + resume.height / 2 - wrapper.y } },
    );
    await page.mouse.move(decoy.x, decoy.y);
    await page.mouse.down();
    await page.mouse.up();
    // A person's double-click: the second press about 120 ms after the first.
    await new Promise((resolve) => setTimeout(resolve, 120));
    // The panel did slide under the pointer: this press is on Resume.
    const slid = await panel.locator('[data-testid=resume]').boundingBox();
    expect(
      slid && Math.abs(slid.x + slid.width / 2 - decoy.x) < 2 && Math.abs(slid.y + slid.height / 2 - decoy.y) < 2,
    ).toBe(true);
    await page.mouse.down({ clickCount: 2 });
    await page.mouse.up({ clickCount: 2 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(harness.receiver.requests).toHaveLength(0);
    expect(await panel.locator('[data-testid=resume]').count()).toBe(1);
    // Left where it is, the panel takes a deliberate click again.
    await page.mouse.click(decoy.x, decoy.y);
    const uploads = await harness.receiver.waitForUploads(2, 20_000);
    expect(uploads.map((upload) => upload.filename)).toEqual(samples.map((sample) => sample.name));
  });
});

/**
 * A destination that answers with script where a URL belongs, and an error
 * page of HTML: what a compromised or hostile server could send back.
 */
async function startHostileServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': '*',
  };
  const server = http.createServer((request, response) => {
    if (request.method === 'OPTIONS') {
      response.writeHead(204, cors).end();
      return;
    }
    request.resume();
    request.on('end', () => {
      if (request.url === '/scripted-links') {
        response.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(
          JSON.stringify({
            url: 'javascript:document.body.dataset.pwned=1',
            thumb: "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            del: 'javascript:void(0)',
          }),
        );
      } else {
        // Markup labelled as plain text: an HTML page would be cut down to its text
        // (request.ts `excerpt`), this must be shown as the very characters.
        response
          .writeHead(400, { ...cors, 'content-type': 'text/plain' })
          .end('<img src=x onerror="document.body.dataset.pwned=1"><b>Bad request</b>');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('names, URLs and errors from files and servers are text', () => {
  let harness: Harness;
  let hostile: Awaited<ReturnType<typeof startHostileServer>>;
  beforeEach(async () => {
    harness = await startHarness();
    hostile = await startHostileServer();
  });
  afterEach(async () => {
    await harness?.dispose();
    await hostile?.close();
  });

  it('an HTML file name and an HTML error page show as text; javascript: and data: results are not links', async () => {
    const hostileName = '<img src=x onerror=document.body.dataset.pwned=1>.jpg';
    const [sample] = await makeSamples(harness, [
      { name: hostileName, type: 'image/jpeg', width: 64, height: 48, seed: 1 },
    ]);
    if (!sample) throw new Error('no sample');
    await addDestination(harness, { name: 'Error page host', url: `${hostile.origin}/error-page` });
    const { panel, frame } = await openConfiguredPanel(harness, 0.3, {
      name: 'Scripted links host',
      url: `${hostile.origin}/scripted-links`,
      replyThumbnailUrl: '{json:thumb}',
      replyDeletionUrl: '{json:del}',
    });
    await panel.locator('[data-testid=file-input]').setInputFiles([sample.path]);
    const linked = panel.locator('[data-testid=item-row]').first();
    await expect.poll(() => linked.getAttribute('data-status'), { timeout: 20_000 }).toMatch(/done|failed/);

    await panel.locator('select[name=destination]').selectOption({ label: 'Error page host' });
    // The choice counts once the panel has taken it (its access checked): the fold's line names it.
    await expect.poll(() => panel.locator('[data-testid=fold-summary]').textContent()).toContain('Error page host');
    await panel.locator('[data-testid=file-input]').setInputFiles([sample.path]);
    const refused = panel.locator('[data-testid=item-row]').nth(1);
    await expect.poll(() => refused.getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');

    // The names are the very text of the file name, in text nodes.
    expect(await panel.locator('.item-name').allTextContents()).toEqual([hostileName, hostileName]);
    // The server's HTML is shown as characters, never parsed.
    expect(await refused.locator('[data-testid=item-error]').textContent()).toContain('<img src=x onerror=');
    const ownPages = `chrome-extension://${harness.browser.extensionId}/`;
    const inspect = (panelFrame: Frame) =>
      panelFrame.evaluate(() => ({
        strayImages: document.querySelectorAll('img[src=x], img[src="x"]').length,
        boldFromServer: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'Bad request').length,
        pwned: document.body.dataset.pwned ?? null,
        hrefs: [...document.querySelectorAll('a[href]')].map((anchor) => anchor.getAttribute('href') ?? ''),
        imageSources: [...document.querySelectorAll('img')].map((image) => image.getAttribute('src') ?? ''),
      }));
    // Every link is http(s) or Cadence's own options page, every image the panel's own blob or http(s):
    // the script and data "URLs" the server sent are neither links nor image sources.
    const expectOnlySafeLinks = (rendered: Awaited<ReturnType<typeof inspect>>) => {
      expect(rendered).toMatchObject({ strayImages: 0, boldFromServer: 0, pwned: null });
      expect(rendered.hrefs.filter((href) => !/^https?:/.test(href) && !href.startsWith(ownPages))).toEqual([]);
      expect(
        rendered.imageSources.filter((src) => !/^https?:/.test(src) && !src.startsWith(`blob:${ownPages}`)),
      ).toEqual([]);
    };
    expectOnlySafeLinks(await inspect(frame));
    expect(await linked.locator('a').count()).toBe(0);
    // A 2xx reply: the item is done and its "URLs" are shown as the text the server sent.
    expect(await linked.getAttribute('data-status')).toBe('done');
    expect(await linked.locator('[data-testid=result-link-text]').textContent()).toBe(
      'javascript:document.body.dataset.pwned=1',
    );
    expect(await linked.locator('[data-testid=thumbnail-link-text]').textContent()).toMatch(/^data:image\/svg/);

    // A panel opened later draws rows from the store, with the server's thumbnail instead of its own: still no data: image.
    const later = await harness.browser.context.newPage();
    await later.goto(`${harness.receiver.origin}/`);
    const laterPanel = await openPanelFromPopup(harness.browser, later);
    await expect.poll(() => laterPanel.locator('[data-testid=item-row]').count()).toBe(2);
    const laterFrame = later.frames().find((candidate) => candidate.url().endsWith('/panel.html'));
    if (!laterFrame) throw new Error('no panel frame');
    expectOnlySafeLinks(await inspect(laterFrame));
    expect(await laterPanel.locator('.item-name').allTextContents()).toEqual([hostileName, hostileName]);
  });
});
