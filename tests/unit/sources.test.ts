import { describe, expect, it } from 'vitest';
import { makeQueueItem } from '../factories/queue-item';

describe('groupBySource', () => {
  it('groups by tab and page in hand-over order, with counts, saved bytes and what uploads now', async () => {
    const { groupBySource } = await import('@/utils/queue-view/sources');
    const pageA = { tabId: 1, origin: 'https://a.example', title: 'A' };
    const pageB = { tabId: 2, origin: 'https://b.example', title: 'B' };
    const groups = groupBySource([
      makeQueueItem({ seq: 3, source: pageB, status: 'uploading', name: 'b1.jpg' }),
      makeQueueItem({ seq: 1, source: pageA, status: 'done', originalSize: 1000, size: 400 }),
      makeQueueItem({
        seq: 2,
        source: { ...pageA, title: 'A, later' },
        status: 'queued',
        originalSize: 500,
        size: 500,
      }),
      makeQueueItem({ seq: 4, source: pageB, status: 'cancelled', originalSize: 9000, size: 1000 }),
      makeQueueItem({ seq: 5, status: 'failed' }),
    ]);
    expect(groups.map((group) => [group.key, group.title, group.total])).toEqual([
      ['tab:1:https://a.example', 'A, later', 2],
      ['tab:2:https://b.example', 'B', 1],
      ['unknown', undefined, 1],
    ]);
    expect(groups[0]).toMatchObject({ savedBytes: 600, uploading: [], counts: { done: 1, queued: 1 } });
    expect(groups[1]).toMatchObject({
      savedBytes: 3_600_000,
      uploading: ['b1.jpg'],
      counts: { uploading: 1, cancelled: 1 },
    });
  });

  it("names what waits for a page that was closed or left, by destination; other destinations' items are not counted", async () => {
    const { groupBySource } = await import('@/utils/queue-view/sources');
    const page = { tabId: 4, origin: 'https://shop.example' };
    const uploader = {
      ...makeQueueItem().destination,
      name: 'Gallery: Drop files here',
      page: { kind: 'uploader' as const },
    };
    const groups = groupBySource([
      makeQueueItem({ seq: 1, source: page, status: 'done', destination: uploader }),
      makeQueueItem({ seq: 2, source: page, status: 'queued', destination: uploader, pageGone: 'closed' }),
      makeQueueItem({ seq: 3, source: page, status: 'queued', destination: uploader, pageGone: 'closed' }),
      makeQueueItem({ seq: 4, source: page, status: 'queued' }),
    ]);
    expect(groups[0]?.waitingForPage).toEqual([{ destination: 'Gallery: Drop files here', why: 'closed', count: 2 }]);
  });
});
