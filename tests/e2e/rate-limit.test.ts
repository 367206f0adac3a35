import type { FrameLocator } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { withPopup } from '../../scripts/lib/browser';
import type { RateLimitFault, RateLimitStyle } from '../../scripts/lib/faults';
import type { RequestRecord } from '../../scripts/receiver';
import {
  type Harness,
  makeSamples,
  openConfiguredPanel,
  smallPhotos,
  startHarness,
  waitUntilHandedOver,
} from './harness';
import { controlServiceWorker } from './worker-control';

/**
 * The pace follows what the receiver says of its quota, in each header style
 * hosts use: never an upload past the quota, the rest spread over the
 * window, and the wait named in the panel. Short windows (2 s) keep it quick.
 */

const WINDOW_MS = 2_000;
const LIMIT = 2;
/** Timestamps come from one machine clock; allow for timer granularity only. */
const CLOCK_TOLERANCE_MS = 15;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function setUp(rateLimit: RateLimitFault, count: number, rateLimitBodyPattern?: string) {
  harness = await startHarness({ faults: { rateLimit } });
  const samples = await makeSamples(harness, smallPhotos(count));
  const { panel } = await openConfiguredPanel(harness, 0.3, {
    name: 'Quota host',
    url: harness.receiver.uploadUrl,
    ...(rateLimitBodyPattern === undefined ? {} : { rateLimitBodyPattern }),
  });
  return { harness, samples, panel };
}

/** Requests per fixed window of the receiver (its windows start at the first arrival). */
function perWindow(requests: readonly RequestRecord[]): number[] {
  const first = requests[0]?.arrivedAt ?? 0;
  const counts: number[] = [];
  for (const request of requests) {
    const index = Math.floor((request.arrivedAt - first) / WINDOW_MS);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return Array.from(counts, (count) => count ?? 0);
}

/** Collects every quota line the panel shows while the batch runs. */
async function watchQuotaLines(panel: FrameLocator, until: () => Promise<boolean>): Promise<string[]> {
  const seen = new Set<string>();
  const deadline = Date.now() + 40_000;
  while (!(await until())) {
    if (Date.now() > deadline) throw new Error(`the batch did not finish; quota lines seen: ${[...seen].join(' | ')}`);
    const line = panel.locator('[data-testid=quota-wait]');
    if ((await line.count()) > 0) seen.add((await line.textContent().catch(() => '')) ?? '');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [...seen].filter(Boolean);
}

const STYLE_WORDS: Record<Exclude<RateLimitStyle, 'body'>, RegExp> = {
  ietf: /^Host allows 2 every 2 s: next at /,
  'ratelimit-fields': /^Host allows [01] more until .+: next at /,
  'x-ratelimit': /^Host allows [01] more until .+: next at /,
  'x-ratelimit-epoch': /^Host allows [01] more until .+: next at /,
  // imgur documents its post limit as hourly; the receiver's window is shorter, the words follow imgur.
  imgur: /^Host allows 2 an hour: next at /,
};

describe('pacing that follows the rate-limit headers of the server, in the real browser', () => {
  it.each(Object.keys(STYLE_WORDS) as Exclude<RateLimitStyle, 'body'>[])(
    '%s: no upload past the quota, the rest spread over the window, the wait named in the panel',
    async (style) => {
      const count = 5;
      const { harness, samples, panel } = await setUp({ style, limit: LIMIT, windowMs: WINDOW_MS }, count);
      await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
      const done = () => panel.locator('[data-testid=item-row][data-status=done]').count();
      const lines = await watchQuotaLines(panel, async () => (await done()) === count);

      const requests = harness.receiver.requests;
      // Never past the quota: no refusal, and at most LIMIT in any window of the receiver.
      expect(requests.filter((request) => request.rateLimit?.over)).toEqual([]);
      expect(requests.map((request) => request.outcome)).toEqual(Array(count).fill('stored'));
      expect(Math.max(...perWindow(requests))).toBeLessThanOrEqual(LIMIT);
      // The pace of 0.3 s alone would send all five within about two seconds; the quota spreads them.
      const span = (requests.at(-1) as RequestRecord).arrivedAt - (requests[0] as RequestRecord).arrivedAt;
      expect(span).toBeGreaterThanOrEqual(2 * WINDOW_MS - CLOCK_TOLERANCE_MS);
      // The user saw the host's limit and the next start's time.
      expect(lines.some((line) => STYLE_WORDS[style].test(line))).toBe(true);
    },
  );

  it('a 200 whose body says "ratelimited" is not Done: the row names it, the item waits and is sent again', async () => {
    const count = 4;
    const { harness, samples, panel } = await setUp(
      { style: 'body', limit: LIMIT, windowMs: WINDOW_MS },
      count,
      'json:ratelimited',
    );
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    // The refused row says why and stays waiting; the panel says when the host allows the next.
    await expect
      .poll(() => panel.locator('[data-testid=item-problem]').allTextContents(), { timeout: 20_000 })
      .toContainEqual(expect.stringMatching(/too many uploads/));
    await expect
      .poll(() => panel.locator('[data-testid=quota-wait]').textContent(), { timeout: 5_000 })
      .toMatch(/^Host says too many uploads: next at /);
    const refusedRow = panel.locator('[data-testid=item-row]', {
      has: panel.locator('[data-testid=item-problem]'),
    });
    expect(await refusedRow.getAttribute('data-status')).toBe('queued');

    await expect
      .poll(() => panel.locator('[data-testid=item-row][data-status=done]').count(), { timeout: 30_000 })
      .toBe(count);
    const requests = harness.receiver.requests;
    const refused = requests.filter((request) => request.rateLimit?.over);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    // Each refused item was sent again with its own key, no sooner than the Retry-After the host gave.
    for (const refusal of refused) {
      const again = requests.find(
        (request) => request.index > refusal.index && request.idempotencyKey === refusal.idempotencyKey,
      );
      expect(again?.outcome).toBe('stored');
    }
    // Every row that says Done is a file the receiver kept.
    expect(harness.receiver.uploads).toHaveLength(count);
  });

  it('a used-up quota is shown in the panel and the popup and holds through a stopped service worker', async () => {
    // Long enough to open the popup within the hold.
    const windowMs = 8_000;
    const { harness, samples, panel } = await setUp({ style: 'ietf', limit: 1, windowMs }, 2);
    const worker = await controlServiceWorker(harness.browser);
    await panel.locator('[data-testid=file-input]').setInputFiles(samples.map((sample) => sample.path));
    await waitUntilHandedOver(panel);
    await harness.receiver.waitForUploads(1);
    await expect
      .poll(() => panel.locator('[data-testid=quota-wait]').textContent(), { timeout: 5_000 })
      .toMatch(/^Host allows 1 every 8 s: next at /);
    const popupLine = await withPopup(harness.browser, async (popup) => {
      const line = await popup.waitForSelector('[data-testid=quota-wait]', { timeout: 5_000 });
      return line?.evaluate((element) => element.textContent);
    });
    expect(popupLine).toMatch(/^Host allows 1 every 8 s: next at /);
    expect(harness.receiver.requests).toHaveLength(1);
    await worker.stop();

    const uploads = await harness.receiver.waitForUploads(2, 30_000);
    expect(worker.restarts()).toBeGreaterThanOrEqual(1);
    const [first, second] = harness.receiver.requests as [RequestRecord, RequestRecord];
    // The second waited for the window the first opened, though the worker that planned it was gone.
    expect(second.arrivedAt - first.arrivedAt).toBeGreaterThanOrEqual(windowMs - CLOCK_TOLERANCE_MS);
    expect(harness.receiver.requests.filter((request) => request.rateLimit?.over)).toEqual([]);
    expect(uploads).toHaveLength(2);
    await worker.dispose();
  });
});
