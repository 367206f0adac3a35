// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  followUpload,
  linkFromReply,
  pageErrorFor,
  parseUploadReport,
  shownPageErrors,
  type UploadReport,
} from '@/utils/page-uploaders/follow-upload';

const FILE = { name: 'photo-01.jpg', size: 1234 };

/** A report channel the test pushes into, as the page's watcher would. */
function channel() {
  const listeners = new Set<(report: UploadReport) => void>();
  return {
    subscribe: (listener: (report: UploadReport) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Reports go through the same parse the content script applies to the page's events. */
    emit(raw: unknown) {
      const report = parseUploadReport(JSON.stringify(raw));
      if (report) for (const listener of listeners) listener(report);
    },
    get listening() {
      return listeners.size;
    },
  };
}
const start = (id: string, files = [FILE]) => ({ kind: 'start', id, files, url: '/upload' });
const end = (id: string, status: number, excerpt = '', error = '') => ({ kind: 'end', id, status, excerpt, error });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('followUpload', () => {
  it("settles on the page's request for this file: status and the link from its reply", async () => {
    const reports = channel();
    const outcome = followUpload(FILE, reports.subscribe);
    reports.emit(start('x1'));
    reports.emit(end('x1', 200, '{"url":"http://127.0.0.1/files/0001-photo-01.jpg"}'));
    await expect(outcome).resolves.toEqual({
      kind: 'uploaded',
      status: 200,
      link: 'http://127.0.0.1/files/0001-photo-01.jpg',
      excerpt: '{"url":"http://127.0.0.1/files/0001-photo-01.jpg"}',
    });
    expect(reports.listening).toBe(0);
  });

  it('says "the page did not upload it" when no request carries the file within the set time', async () => {
    const reports = channel();
    const outcome = followUpload(FILE, reports.subscribe, { startWithinMs: 5000 });
    // Requests for other files, or the same name with another size, are not this file's.
    reports.emit(start('x1', [{ name: 'other.jpg', size: 1234 }]));
    reports.emit(start('x2', [{ name: FILE.name, size: 99 }]));
    reports.emit(end('x1', 200));
    await vi.advanceTimersByTimeAsync(5000);
    await expect(outcome).resolves.toEqual({ kind: 'not-started' });
  });

  it("ignores a forged end for a request that never carried the file (a hostile page can't mark the row done)", async () => {
    const reports = channel();
    const outcome = followUpload(FILE, reports.subscribe, { startWithinMs: 5000 });
    reports.emit(end('x1', 200, '{"url":"http://evil.example/fake"}'));
    reports.emit({ kind: 'end', id: 'x1', status: 'done' });
    reports.emit('not even an object');
    await vi.advanceTimersByTimeAsync(5000);
    await expect(outcome).resolves.toEqual({ kind: 'not-started' });
  });

  it("waits while the request runs, however long, and follows the uploader's own retry after a reset", async () => {
    const reports = channel();
    const outcome = followUpload(FILE, reports.subscribe, { startWithinMs: 1000, retryGraceMs: 1500 });
    reports.emit(start('x1'));
    await vi.advanceTimersByTimeAsync(60_000);
    reports.emit(end('x1', 0, '', 'network'));
    await vi.advanceTimersByTimeAsync(1000);
    reports.emit(start('x2'));
    reports.emit(end('x2', 201, 'http://127.0.0.1/files/a.jpg'));
    await expect(outcome).resolves.toMatchObject({
      kind: 'uploaded',
      status: 201,
      link: 'http://127.0.0.1/files/a.jpg',
    });
  });

  it('settles on a network failure when the uploader does not retry', async () => {
    const reports = channel();
    const outcome = followUpload(FILE, reports.subscribe, { retryGraceMs: 1500 });
    reports.emit(start('x1'));
    reports.emit(end('x1', 0, '', 'network'));
    await vi.advanceTimersByTimeAsync(1500);
    await expect(outcome).resolves.toEqual({ kind: 'failed', reason: 'network', message: '', excerpt: '' });
  });

  it("fails an error status with the page's own words when it shows an error for the file", async () => {
    const reports = channel();
    const outcome = followUpload(FILE, reports.subscribe, {
      retryGraceMs: 100,
      readPageError: (name) => (name === FILE.name ? 'File is too big (12MiB). Max filesize: 2MiB.' : undefined),
    });
    reports.emit(start('x1'));
    reports.emit(end('x1', 413, '<h1>413</h1>'));
    await vi.advanceTimersByTimeAsync(100);
    await expect(outcome).resolves.toEqual({
      kind: 'failed',
      reason: 'http',
      status: 413,
      message: 'File is too big (12MiB). Max filesize: 2MiB.',
      excerpt: '<h1>413</h1>',
    });
  });

  it('a 2xx is not success when the uploader shows an error for the file', async () => {
    const reports = channel();
    const outcome = followUpload(FILE, reports.subscribe, { retryGraceMs: 100, readPageError: () => 'Server error' });
    reports.emit(start('x1'));
    reports.emit(end('x1', 200, '{"error":"quota"}'));
    await vi.advanceTimersByTimeAsync(100);
    await expect(outcome).resolves.toMatchObject({ kind: 'failed', reason: 'page-error', message: 'Server error' });
  });
});

describe('linkFromReply', () => {
  it.each([
    ['{"url":"https://cdn.example/a.jpg"}', 'https://cdn.example/a.jpg'],
    ['{"data":{"link":"https://i.example/b.png"}}', 'https://i.example/b.png'],
    ['{"files":[{"name":"c.jpg","url":"http://127.0.0.1/files/c.jpg"}]}', 'http://127.0.0.1/files/c.jpg'],
    ['  https://cdn.example/plain.jpg\n', 'https://cdn.example/plain.jpg'],
    ['{"url":"javascript:alert(1)"}', undefined],
    ['<!doctype html><p>Thanks</p>', undefined],
    ['{"ok":true}', undefined],
  ])('%s -> %s', (excerpt, link) => {
    expect(linkFromReply(excerpt)).toBe(link);
  });
});

describe('pageErrorFor', () => {
  it("reads the error Dropzone shows under that file's name, and no other file's", () => {
    document.body.innerHTML = `
      <div class="dropzone">
        <div class="dz-preview dz-error"><div class="dz-filename"><span data-dz-name>a.jpg</span></div>
          <div class="dz-error-message"><span data-dz-errormessage>Server responded with 500 code.</span></div></div>
        <div class="dz-preview dz-success"><div class="dz-filename"><span data-dz-name>b.jpg</span></div>
          <div class="dz-error-message"><span data-dz-errormessage></span></div></div>
      </div>`;
    expect(pageErrorFor(document, 'a.jpg')).toBe('Server responded with 500 code.');
    expect(pageErrorFor(document, 'b.jpg')).toBeUndefined();
  });

  it('reads FilePond only for an item in an error state, not its "tap to cancel" hint', () => {
    document.body.innerHTML = `
      <li class="filepond--item" data-filepond-item-state="processing">
        <span class="filepond--file-info-main">a.jpg</span>
        <span class="filepond--file-status-main">Uploading</span><span class="filepond--file-status-sub">tap to cancel</span></li>
      <li class="filepond--item" data-filepond-item-state="processing-error">
        <span class="filepond--file-info-main">b.jpg</span>
        <span class="filepond--file-status-main">Error during upload</span><span class="filepond--file-status-sub">tap to retry</span></li>`;
    expect(pageErrorFor(document, 'a.jpg')).toBeUndefined();
    expect(pageErrorFor(document, 'b.jpg')).toBe('Error during upload');
  });

  it("an error shown before this hand-over (an earlier try of the same name, before Retry) is not this try's", () => {
    const preview = (state: string, error: string) =>
      `<div class="dz-preview ${state}"><div class="dz-filename"><span data-dz-name>a.jpg</span></div>
        <div class="dz-error-message"><span data-dz-errormessage>${error}</span></div></div>`;
    document.body.innerHTML = `<div class="dropzone">${preview('dz-error', 'Server responded with 500 code.')}</div>`;
    const earlier = shownPageErrors(document);
    document.querySelector('.dropzone')?.insertAdjacentHTML('beforeend', preview('dz-success', ''));
    expect(pageErrorFor(document, 'a.jpg', earlier)).toBeUndefined();
    document.querySelector('.dropzone')?.insertAdjacentHTML('beforeend', preview('dz-error', 'File is too big'));
    expect(pageErrorFor(document, 'a.jpg', earlier)).toBe('File is too big');
  });
});
