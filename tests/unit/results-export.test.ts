import { describe, expect, it } from 'vitest';
import type { QueueItem } from '@/utils/queue/types';
import { formatResultLinks, resultsToCsv, resultsToJson } from '@/utils/results/export';
import { makeQueueItem } from '../factories/queue-item';

/** A batch handed over as a, b, c, d, e but listed out of order. */
function batch(): QueueItem[] {
  const items = [
    makeQueueItem({ seq: 1, name: 'a [1].jpg', status: 'done', resultUrl: 'https://i.example/a (1).jpg' }),
    makeQueueItem({ seq: 2, name: 'b.jpg', status: 'failed', error: 'HTTP 500' }),
    makeQueueItem({ seq: 3, name: 'c".jpg', status: 'done', resultUrl: 'https://i.example/c.jpg?x=1&y=2' }),
    makeQueueItem({ seq: 4, name: 'd.jpg', status: 'done', resultUrl: 'javascript:alert(1)' }),
    makeQueueItem({ seq: 5, name: 'e.jpg', status: 'queued' }),
  ];
  return [items[2], items[0], items[4], items[1], items[3]] as QueueItem[];
}

describe('Copy all', () => {
  it.each([
    { format: 'plain', expected: 'https://i.example/a (1).jpg\nhttps://i.example/c.jpg?x=1&y=2' },
    {
      format: 'markdown',
      expected: '![a \\[1\\].jpg](https://i.example/a%20%281%29.jpg)\n![c".jpg](https://i.example/c.jpg?x=1&y=2)',
    },
    {
      format: 'html',
      expected:
        '<img src="https://i.example/a (1).jpg" alt="a [1].jpg">\n<img src="https://i.example/c.jpg?x=1&#38;y=2" alt="c&#34;.jpg">',
    },
    {
      format: 'bbcode',
      expected: '[img]https://i.example/a%20(1).jpg[/img]\n[img]https://i.example/c.jpg?x=1&y=2[/img]',
    },
  ] as const)('$format: done http(s) results only, in batch order', ({ format, expected }) => {
    expect(formatResultLinks(batch(), format)).toBe(expected);
  });

  it('bbcode: a thumbnail links to the full image; brackets in a URL cannot close the tag', () => {
    const items = [
      makeQueueItem({
        seq: 1,
        status: 'done',
        resultUrl: 'https://i.example/full.jpg',
        thumbnailUrl: 'https://i.example/thumb.jpg',
      }),
      makeQueueItem({ seq: 2, status: 'done', resultUrl: 'https://i.example/x[/img][b].jpg' }),
      // A thumbnail that is not http(s) is not linked: the full image stands alone.
      makeQueueItem({ seq: 3, status: 'done', resultUrl: 'https://i.example/y.jpg', thumbnailUrl: 'data:x' }),
    ];
    expect(formatResultLinks(items, 'bbcode').split('\n')).toEqual([
      '[url=https://i.example/full.jpg][img]https://i.example/thumb.jpg[/img][/url]',
      '[img]https://i.example/x%5B/img%5D%5Bb%5D.jpg[/img]',
      '[img]https://i.example/y.jpg[/img]',
    ]);
  });
});

describe('export', () => {
  it('JSON: every item in batch order with sizes, URLs, status and timings', () => {
    const items = batch().map((item) =>
      item.seq === 1 ? { ...item, createdAt: 0, startedAt: 1_000, finishedAt: 3_500, httpStatus: 200 } : item,
    );
    const records = JSON.parse(resultsToJson(items)) as Record<string, unknown>[];
    expect(records.map((record) => record.name)).toEqual(['a [1].jpg', 'b.jpg', 'c".jpg', 'd.jpg', 'e.jpg']);
    expect(records[0]).toMatchObject({
      originalSize: 4_000_000,
      size: 400_000,
      status: 'done',
      httpStatus: 200,
      url: 'https://i.example/a (1).jpg',
      startedAt: '1970-01-01T00:00:01.000Z',
      finishedAt: '1970-01-01T00:00:03.500Z',
      uploadMs: 2_500,
    });
    expect(records[1]).toMatchObject({ status: 'failed', error: 'HTTP 500', url: null, uploadMs: null });
  });

  it('CSV: a header, one row per item, quoting, and no formulas', () => {
    const items = [
      makeQueueItem({ seq: 1, name: '=cmd|calc.jpg', status: 'failed', error: 'bad, "very" bad' }),
      makeQueueItem({ seq: 2, name: 'ok.jpg', status: 'done', resultUrl: 'https://i.example/ok.jpg' }),
    ];
    const lines = resultsToCsv(items).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'name,originalSize,size,status,httpStatus,url,thumbnailUrl,deletionUrl,error,destination,createdAt,startedAt,finishedAt,uploadMs',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]?.startsWith(`'=cmd|calc.jpg,4000000,400000,failed,,,,,"bad, ""very"" bad",`)).toBe(true);
    expect(lines[2]).toContain(',done,,https://i.example/ok.jpg,');
  });
});
