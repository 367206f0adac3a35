import { describe, expect, it, vi } from 'vitest';
import { openQueueStore, QueueFullError } from '@/utils/queue/store';
import type { WaitingOriginal } from '@/utils/queue/waiting-original';
import { makeSnapshot } from '../factories/destination';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';

function makeOriginal(id: string, createdAt: number): WaitingOriginal {
  return {
    id,
    file: new File(['original bytes'], `${id}.jpg`, { type: 'image/jpeg' }),
    plan: { kind: 'original', keepMetadata: false },
    destination: makeSnapshot(),
    source: {},
    owner: 'panel-1',
    createdAt,
  };
}

const freshStore = () => openQueueStore(`test-${crypto.randomUUID()}`);

describe('queue store (IndexedDB)', () => {
  it('numbers items in hand-over order and lists them in that order', async () => {
    const store = await freshStore();
    const first = await store.add(withoutSeq(makeQueueItem({ id: 'first' })), new Blob(['1']));
    const second = await store.add(withoutSeq(makeQueueItem({ id: 'second' })), new Blob(['2']));
    expect(second.seq).toBeGreaterThan(first.seq);
    expect((await store.list()).map((item) => item.id)).toEqual(['first', 'second']);
  });

  it('keeps the bytes beside the row and gives them back unchanged', async () => {
    const store = await freshStore();
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x42]);
    await store.add(withoutSeq(makeQueueItem({ id: 'x' })), new Blob([bytes], { type: 'image/jpeg' }));
    const blob = await store.getBlob('x');
    expect(blob?.type).toBe('image/jpeg');
    expect(new Uint8Array(await (blob as Blob).arrayBuffer())).toEqual(bytes);
  });

  it('a second hand-over with the same id gets the first item back and stores nothing twice', async () => {
    const store = await freshStore();
    const first = await store.add(withoutSeq(makeQueueItem({ id: 'dup', name: 'original.jpg' })), new Blob(['a']));
    const again = await store.add(withoutSeq(makeQueueItem({ id: 'dup', name: 'other.jpg' })), new Blob(['b']));
    expect(again).toEqual(first);
    expect(await store.list()).toHaveLength(1);
    expect((await store.get('dup'))?.name).toBe('original.jpg');
    expect(await (await store.getBlob('dup'))?.text()).toBe('a');
  });

  it('keeps an original until its compressed version is stored, then drops it in the same step', async () => {
    const store = await freshStore();
    expect(await store.addOriginal(makeOriginal('w', 1))).toBe(true);
    expect(await store.countOriginals()).toBe(1);
    expect(await (await store.getOriginal('w'))?.file.text()).toBe('original bytes');
    await store.add(withoutSeq(makeQueueItem({ id: 'w' })), new Blob(['small']));
    expect(await store.countOriginals()).toBe(0);
    expect(await (await store.getBlob('w'))?.text()).toBe('small');
  });

  it('takes an original once: not again, and not for an id already queued', async () => {
    const store = await freshStore();
    expect(await store.addOriginal(makeOriginal('twice', 1))).toBe(true);
    expect(await store.addOriginal(makeOriginal('twice', 2))).toBe(false);
    expect((await store.getOriginal('twice'))?.createdAt).toBe(1);
    await store.add(withoutSeq(makeQueueItem({ id: 'queued' })), new Blob(['q']));
    expect(await store.addOriginal(makeOriginal('queued', 3))).toBe(false);
    expect(await store.countOriginals()).toBe(1);
  });

  it('lists originals in the order they were added, and updates and drops them', async () => {
    const store = await freshStore();
    await store.addOriginal(makeOriginal('late', 20));
    await store.addOriginal(makeOriginal('early', 10));
    expect((await store.listOriginals()).map((original) => original.id)).toEqual(['early', 'late']);
    await store.updateOriginal('late', { owner: 'offscreen' });
    expect(await store.getOriginal('late')).toMatchObject({ owner: 'offscreen' });
    await store.dropOriginal('early');
    expect((await store.listOriginals()).map((original) => original.id)).toEqual(['late']);
  });

  it('updates a row in place and deletes bytes on request', async () => {
    const store = await freshStore();
    await store.add(withoutSeq(makeQueueItem({ id: 'u' })), new Blob(['z']));
    const updated = await store.update('u', { status: 'done', finishedAt: 42, httpStatus: 200 });
    expect(updated).toMatchObject({ id: 'u', status: 'done', finishedAt: 42, httpStatus: 200 });
    expect(await store.get('u')).toEqual(updated);
    await store.deleteBlob('u');
    expect(await store.getBlob('u')).toBeUndefined();
  });

  it('names the missing item when asked to update one that is not there', async () => {
    const store = await freshStore();
    await expect(store.update('nope', { status: 'done' })).rejects.toThrow('no queued item nope');
  });
});

describe('queue store: keeping it bounded', () => {
  it('"Clear finished" removes done and failed rows with their bytes and keeps the rest', async () => {
    const store = await freshStore();
    for (const [id, status] of [
      ['d', 'done'],
      ['f', 'failed'],
      ['q', 'queued'],
      ['u', 'uploading'],
    ] as const) {
      await store.add(withoutSeq(makeQueueItem({ id, status })), new Blob([id]));
    }
    expect((await store.clearFinished()).sort()).toEqual(['d', 'f']);
    expect((await store.list()).map((item) => item.id)).toEqual(['q', 'u']);
    expect(await store.getBlob('f')).toBeUndefined();
    expect(await store.getBlob('q')).toBeDefined();
  });

  it('keeps only the newest done rows beyond the bound', async () => {
    const store = await freshStore();
    for (const id of ['d1', 'd2', 'q1', 'd3']) {
      await store.add(
        withoutSeq(makeQueueItem({ id, status: id.startsWith('d') ? 'done' : 'queued' })),
        new Blob([id]),
      );
    }
    expect(await store.pruneDone(2)).toEqual(['d1']);
    expect((await store.list()).map((item) => item.id)).toEqual(['d2', 'q1', 'd3']);
    expect(await store.pruneDone(2)).toEqual([]);
  });

  it('names a full disk at hand-over and leaves what was accepted before intact', async () => {
    const store = await freshStore();
    await store.add(withoutSeq(makeQueueItem({ id: 'kept' })), new Blob(['kept']));
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    await expect(store.add(withoutSeq(makeQueueItem({ id: 'too-much' })), new Blob(['x']))).rejects.toThrow(
      new QueueFullError('browser storage is full: nothing was added'),
    );
    put.mockRestore();
    expect((await store.list()).map((item) => item.id)).toEqual(['kept']);
    expect(await (await store.getBlob('kept'))?.text()).toBe('kept');
  });
});
