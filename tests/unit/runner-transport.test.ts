import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PACE } from '@/utils/pacing/pace';
import { PROGRESS_INTERVAL_MS, QueueRunner } from '@/utils/queue/runner';
import { openQueueStore } from '@/utils/queue/store';
import type { QueueItem } from '@/utils/queue/types';
import { makeSnapshot } from '../factories/destination';
import { FAKE_ORIGIN, type FakeServerOptions, fakeResumableServer } from '../factories/fake-resumable-server';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';
import { makeRunnerEffects } from '../factories/runner-effects';

const CHUNK = 256 * 1024;

/** A runner whose one item goes to a fake tus server; every request there takes 100 ms of the fake clock. */
async function setUp(server: FakeServerOptions = {}, item: Partial<QueueItem> = {}) {
  const store = await openQueueStore(`runner-transport-${crypto.randomUUID()}`);
  const fake = fakeResumableServer({ msPerRequest: 100, ...server });
  const notified: QueueItem[] = [];
  const runner = new QueueRunner(
    makeRunnerEffects(store, {
      ...fake.effects,
      readPacing: async () => ({ ...DEFAULT_PACE, delayMs: 0, paused: false }),
      notify: (changed) => notified.push(changed),
    }),
  );
  const size = 6 * CHUNK;
  const stored = await store.add(
    withoutSeq(
      makeQueueItem({
        id: 'big',
        size,
        destination: makeSnapshot({ url: `${FAKE_ORIGIN}/files`, transport: { kind: 'tus', chunkBytes: CHUNK } }),
        ...item,
      }),
    ),
    new Blob([new Uint8Array(size)], { type: 'image/jpeg' }),
  );
  return { store, fake, runner, notified, stored };
}

describe('the runner over a resumable transport', () => {
  it('shows byte progress at most every PROGRESS_INTERVAL_MS, rising, and clears it and the resume state when done', async () => {
    const { store, fake, runner, notified } = await setUp();
    await runner.pump();
    await vi.waitFor(async () => expect((await store.get('big'))?.status).toBe('done'));
    const progress = notified.filter((item) => item.status === 'uploading' && item.bytesSent !== undefined);
    const patches = fake.log.filter((line) => line.startsWith('PATCH')).length;
    expect(patches).toBe(6);
    // Reports came per chunk, 100 ms apart: the throttle let through fewer than one per chunk.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThan(patches);
    const sent = progress.map((item) => item.bytesSent as number);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(PROGRESS_INTERVAL_MS).toBeGreaterThan(100);
    const done = await store.get('big');
    expect(done).toMatchObject({ status: 'done', resultUrl: `${FAKE_ORIGIN}/files/u1` });
    expect(done?.bytesSent).toBeUndefined();
    expect(done?.transportState).toBeUndefined();
  });

  it('a failed attempt keeps the upload URL on the item: the retry asks its offset instead of creating another; no stale progress', async () => {
    // Creation works; every request after it is reset: each attempt ends as a reset.
    const resets = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [3 + index, 0]));
    const { store, fake, runner } = await setUp({ resets });
    await runner.pump();
    // The default pace retries once (its wait passes at once on this fake clock), then the item fails.
    await vi.waitFor(async () => expect((await store.get('big'))?.status).toBe('failed'));
    const failed = await store.get('big');
    expect(failed?.attempts).toBe(2);
    expect(failed?.failureKind).toBe('reset');
    expect(failed?.transportState).toEqual({ kind: 'tus', uploadUrl: `${FAKE_ORIGIN}/files/u1`, chunkBytes: CHUNK });
    expect(failed?.bytesSent).toBeUndefined();
    // One creation in all; the second attempt went to u1 with HEAD.
    expect(fake.log.filter((line) => line.startsWith('POST'))).toHaveLength(1);
    const secondAttempt = fake.log.lastIndexOf('OPTIONS /files -');
    expect(secondAttempt).toBeGreaterThan(0);
    expect(fake.log[secondAttempt + 1]).toBe('HEAD /files/u1 -');
  });

  it('a queued item cancelled while the server holds part of it: the partial upload is DELETEd and forgotten', async () => {
    const { store, fake, runner } = await setUp(
      {},
      {
        transportState: { kind: 'tus', uploadUrl: `${FAKE_ORIGIN}/files/u7`, chunkBytes: CHUNK },
        retryAt: Date.now() + 3_600_000,
      },
    );
    fake.uploads.set('u7', { bytes: new Uint8Array(10), length: 6 * CHUNK, complete: false });
    await runner.control({ kind: 'cancel', itemId: 'big' });
    await vi.waitFor(() => expect(fake.log).toContain('DELETE /files/u7 -'));
    expect(fake.uploads.has('u7')).toBe(false);
    const cancelled = await store.get('big');
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.transportState).toBeUndefined();
  });
});
