import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedUpload, RequestRecord } from '../../scripts/receiver';
import {
  type Harness,
  makeSamples,
  openConfiguredPanel,
  openOptions,
  smallPhotos,
  startHarness,
  waitUntilHandedOver,
} from './harness';
import { controlServiceWorker, type WorkerControl } from './worker-control';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many queue items each file became: one Idempotency-Key per item, whatever the resends. */
function itemsPerFile(uploads: readonly ReceivedUpload[]): Map<string, number> {
  const keys = new Map<string, Set<string>>();
  for (const upload of uploads) {
    const seen = keys.get(upload.filename) ?? new Set<string>();
    seen.add(upload.idempotencyKey ?? 'missing');
    keys.set(upload.filename, seen);
  }
  return new Map([...keys].map(([name, set]) => [name, set.size]));
}

describe('nothing the user added is lost on the way to the queue', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('the worker stopped at the moment of each of 5 hand-overs: 20 of 20 arrive, each queued once', async () => {
    const samples = await makeSamples(harness, smallPhotos(20, 'handover'));
    const worker = await controlServiceWorker(harness.browser);
    const { panel, frame } = await openConfiguredPanel(harness, 0.3);
    // Paused, so no upload is in flight when the worker stops: any second upload of a file is a second item.
    await panel.locator('[data-testid=pause]').click();
    await panel.locator('[data-testid=resume]').waitFor();
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));

    const caught = new Set<string>();
    for (let stop = 0; stop < 5; stop += 1) {
      await worker.waitUntilRunning();
      // The next row the user sees handing over, caught inside the panel the moment it shows.
      const id = await frame.evaluate(
        (already) =>
          new Promise<string | null>((resolve) => {
            const find = () =>
              [...document.querySelectorAll('[data-status=handing-over]')]
                .map((row) => row.getAttribute('data-item-id') ?? '')
                .find((candidate) => !already.includes(candidate));
            const found = find();
            if (found) return resolve(found);
            const observer = new MutationObserver(() => {
              const next = find();
              if (!next) return;
              observer.disconnect();
              resolve(next);
            });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true });
            setTimeout(() => {
              observer.disconnect();
              resolve(null);
            }, 20_000);
          }),
        [...caught],
      );
      if (id === null) break;
      await worker.stop();
      caught.add(id);
    }
    expect(caught.size).toBe(5);

    await expect
      .poll(() => panel.locator('[data-status=compressing], [data-status=handing-over]').count(), { timeout: 60_000 })
      .toBe(0);
    // A real refusal would be an error row; a worker that went away is not one.
    expect(await panel.locator('[data-status=error]').count()).toBe(0);
    await panel.locator('[data-testid=resume]').click();
    const uploads = await harness.receiver.waitUntil((replied) => itemsPerFile(replied).size >= samples.length, 90_000);
    await sleep(1_000);
    const perFile = itemsPerFile(harness.receiver.uploads);
    expect([...perFile.keys()].sort()).toEqual(samples.map((sample) => sample.name).sort());
    expect([...perFile.values()].every((items) => items === 1)).toBe(true);
    expect(uploads.length).toBeGreaterThanOrEqual(samples.length);
    expect(harness.receiver.uploads).toHaveLength(samples.length);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(samples.length);
    await worker.dispose();
  }, 240_000);

  it('20 photos added and the tab closed 1 s later: 20 of 20 arrive', async () => {
    // Big enough that most are still compressing when the tab goes.
    const specs = smallPhotos(20, 'closed').map((spec) => ({ ...spec, width: 3200, height: 2400 }));
    const samples = await makeSamples(harness, specs);
    const { page, panel } = await openConfiguredPanel(harness, 0.3);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await sleep(1_000);
    const stillCompressing = await panel.locator('[data-status=compressing]').count();
    await page.close();
    // Otherwise the test proves nothing: the panel had finished before it went.
    expect(stillCompressing).toBeGreaterThan(0);

    await harness.receiver.waitUntil((replied) => itemsPerFile(replied).size >= samples.length, 120_000);
    const perFile = itemsPerFile(harness.receiver.uploads);
    expect([...perFile.keys()].sort()).toEqual(samples.map((sample) => sample.name).sort());
    expect([...perFile.values()].every((items) => items === 1)).toBe(true);
    // Compressed, not sent as the originals: each well under its original size.
    for (const upload of harness.receiver.uploads) {
      const original = samples.find((sample) => sample.name === upload.filename);
      expect(upload.size, upload.filename).toBeLessThan((original?.size ?? 0) * 0.8);
    }
    // The offscreen document that compressed them closes once it is done, and no original is left stored.
    const options = await openOptions(harness);
    await expect
      .poll(
        () =>
          options.evaluate(async () => {
            const offscreen = await chrome.runtime.getContexts({
              contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType],
            });
            const db = await new Promise<IDBDatabase>((resolve, reject) => {
              const request = indexedDB.open('cadence');
              request.onsuccess = () => resolve(request.result);
              request.onerror = () => reject(request.error);
            });
            const originals = await new Promise<number>((resolve, reject) => {
              const request = db.transaction('originals').objectStore('originals').count();
              request.onsuccess = () => resolve(request.result);
              request.onerror = () => reject(request.error);
            });
            db.close();
            return { offscreen: offscreen.length, originals };
          }),
        { timeout: 10_000 },
      )
      .toEqual({ offscreen: 0, originals: 0 });
  }, 240_000);

  /**
   * Holds the reply to the second upload to arrive. Set before any file is
   * added: a hold set once uploads are under way may come after the last
   * one's arrival (the receiver decides at arrival), and then nothing is in
   * flight when the worker stops.
   */
  function holdSecondReply(): void {
    harness.receiver.faults.stalls = { 2: 30_000 };
  }

  /**
   * Stops the worker while the second upload waits for its held reply, then
   * returns how long after the stop that upload arrived again: only an open
   * Cadence page can bring the worker back this soon (the alarm is 30 s away).
   */
  async function msUntilResentAfterStop(worker: WorkerControl): Promise<number> {
    const heldRequest = () =>
      harness.receiver.requests.find((request) => request.index === 2 && request.outcome === 'stalled');
    await expect.poll(() => heldRequest() !== undefined, { timeout: 30_000, interval: 20 }).toBe(true);
    const interrupted = heldRequest() as RequestRecord;
    await worker.stop();
    const stoppedAt = Date.now();
    const resentAgain = (upload: ReceivedUpload) =>
      upload.idempotencyKey === interrupted.idempotencyKey && upload.arrivedAt > stoppedAt;
    const resent = await harness.receiver.waitUntil((replied) => replied.some(resentAgain), 45_000);
    return (resent.find(resentAgain) as ReceivedUpload).arrivedAt - stoppedAt;
  }

  it('the worker stopped mid-upload with the panel open: the upload is sent again within 5 s', async () => {
    const samples = await makeSamples(harness, smallPhotos(3, 'revive'));
    const worker = await controlServiceWorker(harness.browser);
    const { panel } = await openConfiguredPanel(harness, 0.3);
    holdSecondReply();
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    expect(await msUntilResentAfterStop(worker)).toBeLessThan(5_000);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 20_000 }).toBe(samples.length);
    await worker.dispose();
  }, 120_000);

  it('the worker stopped mid-upload with only the options page open: the upload is sent again within 5 s', async () => {
    const samples = await makeSamples(harness, smallPhotos(3, 'options'));
    const worker = await controlServiceWorker(harness.browser);
    const { page, panel } = await openConfiguredPanel(harness, 0.3);
    holdSecondReply();
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await waitUntilHandedOver(panel);
    await page.close();
    await openOptions(harness);
    expect(await msUntilResentAfterStop(worker)).toBeLessThan(5_000);
    await worker.dispose();
  }, 120_000);
});
