import { describe, expect, it, vi } from 'vitest';
import { openQueueStore, QueueFullError } from '@/utils/queue/store';
import { makeQueueItem, withoutSeq } from '../factories/queue-item';

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

  it('refuses a second item with the same id and keeps the first intact', async () => {
    const store = await freshStore();
    await store.add(withoutSeq(makeQueueItem({ id: 'dup', name: 'original.jpg' })), new Blob(['a']));
    await expect(
      store.add(withoutSeq(makeQueueItem({ id: 'dup', name: 'other.jpg' })), new Blob(['b'])),
    ).rejects.toThrow();
    expect((await store.get('dup'))?.name).toBe('original.jpg');
    expect(await (await store.getBlob('dup'))?.text()).toBe('a');
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
