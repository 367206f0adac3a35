import { describe, expect, it } from 'vitest';
import type { PageForm } from '@/utils/destinations/page-form';
import { escapeTemplateText, snapshotFromPageForm } from '@/utils/destinations/page-form';
import { buildUploadRequest } from '@/utils/upload/build-request';

function makePageForm(overrides: Partial<PageForm> = {}): PageForm {
  return {
    index: 0,
    label: 'Upload (/upload)',
    action: 'https://site.example/upload?from=page',
    method: 'POST',
    fileField: 'picture',
    fields: [
      { name: 'csrf', value: 'tok{en}|\\1' },
      { name: 'album', value: '7' },
    ],
    ...overrides,
  };
}

describe("this page's upload form as a destination", () => {
  it('sends a multipart POST to the action with every field as written, the site cookies included', async () => {
    const snapshot = snapshotFromPageForm(makePageForm());
    if (snapshot instanceof Error) throw snapshot;
    const request = await buildUploadRequest(
      { destination: snapshot, name: 'a.jpg', idempotencyKey: 'k' },
      new Blob(['x'], { type: 'image/jpeg' }),
    );
    expect(request.url).toBe('https://site.example/upload?from=page');
    expect(request.method).toBe('POST');
    expect(request.credentials).toBe('include');
    const form = await request.formData();
    expect([...form.entries()].map(([name, value]) => [name, typeof value === 'string' ? value : value.name])).toEqual([
      ['csrf', 'tok{en}|\\1'],
      ['album', '7'],
      ['picture', 'a.jpg'],
    ]);
  });

  it.each([
    { case: 'GET form', form: { method: 'GET' }, message: 'the form is sent with GET, which cannot carry a file' },
    {
      case: 'javascript: action',
      form: { action: 'javascript:void(0)' },
      message: 'the form does not send to an http(s) address',
    },
    { case: 'no file field name', form: { fileField: '' }, message: 'the form has no named file field' },
  ])('refuses a $case', ({ form, message }) => {
    expect((snapshotFromPageForm(makePageForm(form)) as Error).message).toBe(message);
  });

  it('page text is never read as a template', () => {
    expect(escapeTemplateText('{filename}|\\')).toBe('\\{filename\\}\\|\\\\');
  });
});
