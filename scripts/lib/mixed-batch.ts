/**
 * Brings a panel to a batch with every kind of row a user meets: uploaded,
 * refused by the server, failed before upload, and waiting in a paused
 * queue. Used by the accessibility tests and the README screenshots, so both
 * look at the same realistic state.
 */
import type { FrameLocator } from 'playwright-core';

const SETTLED = new Set(['done', 'failed', 'error']);

export interface MixedBatchFiles {
  /** Uploaded one by one; the receiver decides which of them fail (e.g. `replies: { 2: { status: 400 } }`). */
  uploaded: string[];
  /** Added after Pause, so they stay queued. */
  queued: string[];
}

export async function showMixedBatch(panel: FrameLocator, files: MixedBatchFiles, timeoutMs = 30_000): Promise<void> {
  const input = panel.locator('[data-testid=file-input]');
  await input.setInputFiles(files.uploaded);
  const rows = panel.locator('[data-testid=item-row]');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await rows.evaluateAll((elements) => elements.map((row) => row.getAttribute('data-status')));
    if (statuses.length === files.uploaded.length && statuses.every((status) => SETTLED.has(status ?? ''))) break;
    if (Date.now() > deadline) throw new Error(`the batch did not settle in time: ${statuses.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await panel.locator('[data-testid=pause]').click();
  await panel.locator('[data-testid=resume]').waitFor();
  await input.setInputFiles(files.queued);
  await panel
    .locator('[data-testid=item-row][data-status=queued]')
    .nth(files.queued.length - 1)
    .waitFor({ timeout: timeoutMs });
}
