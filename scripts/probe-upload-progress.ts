/**
 * What Chromium gives for byte progress of a whole-file request (issue 16,
 * docs/resumable-uploads.md): whether fetch can stream a request body to
 * the local receiver (HTTP/1.1), and whether XMLHttpRequest (upload
 * progress events) exists in a page and in the extension's service worker.
 *
 *   npx tsx scripts/probe-upload-progress.ts
 */
import { launchWithExtension } from './lib/browser';
import { startReceiver } from './receiver';

const r = await startReceiver({ dir: '/tmp/cadence-probe-upload-progress' });
const b = await launchWithExtension();
const page = await b.context.newPage();
await page.goto(`chrome-extension://${b.extensionId}/options.html`);
const result = await page.evaluate(async (url) => {
  const out: string[] = [];
  try {
    let sent = 0;
    const body = new ReadableStream({
      pull(c) {
        if (sent >= 4) {
          c.close();
          return;
        }
        sent++;
        c.enqueue(new Uint8Array(65536));
      },
    });
    const res = await fetch(url, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    out.push(`stream over http/1.1: status ${res.status}, pulled ${sent}`);
  } catch (e) {
    out.push(`stream over http/1.1: ${String(e)}`);
  }
  out.push(`XMLHttpRequest in a page: ${typeof XMLHttpRequest}`);
  return out;
}, `${r.origin}/raw/probe.bin`);
const sw = b.context.serviceWorkers()[0];
const inWorker = sw
  ? await sw.evaluate(
      () => `XMLHttpRequest in the worker: ${typeof (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest}`,
    )
  : 'no worker handle';
console.log(result.join('\n'), '\n', inWorker, '\n', await page.evaluate(() => navigator.userAgent));
await b.close({ removeProfile: true });
await r.close();
