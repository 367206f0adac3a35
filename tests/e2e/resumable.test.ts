import { afterEach, describe, expect, it } from 'vitest';
import {
  type Harness,
  makeSamples,
  openConfiguredPanel,
  panelOutputHashes,
  startHarness,
  waitUntilHandedOver,
} from './harness';
import { controlServiceWorker } from './worker-control';

const MB = 1024 * 1024;

/** A noisy PNG of a few MB: the "Original" preset sends it as it is. */
const BIG_PNG = [{ name: 'big-scan.png', type: 'image/png' as const, width: 1600, height: 1200, grain: 70, seed: 7 }];

/** The Upload-Offset of each PATCH the tus endpoint answered, in order. */
function patchOffsets(log: readonly string[]): number[] {
  return log.filter((line) => line.startsWith('PATCH /tus/')).map((line) => Number(line.split(' ')[2]));
}

describe('big files resume instead of starting over (tus)', () => {
  let harness: Harness;
  afterEach(async () => {
    await harness?.dispose();
  });

  it('a multi-MB image to @tus/server behind a proxy that resets every connection after 1 MiB arrives whole, with byte progress on its row', async () => {
    harness = await startHarness({ faults: { resetConnectionAfterBytes: 1 * MB } });
    const [sample] = await makeSamples(harness, BIG_PNG);
    expect(sample?.size).toBeGreaterThan(2 * MB);
    const { panel, frame } = await openConfiguredPanel(harness, 0.3, {
      name: 'tus receiver',
      url: `${harness.receiver.origin}/tus`,
      compressionPreset: 'original',
      transport: { kind: 'tus', chunkMb: 0.5 },
    });
    // Every progress bar value the row showed, as the user saw it.
    await frame.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid=upload-progress]');
        const value = Number(bar?.getAttribute('data-bytes-sent'));
        if (bar && seen.at(-1) !== value) seen.push(value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await panel.locator('[data-testid=file-input]').setInputFiles([sample?.path as string]);
    await waitUntilHandedOver(panel);

    const [upload] = await harness.receiver.waitForUploads(1, 120_000);
    const produced = await panelOutputHashes(frame);
    expect(upload?.sha256).toBe(produced[sample?.name as string]);
    expect(harness.receiver.proxy?.resets()).toBeGreaterThanOrEqual(2);
    // One upload created; every reset went on from the server's offset (a HEAD after it), never from 0 again.
    const log = harness.receiver.resumable.log;
    expect(log.filter((line) => line.startsWith('POST /tus'))).toHaveLength(1);
    expect(log.some((line) => line.startsWith('HEAD /tus/'))).toBe(true);
    expect(patchOffsets(log).filter((offset) => offset === 0).length).toBeLessThanOrEqual(1);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 10_000 }).toBe(1);
    const seen = await frame.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(Math.max(...seen)).toBeLessThanOrEqual(upload?.size as number);
  }, 180_000);

  it('the worker stopped mid-upload: the restarted worker asks the offset and sends from there, not from byte 0', async () => {
    // A slow server (each tus request held 150 ms) and small chunks, so the stop lands mid-upload.
    harness = await startHarness({ faults: { holdResumableMs: 150 } });
    const [sample] = await makeSamples(harness, BIG_PNG);
    const worker = await controlServiceWorker(harness.browser);
    const { panel, frame } = await openConfiguredPanel(harness, 0.3, {
      name: 'tus receiver',
      url: `${harness.receiver.origin}/tus`,
      compressionPreset: 'original',
      transport: { kind: 'tus', chunkMb: 0.25 },
    });
    await panel.locator('[data-testid=file-input]').setInputFiles([sample?.path as string]);
    await waitUntilHandedOver(panel);

    const log = harness.receiver.resumable.log;
    await expect.poll(() => patchOffsets(log).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
    await worker.stop();
    const stoppedAt = log.length;
    const reachedBeforeStop = Math.max(...patchOffsets(log));

    const [upload] = await harness.receiver.waitForUploads(1, 120_000);
    expect(worker.restarts()).toBeGreaterThanOrEqual(1);
    const produced = await panelOutputHashes(frame);
    expect(upload?.sha256).toBe(produced[sample?.name as string]);
    const after = log.slice(stoppedAt);
    // The new worker made no new upload: it asked where the old one stood and went on from there.
    expect(log.filter((line) => line.startsWith('POST /tus'))).toHaveLength(1);
    expect(after.find((line) => !line.startsWith('OPTIONS'))).toMatch(/^HEAD \/tus\//);
    const resumedFrom = patchOffsets(after)[0] as number;
    expect(resumedFrom).toBeGreaterThanOrEqual(reachedBeforeStop);
    await expect.poll(() => panel.locator('[data-status=done]').count(), { timeout: 20_000 }).toBe(1);
    await worker.dispose();
  }, 180_000);
});
