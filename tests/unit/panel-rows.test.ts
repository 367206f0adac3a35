import { describe, expect, it } from 'vitest';
import { keepNewest, mergeItem, mergeSnapshot, type PanelRow, rowStatus } from '@/utils/queue-view/panel-rows';
import { makeQueueItem } from '../factories/queue-item';

describe('panel rows', () => {
  it('the stored item replaces the draft state of the same row, keeping the thumbnail', () => {
    const item = makeQueueItem({ id: 'r1', status: 'uploading' });
    const rows = mergeItem(
      [{ id: 'r1', name: 'a.png', originalSize: 10, phase: 'handing-over', thumbnailUrl: 'blob:x' }],
      item,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.thumbnailUrl).toBe('blob:x');
    expect(rowStatus(rows[0] as (typeof rows)[number])).toBe('uploading');
  });

  it('a Done item its destination already had shows as already uploaded; after Send again anyway it is queued', () => {
    const already = makeQueueItem({
      id: 'dup',
      status: 'done',
      alreadyUploaded: { entryId: 'first', at: 1, by: 'original' },
    });
    const rows = mergeItem([], already);
    expect(rows.map(rowStatus)).toEqual(['already-uploaded']);
    const again = mergeSnapshot(rows, [{ ...already, status: 'queued', alreadyUploaded: undefined }]);
    expect(again.map(rowStatus)).toEqual(['queued']);
  });

  it('an item this panel never saw becomes a new row', () => {
    expect(mergeItem([], makeQueueItem({ id: 'elsewhere', status: 'done' })).map(rowStatus)).toEqual(['done']);
  });
});

describe('merging the store into the rows', () => {
  const draft = (id: string): PanelRow => ({ id, name: `${id}.jpg`, originalSize: 10, phase: 'compressing' });

  it('a snapshot replaces stored rows, keeps drafts it does not know, and keeps the panel thumbnail', () => {
    const stored = makeQueueItem({ id: 'a', status: 'queued' });
    const rows = [{ ...draft('a'), thumbnailUrl: 'blob:a', item: stored }, draft('b')];
    const uploading = { ...stored, status: 'uploading' as const };
    const merged = mergeSnapshot(rows, [uploading]);
    expect(merged.map((row) => [row.id, row.item?.status, row.thumbnailUrl])).toEqual([
      ['a', 'uploading', 'blob:a'],
      ['b', undefined, undefined],
    ]);
  });

  it('an unchanged item keeps its row object (memoized rows do not re-render)', () => {
    const item = makeQueueItem({ id: 'a' });
    const rows = [{ ...draft('a'), item }];
    expect(mergeSnapshot(rows, [{ ...item }])[0]).toBe(rows[0]);
  });

  it('the reply to queue/add never overwrites a later state reported first', () => {
    const done = makeQueueItem({ id: 'a', status: 'done' });
    const rows = [{ ...draft('a'), item: done }];
    expect(keepNewest(rows, { ...done, status: 'queued' })[0]?.item?.status).toBe('done');
    const queued = [{ ...draft('a') }];
    expect(keepNewest(queued, { ...done, status: 'queued' })[0]?.item?.status).toBe('queued');
  });
});
