import { describe, expect, it } from 'vitest';
import { renameForType } from '@/utils/compress/compress-image';
import { formatBytes, formatDuration, secondsUntil } from '@/utils/format';
import { mergeItem, rowStatus } from '@/utils/queue-view/panel-rows';
import {
  DEFAULT_PACING,
  pacingSetting,
  parseDelaySeconds,
  parseDestinationUrl,
  parseWholeNumber,
  readPacingOptions,
  updatePacingOptions,
} from '@/utils/settings';
import { makeQueueItem } from '../factories/queue-item';

describe('settings parsing', () => {
  it.each([
    ['20', 20_000],
    ['0.4', 400],
    [' 0 ', 0],
    ['600', 600_000],
  ])('delay %j is %d ms', (text, ms) => expect(parseDelaySeconds(text)).toBe(ms));

  it.each(['', 'abc', '-1', '601', 'Infinity'])('delay %j is refused with a reason', (text) => {
    expect(parseDelaySeconds(text)).toBeInstanceOf(Error);
  });

  it.each(['http://127.0.0.1:8787/upload', 'https://img.example/api?key=1'])('destination %s is accepted', (text) => {
    expect(parseDestinationUrl(text)).toBeInstanceOf(URL);
  });

  it.each([
    ['not a url', 'not a URL'],
    ['javascript:alert(1)', 'only http and https destinations are supported'],
    ['file:///etc/passwd', 'only http and https destinations are supported'],
  ])('destination %j is refused: %s', (text, reason) => {
    expect((parseDestinationUrl(text) as Error).message).toBe(reason);
  });
});

describe('pacing settings', () => {
  it.each([
    ['2', 1, 6, 2],
    [' 0 ', 0, 3, 0],
    ['3', 0, 3, 3],
  ])('%j within %i-%i is %i', (text, min, max, value) => expect(parseWholeNumber(text, min, max)).toBe(value));

  it.each(['', '4', '-1', '1.5', 'two'])('%j is refused for 0-3', (text) => {
    expect(parseWholeNumber(text, 0, 3)).toBeInstanceOf(Error);
  });

  it('defaults to sequential, a cap of 2, one retry; an older stored object gains the new keys', async () => {
    expect(await readPacingOptions()).toEqual(DEFAULT_PACING);
    expect(DEFAULT_PACING).toMatchObject({ mode: 'sequential', concurrency: 2, maxRetries: 1 });
    await pacingSetting.setValue({ mode: 'staggered' } as never);
    expect(await readPacingOptions()).toEqual({ ...DEFAULT_PACING, mode: 'staggered' });
    await updatePacingOptions({ maxRetries: 3 });
    expect(await pacingSetting.getValue()).toEqual({ ...DEFAULT_PACING, mode: 'staggered', maxRetries: 3 });
  });
});

describe('renameForType', () => {
  it.each([
    ['photo.png', 'image/jpeg', 'photo.jpg'],
    ['photo.JPEG', 'image/jpeg', 'photo.jpg'],
    ['cutout.png', 'image/webp', 'cutout.webp'],
    ['archive.tar.png', 'image/jpeg', 'archive.tar.jpg'],
    ['noextension', 'image/jpeg', 'noextension.jpg'],
    ['.hidden', 'image/jpeg', '.hidden.jpg'],
  ])('%s as %s is %s', (name, type, expected) => expect(renameForType(name, type)).toBe(expected));
});

describe('formatting', () => {
  it.each([
    [999, '999 B'],
    [1_500, '1.5 KB'],
    [480_000, '480 KB'],
    [5_769_084, '5.8 MB'],
  ])('%d bytes is %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [31, '31 ms'],
    [999, '999 ms'],
    [12_345, '12.3 s'],
  ])('%d ms reads %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('counts whole seconds up and never below zero', () => {
    expect(secondsUntil(10_001, 0)).toBe(11);
    expect(secondsUntil(0, 5_000)).toBe(0);
  });
});

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

  it('an item this panel never saw becomes a new row', () => {
    expect(mergeItem([], makeQueueItem({ id: 'elsewhere', status: 'done' })).map(rowStatus)).toEqual(['done']);
  });
});
