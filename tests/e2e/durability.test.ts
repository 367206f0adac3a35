import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchWithExtension } from '../../scripts/lib/browser';
import type { ReceivedUpload, RequestRecord } from '../../scripts/receiver';
import {
  type Harness,
  makeSamples,
  openConfiguredPanel,
  panelOutputHashes,
  smallPhotos,
  startHarness,
  waitUntilHandedOver,
} from './harness';
import { controlServiceWorker } from './worker-control';

/** Uploads grouped by Idempotency-Key: one key per item, for every attempt of it. */
function byKey(uploads: readonly ReceivedUpload[]): Map<string, ReceivedUpload[]> {
  const groups = new Map<string, ReceivedUpload[]>();
  for (const upload of uploads) {
    const key = upload.idempotencyKey ?? 'missing';
    groups.set(key, [...(groups.get(key) ?? []), upload]);
  }
  return groups;
}

const distinctKeys = (count: number) => (uploads: ReceivedUpload[]) => byKey(uploads).size >= count;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the queue survives the service worker being stopped', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('stopped during the delay between items: every item once, the next start at its stored time, the open panel keeps up', async () => {
    const delayMs = 2_000;
    const samples = await makeSamples(harness, smallPhotos(3));
    const worker = await controlServiceWorker(harness.browser);
    const { panel } = await openConfiguredPanel(harness, delayMs / 1000);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await waitUntilHandedOver(panel);

    const [first] = await harness.receiver.waitForUploads(1);
    await sleep(300);
    await worker.stop();
    expect(harness.receiver.uploads).toHaveLength(1);

    const uploads = await harness.receiver.waitUntil(distinctKeys(samples.length), 60_000);
    expect(worker.restarts()).toBeGreaterThanOrEqual(1);
    expect(uploads).toHaveLength(samples.length);
    expect([...byKey(uploads).values()].map((attempts) => attempts.length)).toEqual([1, 1, 1]);
    expect(uploads.map((upload) => upload.filename)).toEqual(samples.map((sample) => sample.name));
    // The start planned before the worker died kept its time: not at once, not a fresh delay later.
    const gap = (uploads[1] as ReceivedUpload).arrivedAt - (first as ReceivedUpload).endedAt;
    expect(gap).toBeGreaterThanOrEqual(delayMs - 15);
    expect(gap).toBeLessThan(delayMs + 1_500);
    // The panel, never reloaded, shows every completion from the restarted worker.
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(samples.length);
    await worker.dispose();
  });

  it('stopped during an upload: the interrupted item is sent again with the same key; no other item twice', async () => {
    const samples = await makeSamples(harness, smallPhotos(3));
    const worker = await controlServiceWorker(harness.browser);
    const { panel, frame } = await openConfiguredPanel(harness, 0.3);
    // Hold the second reply so the worker is stopped while that upload is in flight. Set before any
    // file is added: the receiver decides at arrival, and a hold set later may miss every upload.
    harness.receiver.faults.stalls = { 2: 15_000 };
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await waitUntilHandedOver(panel);

    const heldRequest = () =>
      harness.receiver.requests.find((request) => request.index === 2 && request.outcome === 'stalled');
    await expect.poll(() => heldRequest() !== undefined, { timeout: 30_000, interval: 20 }).toBe(true);
    const interrupted = heldRequest() as RequestRecord;
    await worker.stop();

    // The open panel links up with the stopped worker again and so starts it (hand-over.test.ts times it).
    await harness.receiver.waitUntil(
      (replied) =>
        distinctKeys(samples.length)(replied) &&
        replied.filter((upload) => upload.idempotencyKey === interrupted.idempotencyKey).length >= 2,
      60_000,
    );
    // Every body that arrived, replied to or not: the interrupted first attempt counts.
    const uploads = harness.receiver.uploads;
    const groups = byKey(uploads);
    expect(groups.size).toBe(samples.length);
    const repeats = groups.get(interrupted.idempotencyKey as string) ?? [];
    expect(repeats.length).toBeGreaterThanOrEqual(2);
    expect(new Set(repeats.map((upload) => upload.sha256)).size).toBe(1);
    for (const [key, attempts] of groups) {
      if (key !== interrupted.idempotencyKey) expect(attempts, attempts[0]?.filename).toHaveLength(1);
    }
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(samples.length);
    const produced = await panelOutputHashes(frame);
    for (const upload of uploads) expect(upload.sha256, upload.filename).toBe(produced[upload.filename]);
    await worker.dispose();
  });

  it('stopped five times at random points of a 20-item batch: 20 of 20 arrive, each intact', async () => {
    const seed = Number(process.env.CADENCE_STOP_SEED ?? Date.now() % 100_000);
    let state = seed;
    const random = () => {
      state = (state * 1664525 + 1013904223) % 4294967296;
      return state / 4294967296;
    };
    const samples = await makeSamples(harness, smallPhotos(20, 'batch'));
    const worker = await controlServiceWorker(harness.browser);
    const { panel, frame } = await openConfiguredPanel(harness, 0.3);
    harness.receiver.faults.holdReplyMs = 150;
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await waitUntilHandedOver(panel);

    for (let stop = 0; stop < 5; stop += 1) {
      await worker.waitUntilRunning();
      await sleep(200 + random() * 1_200);
      if (byKey(harness.receiver.uploads).size >= samples.length) break;
      await worker.stop();
    }
    const uploads = await harness.receiver.waitUntil(distinctKeys(samples.length), 240_000);
    const groups = byKey(uploads);
    expect(groups.size, `seed ${seed}`).toBe(samples.length);
    expect(new Set(uploads.map((upload) => upload.filename)).size).toBe(samples.length);
    // Every body is in, but the last stop may have caught an upload whose reply never reached the
    // worker (sent again once the open panel brings the worker back), or a finish stored but not yet
    // announced (the woken worker's queue/resync has the panel read the store again).
    await expect
      .poll(() => panel.locator('[data-status=done]').count(), { timeout: 60_000, message: `seed ${seed}` })
      .toBe(samples.length);
    const produced = await panelOutputHashes(frame);
    for (const attempts of byKey(harness.receiver.uploads).values()) {
      for (const upload of attempts)
        expect(upload.sha256, `${upload.filename} (seed ${seed})`).toBe(produced[upload.filename]);
    }
    await worker.dispose();
  }, 300_000);
});

describe('the queue survives a browser restart', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness?.dispose();
  });

  it('closed mid-batch and opened again with the same profile, it completes with nothing else done', async () => {
    const samples = await makeSamples(harness, smallPhotos(4));
    const { panel } = await openConfiguredPanel(harness, 1);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await waitUntilHandedOver(panel);
    await harness.receiver.waitForUploads(1);
    await harness.browser.close();
    const before = byKey(harness.receiver.uploads).size;
    expect(before).toBeLessThan(samples.length);

    // Only open the browser again.
    harness.browser = await launchWithExtension({
      userDataDir: harness.browser.userDataDir,
      extensionDir: harness.browser.extensionDir,
    });
    const uploads = await harness.receiver.waitUntil(distinctKeys(samples.length), 90_000);
    expect(byKey(uploads).size).toBe(samples.length);
    expect([...new Set(uploads.map((upload) => upload.filename))].sort()).toEqual(
      samples.map((sample) => sample.name).sort(),
    );
  }, 180_000);
});
