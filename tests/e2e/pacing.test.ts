import type { FrameLocator } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { withPopup } from '../../scripts/lib/browser';
import type { Faults } from '../../scripts/lib/faults';
import type { RequestRecord } from '../../scripts/receiver';
import {
  addDestination,
  choosePacing,
  type Harness,
  makeSamples,
  openConfiguredPanel,
  type SampleFile,
  smallPhotos,
  startHarness,
  waitUntilHandedOver,
} from './harness';

/** Timestamps come from one machine clock; allow for timer granularity only. */
const CLOCK_TOLERANCE_MS = 15;

const photos = (count: number, width = 800, height = 600) =>
  Array.from({ length: count }, (_, index) => ({
    name: `photo-${index + 1}.jpg`,
    type: 'image/jpeg' as const,
    width,
    height,
    seed: index + 1,
  }));

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function setUp(faults: Faults, count: number, width?: number, height?: number) {
  harness = await startHarness({ faults });
  const samples = await makeSamples(harness, photos(count, width, height));
  return { harness, samples };
}

async function addFiles(panel: FrameLocator, samples: SampleFile[]): Promise<void> {
  await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
}

function rowOf(panel: FrameLocator, name: string) {
  return panel.locator('[data-testid=item-row]', { hasText: name });
}

const uploadRequests = (requests: RequestRecord[]) => requests.map((request) => request.outcome);

describe('retry as the last resort, in the real browser', () => {
  it('sends nothing before Retry-After (in seconds) and shows the countdown; the held item is retried with the same key', async () => {
    const { harness, samples } = await setUp({ replies: { 1: { status: 429, retryAfter: '2' } } }, 3);
    const { panel } = await openConfiguredPanel(harness, 0.3);
    await addFiles(panel, samples);

    // The user sees that the server asked to wait, and for how long.
    await expect
      .poll(() => panel.locator('[data-testid=server-hold]').textContent(), { timeout: 15_000 })
      .toMatch(/The server asked to wait: no upload for [12] s/);
    await expect
      .poll(() => panel.locator('[data-testid=item-row][data-status=done]').count(), { timeout: 30_000 })
      .toBe(3);

    const [refused, ...later] = harness.receiver.requests;
    expect(refused?.status).toBe(429);
    expect(later.length).toBe(3);
    for (const request of later) {
      expect(request.arrivedAt).toBeGreaterThanOrEqual((refused?.endedAt as number) + 2_000 - CLOCK_TOLERANCE_MS);
    }
    // The refused item was tried again, once, with the same Idempotency-Key.
    expect(later.filter((request) => request.idempotencyKey === refused?.idempotencyKey)).toHaveLength(1);
  });

  it('honours Retry-After given as an HTTP date too', async () => {
    const { harness, samples } = await setUp(
      {
        replies: {
          1: (arrivedAt) => ({
            status: 503,
            retryAfter: new Date(Math.ceil((arrivedAt + 2_000) / 1000) * 1000).toUTCString(),
          }),
        },
      },
      2,
    );
    const { panel } = await openConfiguredPanel(harness, 0.3);
    await addFiles(panel, samples);
    await expect
      .poll(() => panel.locator('[data-testid=item-row][data-status=done]').count(), { timeout: 30_000 })
      .toBe(2);
    const [refused, ...later] = harness.receiver.requests;
    const until = Date.parse(new Date(Math.ceil(((refused?.arrivedAt as number) + 2_000) / 1000) * 1000).toUTCString());
    expect(refused?.status).toBe(503);
    for (const request of later) expect(request.arrivedAt).toBeGreaterThanOrEqual(until - CLOCK_TOLERANCE_MS);
  });

  it('a connection reset (second upload beyond the server limit) is retried once, later, and then succeeds', async () => {
    // Staggered 1.5 s apart with a cap of 2, to a server that resets anything beyond 1 concurrent upload
    // and reads slowly (about 2 s for one image: a 1000x750 noisy photo compresses to about 300 KB at the
    // Large preset's SSIM target): the first upload is still arriving when the second starts, so the
    // second is reset; its retry waits at least 2 x 1.5 s, when the first is long done.
    const { harness, samples } = await setUp({ resetBeyond: 1, ingressBytesPerSecond: 150_000 }, 2, 1000, 750);
    const { panel, frame } = await openConfiguredPanel(harness, 1.5);
    await choosePacing(panel, frame, { mode: 'staggered', concurrency: 2, maxRetries: 1 });
    await addFiles(panel, samples);
    // While it waits, the row names the reset and says when it will try again.
    const second = rowOf(panel, 'photo-2.jpg');
    await expect.poll(() => second.locator('[data-testid=retry-in]').count(), { timeout: 15_000 }).toBe(1);
    expect(await second.locator('[data-testid=item-error]').textContent()).toMatch(
      /Connection reset: .*Retrying in \d s/,
    );

    await expect
      .poll(() => panel.locator('[data-testid=item-row][data-status=done]').count(), { timeout: 30_000 })
      .toBe(2);
    const requests = harness.receiver.requests;
    expect(uploadRequests(requests)).toEqual(['stored', 'reset', 'stored']);
    const [, reset, retried] = requests as [RequestRecord, RequestRecord, RequestRecord];
    expect(retried.idempotencyKey).toBe(reset.idempotencyKey);
    // Never sooner than twice the gap (2 x 1.5 s) after the reset.
    expect(retried.arrivedAt - reset.arrivedAt).toBeGreaterThanOrEqual(3_000 - CLOCK_TOLERANCE_MS);
    expect(harness.receiver.uploads).toHaveLength(2);
  });

  it('a 400 is not retried; the row names it and the user retries it by hand', async () => {
    const { harness, samples } = await setUp({ replies: { 1: { status: 400 } } }, 2);
    const { panel } = await openConfiguredPanel(harness, 0.3);
    await addFiles(panel, samples);
    const first = rowOf(panel, 'photo-1.jpg');
    await expect.poll(() => first.getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    await expect.poll(() => rowOf(panel, 'photo-2.jpg').getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
    expect(await first.locator('[data-testid=item-error]').textContent()).toMatch(
      /Refused by the server: HTTP 400.*Not retried automatically/,
    );
    // Well past any retry time the pace would allow: still not retried.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(uploadRequests(harness.receiver.requests)).toEqual(['status', 'stored']);

    await first.locator('[data-testid=retry-item]').click();
    await expect.poll(() => first.getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
    const requests = harness.receiver.requests;
    expect(uploadRequests(requests)).toEqual(['status', 'stored', 'stored']);
    expect(requests[2]?.idempotencyKey).toBe(requests[0]?.idempotencyKey);
  });
});

describe('adaptive pace, in the real browser', () => {
  it('finds a server that takes one upload at a time with one probe, loses nothing, and the next batch starts at the level it found', async () => {
    // About 1.3 s per image at 150 KB/s: the probe (a second upload while the first is read) meets the reset.
    const { harness, samples } = await setUp({ resetBeyond: 1, ingressBytesPerSecond: 150_000 }, 8, 1600, 1200);
    const { panel, frame } = await openConfiguredPanel(harness, 0.3);
    await choosePacing(panel, frame, { mode: 'adaptive', concurrency: 4, maxRetries: 1 });
    const done = () => panel.locator('[data-testid=item-row][data-status=done]').count();

    await addFiles(panel, samples.slice(0, 4));
    await expect.poll(done, { timeout: 60_000 }).toBe(4);
    const firstBatch = harness.receiver.requests.length;
    expect(uploadRequests(harness.receiver.requests).filter((outcome) => outcome === 'reset')).toHaveLength(1);
    // The level that held is stored for the destination: at most one upload in flight, found by a back-off.
    const levels = await frame.evaluate(async () => (await chrome.storage.local.get('adaptiveLevels')).adaptiveLevels);
    const held = Object.values(levels as Record<string, { state: { ceiling: number | null } }>);
    expect(held.map((level) => level.state.ceiling)).toEqual([1]);

    await addFiles(panel, samples.slice(4));
    await expect.poll(done, { timeout: 60_000 }).toBe(8);
    const second = harness.receiver.requests.slice(firstBatch);
    // No probe again: no reset, and each upload arrived after the one before had been read.
    expect(uploadRequests(second)).toEqual(['stored', 'stored', 'stored', 'stored']);
    second.slice(1).forEach((request, index) => {
      expect(request.arrivedAt).toBeGreaterThanOrEqual((second[index]?.endedAt as number) - CLOCK_TOLERANCE_MS);
    });
    expect(harness.receiver.uploads).toHaveLength(8);
  });
});

describe('control, in the real browser', () => {
  it('pause (panel) stops new starts while the upload in flight finishes; resume (popup) goes on at the pace', async () => {
    // A whole second between uploads leaves time to press Pause before the second start.
    const delayMs = 1_000;
    const { harness, samples } = await setUp({ ingressBytesPerSecond: 300_000 }, 4, 1600, 1200);
    const { panel } = await openConfiguredPanel(harness, delayMs / 1000);
    await addFiles(panel, samples);

    await expect.poll(() => harness.receiver.requests.length, { timeout: 20_000 }).toBe(1);
    await panel.locator('[data-testid=pause]').click();
    const pausedAt = Date.now();
    await expect.poll(() => panel.locator('[data-testid=waiting-on]').textContent()).toMatch(/Paused/);
    // The upload in flight finishes; nothing new starts.
    await expect.poll(() => harness.receiver.uploads.length, { timeout: 10_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(harness.receiver.requests).toHaveLength(1);
    expect(harness.receiver.requests[0]?.arrivedAt).toBeLessThan(pausedAt);

    // The popup shows the pause and resumes.
    const resumedAt = await withPopup(harness.browser, async (popup) => {
      const line = await popup.waitForSelector('[data-testid=waiting-on]', { timeout: 5_000 });
      expect(await line?.evaluate((element) => element.textContent)).toMatch(/Paused/);
      await popup.click('[data-testid=resume]');
      return Date.now();
    });
    const uploads = await harness.receiver.waitForUploads(samples.length, 40_000);
    expect(uploads.map((upload) => upload.filename)).toEqual(samples.map((sample) => sample.name));
    expect((uploads[1]?.arrivedAt as number) + CLOCK_TOLERANCE_MS).toBeGreaterThanOrEqual(resumedAt - 1_000);
    expect(uploads[1]?.arrivedAt).toBeGreaterThan(pausedAt + 2_000);
    for (let index = 2; index < uploads.length; index += 1) {
      const previous = uploads[index - 1] as (typeof uploads)[number];
      const current = uploads[index] as (typeof uploads)[number];
      expect(current.arrivedAt - previous.endedAt).toBeGreaterThanOrEqual(delayMs - CLOCK_TOLERANCE_MS);
    }
  });

  it('a pace typed in the panel shows at once in its pace line, before anything is queued', async () => {
    const { harness } = await setUp({}, 0);
    const { panel, frame } = await openConfiguredPanel(harness, 0.3);
    const paceLine = panel.locator('[data-testid=pacing-mode]');
    await expect.poll(() => paceLine.textContent()).toContain('next upload 0.3 s after each finishes');
    await choosePacing(panel, frame, { mode: 'staggered' });
    await expect.poll(() => paceLine.textContent()).toMatch(/^Staggered: a start every 0\.3 s/);
    await panel.locator('input[name=delay]').fill('1.5');
    await expect.poll(() => paceLine.textContent()).toMatch(/^Staggered: a start every 1\.5 s/);
  });

  it('cancel one waiting item and cancel all: cancelled items are never sent', async () => {
    const { harness, samples } = await setUp({ ingressBytesPerSecond: 300_000 }, 4, 1600, 1200);
    const { panel } = await openConfiguredPanel(harness, 3);
    // Hand the batch over paused, so every item is waiting when the user cancels one.
    await panel.locator('[data-testid=pause]').click();
    await addFiles(panel, samples);
    await expect
      .poll(() => panel.locator('[data-testid=item-row][data-status=queued]').count(), { timeout: 20_000 })
      .toBe(4);
    await rowOf(panel, 'photo-2.jpg').locator('[data-testid=cancel-item]').click();
    await expect.poll(() => rowOf(panel, 'photo-2.jpg').getAttribute('data-status')).toBe('cancelled');
    await panel.locator('[data-testid=resume]').click();
    // photo-1, then photo-3 three seconds after it; cancel all while photo-4 waits for its turn.
    await expect.poll(() => harness.receiver.uploads.length, { timeout: 20_000 }).toBe(2);
    await panel.locator('[data-testid=cancel-all]').click();
    await expect.poll(() => rowOf(panel, 'photo-4.jpg').getAttribute('data-status')).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(harness.receiver.requests).toHaveLength(2);
    expect(harness.receiver.uploads.map((upload) => upload.filename)).toEqual(['photo-1.jpg', 'photo-3.jpg']);
    expect(await panel.locator('[data-count=cancelled] dd').textContent()).toBe('2');
  });
});

describe('each destination at its own pace, in the real browser', () => {
  it('two destinations with their own sequential pauses (0.3 s and 1.2 s): each keeps its own, side by side', async () => {
    harness = await startHarness();
    const active = harness;
    const slowFiles = await makeSamples(active, smallPhotos(3, 'slow'));
    const fastFiles = await makeSamples(active, smallPhotos(3, 'fast'));
    // Each has its own compression preset too: the panel's preset select shows which one the panel has chosen.
    await addDestination(active, {
      name: 'Fast',
      url: active.receiver.uploadUrl,
      compressionPreset: 'large',
      pacing: { mode: 'sequential', delaySeconds: 0.3 },
    });
    // The global pause is 30 s: an item paced by the global settings would not arrive within the test.
    const { panel } = await openConfiguredPanel(active, 30, {
      name: 'Slow',
      url: `${active.receiver.origin}/upload/nested`,
      replyUrl: '{json:data.image.url}',
      compressionPreset: 'small',
      pacing: { mode: 'sequential', delaySeconds: 1.2 },
    });
    const preset = panel.locator('select[name=preset]');
    await expect.poll(() => preset.inputValue()).toBe('small');
    // Handed over paused, so both batches are queued when the queue goes.
    await panel.locator('[data-testid=pause]').click();
    await addFiles(panel, slowFiles);
    await panel.locator('select[name=destination]').selectOption({ label: 'Fast' });
    await expect.poll(() => preset.inputValue()).toBe('large');
    await addFiles(panel, fastFiles);
    await waitUntilHandedOver(panel);
    await expect.poll(() => panel.locator('[data-testid=item-row][data-status=queued]').count()).toBe(6);
    // The status line shows the pace of the destination it describes, not the global 30 s.
    await expect
      .poll(() => panel.locator('[data-testid=pacing-mode]').textContent())
      .toBe('Pace of Fast · Sequential: next upload 0.3 s after each finishes');
    await panel.locator('[data-testid=resume]').click();

    const uploads = await active.receiver.waitForUploads(6, 20_000);
    const to = (path: string) => uploads.filter((upload) => upload.path === path);
    const slow = to('/upload/nested');
    const fast = to('/upload');
    expect(slow.map((upload) => upload.filename)).toEqual(slowFiles.map((file) => file.name));
    expect(fast.map((upload) => upload.filename)).toEqual(fastFiles.map((file) => file.name));
    const gaps = (list: typeof uploads) =>
      list.slice(1).map((upload, index) => upload.arrivedAt - (list[index] as (typeof uploads)[number]).endedAt);
    for (const gap of gaps(slow)) {
      expect(gap).toBeGreaterThanOrEqual(1_200 - CLOCK_TOLERANCE_MS);
      expect(gap).toBeLessThan(1_200 + 1_500);
    }
    for (const gap of gaps(fast)) {
      expect(gap).toBeGreaterThanOrEqual(300 - CLOCK_TOLERANCE_MS);
      // Not the other destination's 1.2 s, nor the global 30 s.
      expect(gap).toBeLessThan(1_000);
    }
    // Side by side: the fast destination finished its three before the slow one's second began.
    expect((fast[2] as (typeof uploads)[number]).arrivedAt).toBeLessThan(
      (slow[1] as (typeof uploads)[number]).arrivedAt,
    );
    await expect.poll(() => panel.locator('[data-testid=item-row][data-status=done]').count()).toBe(6);
  });
});
