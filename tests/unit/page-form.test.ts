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
    enctype: 'multipart/form-data',
    charset: 'utf-8',
    fileField: 'picture',
    fileInput: 0,
    parts: [
      { name: 'csrf', value: 'tok{en}|\\1' },
      { name: 'picture', file: { input: 0, multiple: false, accept: '' } },
      { name: 'backup', file: { input: 1, multiple: false, accept: '' } },
      { name: 'album', value: '7' },
      { name: 'upload', value: 'Upload' },
    ],
    fillable: [],
    ...overrides,
  };
}

describe("this page's upload form as a destination", () => {
  it('sends a multipart POST to the action with the form data set in order, the site cookies included', async () => {
    const snapshot = snapshotFromPageForm(makePageForm());
    if (snapshot instanceof Error) throw snapshot;
    const request = await buildUploadRequest(
      { destination: snapshot, name: 'a.jpg', idempotencyKey: 'k' },
      new Blob(['x'], { type: 'image/jpeg' }),
    );
    expect(request.url).toBe('https://site.example/upload?from=page');
    expect(request.method).toBe('POST');
    expect(request.credentials).toBe('include');
    const raw = await request.clone().text();
    // An empty file part (Chrome writes `filename=""`, Node's encoder leaves an empty name out).
    expect(raw).toMatch(/name="backup"(; filename="")?\r\nContent-Type: application\/octet-stream\r\n\r\n\r\n/);
    const form = await request.formData();
    const described = [...form.entries()].map(([name, value]) =>
      typeof value === 'string' ? [name, value] : [name, `file "${value.name}" ${value.type} ${value.size} B`],
    );
    // The image where its input is, the other file input sent empty as a browser sends it, the submit button last.
    expect(described).toEqual([
      ['csrf', 'tok{en}|\\1'],
      ['picture', 'file "a.jpg" image/jpeg 1 B'],
      // (Node's parser reads an empty file part back as text; the raw part above is a file.)
      ['backup', ''],
      ['album', '7'],
      ['upload', 'Upload'],
    ]);
    expect(snapshot.page).toEqual({ kind: 'form' });
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
