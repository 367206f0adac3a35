import { describe, expect, it } from 'vitest';
import { PAGE_UPLOAD_START_MS, toUploadOutcome } from '@/entrypoints/background/page-uploader';
import { snapshotFromPageUploader } from '@/utils/page-uploaders/snapshot';
import { isRetryable } from '@/utils/queue/retry';

describe("the page's uploader as a destination", () => {
  it('keeps the tab and the uploader in the snapshot, paced per uploader, with no request secrets', () => {
    const snapshot = snapshotFromPageUploader(
      { index: 2, label: 'Gallery: Drop here', way: 'drop', inFrame: false, multiple: true },
      17,
      'https://blog.example/wp-admin/media-new.php?x=1',
    );
    expect(snapshot).toMatchObject({
      id: 'page-uploader:17:2',
      name: 'Gallery: Drop here',
      url: 'https://blog.example/',
      headers: [],
      pageUploader: { tabId: 17, index: 2, label: 'Gallery: Drop here' },
    });
  });

  it.each([
    [
      'uploaded with a link',
      { kind: 'uploaded', status: 201, link: 'https://cdn.example/a.jpg', excerpt: '' },
      { ok: true, httpStatus: 201, resultUrl: 'https://cdn.example/a.jpg' },
      false,
    ],
    ['no request', { kind: 'not-started' }, { ok: false, kind: 'unreadable', problem: 'page-did-not-upload' }, false],
    [
      'a network failure',
      { kind: 'failed', reason: 'network', message: '', excerpt: '' },
      { ok: false, kind: 'reset' },
      true,
    ],
    [
      "the page's error",
      { kind: 'failed', reason: 'http', status: 500, message: 'Server responded with 500 code.', excerpt: '<h1>' },
      {
        ok: false,
        kind: 'http',
        httpStatus: 500,
        problem: 'page-showed-error',
        excerpt: 'Server responded with 500 code.',
      },
      true,
    ],
    [
      'a 400 without words',
      { kind: 'failed', reason: 'http', status: 400, message: '', excerpt: '{"error":"bad"}' },
      { ok: false, kind: 'http', httpStatus: 400, excerpt: '{"error":"bad"}' },
      false,
    ],
  ] as const)('%s', (_, outcome, expected, retried) => {
    const result = toUploadOutcome(outcome);
    expect(result).toMatchObject(expected);
    expect(!result.ok && isRetryable(result)).toBe(retried);
  });

  it('names the time the page had to start the upload', () => {
    const result = toUploadOutcome({ kind: 'not-started' });
    expect(!result.ok && result.error).toBe(`The page did not upload it within ${PAGE_UPLOAD_START_MS / 1000} s`);
  });
});
