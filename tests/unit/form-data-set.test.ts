// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formCharset, readSubmission } from '@/utils/destinations/form-data-set';
import { findUploadForms, type PageForm, snapshotFromPageForm } from '@/utils/destinations/page-form';

/** Loads a saved page snapshot (tests/fixtures/pages) as the page at `url`. */
function loadPage(file: string, url: string): Document {
  // jsdom's own way to set the page's address (its `reconfigure`, exposed by vitest's environment).
  (globalThis as unknown as { jsdom: { reconfigure(options: { url: string }): void } }).jsdom.reconfigure({ url });
  const html = readFileSync(path.resolve(import.meta.dirname, '../fixtures/pages', file), 'utf8');
  document.documentElement.innerHTML = html.replace(/^[\s\S]*?<html[^>]*>/i, '').replace(/<\/html>\s*$/i, '');
  return document;
}

/** A form data set as name/value pairs, files as "<file #input>". */
const entries = (form: Pick<PageForm, 'parts'>) =>
  form.parts.map((part) => [part.name, 'file' in part ? `<file #${part.file.input}>` : part.value]);

/** What the snapshot sends, in order: fields by value, the image as "<image>", other file inputs as "<empty file>". */
function sentEntries(form: PageForm) {
  const snapshot = snapshotFromPageForm(form);
  if (snapshot instanceof Error) throw snapshot;
  if (snapshot.body.kind !== 'multipart') throw new Error('not multipart');
  const { fields, fileField, fileAt, emptyFileFields = [] } = snapshot.body;
  const sent: string[][] = fields.map((field) => [field.name, field.value.replace(/\\(.)/g, '$1')]);
  for (const part of [
    ...emptyFileFields.map((empty) => ({ ...empty, file: '<empty file>' })),
    { name: fileField, at: fileAt ?? -1, file: '<image>' },
  ].sort((a, b) => a.at - b.at)) {
    sent.splice(part.at, 0, [part.name, part.file]);
  }
  return { snapshot, entries: sent };
}

describe('the form data set a browser would submit, read from saved pages', () => {
  it('a blog media page: the upload form only, its nonce, and the submit button html-upload=Upload in tree order', () => {
    const forms = findUploadForms(loadPage('wp-media-new.html', 'https://blog.example/wp-admin/media-new.php'));
    expect(forms).toHaveLength(1);
    const [form] = forms as [PageForm];
    expect(form).toMatchObject({
      action: 'https://blog.example/wp-admin/media-new.php',
      method: 'POST',
      enctype: 'multipart/form-data',
      charset: 'utf-8',
      fileField: 'async-upload',
      label: 'Upload (/wp-admin/media-new.php)',
    });
    expect(entries(form)).toEqual([
      ['async-upload', '<file #0>'],
      ['html-upload', 'Upload'],
      ['post_id', '0'],
      ['_wpnonce', '3f9c0e1a2b'],
      ['_wp_http_referer', '/wp-admin/media-new.php'],
    ]);
    expect(form.fillable).toEqual([]);
    // Sent in the same order, the image where the file input is.
    const { snapshot, entries: sent } = sentEntries(form);
    expect(snapshot).toMatchObject({ url: 'https://blog.example/wp-admin/media-new.php', sendCookies: true });
    expect(sent).toEqual([
      ['async-upload', '<image>'],
      ['html-upload', 'Upload'],
      ['post_id', '0'],
      ['_wpnonce', '3f9c0e1a2b'],
      ['_wp_http_referer', '/wp-admin/media-new.php'],
    ]);
  });

  it('checkboxes, radios, selects, disabled and hidden-by-datalist fields, a form= field, the default button and its formaction', () => {
    const forms = findUploadForms(loadPage('shop-product.html', 'https://shop.example/admin/products/42/edit'));
    // Two file inputs: two choices, each naming its input.
    expect(forms.map((form) => [form.index, form.fileField, form.fileInput])).toEqual([
      [0, 'image[file]', 0],
      [1, 'image[manual]', 1],
    ]);
    const [form] = forms as [PageForm];
    expect(form.label).toBe('Product images (/admin/products/42/images) · image[file]');
    // The first submit button is the default: its formaction wins, its name and value are sent; the second is not.
    expect(form.action).toBe('https://shop.example/admin/products/42/images?via=button');
    expect(entries(form)).toEqual([
      ['authenticity_token', 'tok-42'],
      ['image[alt]', ''],
      ['licence', 'all'],
      ['tags', 'red'],
      ['tags', 'blue'],
      ['featured', 'on'],
      ['publish', 'now'],
      ['position', 'last'],
      ['sku', 'SKU-1'],
      ['notes', 'line one\nline two'],
      ['_charset_', 'UTF-8'],
      ['secret-ui', 'hidden by the page'],
      ['image[file]', '<file #0>'],
      ['image[manual]', '<file #1>'],
      ['commit', 'upload'],
      ['outside', 'joined by form='],
    ]);
    // What a person fills in: the visible text fields and the single select; not the read-only one,
    // not a field the page hides, not the multiple select.
    expect(
      form.fillable.map((field) => [field.label, field.kind, field.required, entries(form)[field.part]?.[0]]),
    ).toEqual([
      ['Alt text', 'text', true, 'image[alt]'],
      ['Licence', 'select', false, 'licence'],
      ['notes', 'textarea', false, 'notes'],
      ['outside', 'text', false, 'outside'],
    ]);
    expect(form.fillable[1]?.options.map((option) => option.value)).toEqual(['', 'cc-by', 'all']);

    // A required field left empty stops the batch before anything is sent, by name.
    expect((snapshotFromPageForm(form) as Error).message).toBe('fill in "Alt text" first');
    const filled = structuredClone(form);
    filled.parts[1] = { name: 'image[alt]', value: 'A red {mug}' };
    const { entries: sent } = sentEntries(filled);
    // The image in the chosen input; the other file input is sent empty, as a browser sends it.
    expect(sent.slice(12, 15)).toEqual([
      ['image[file]', '<image>'],
      ['image[manual]', '<empty file>'],
      ['commit', 'upload'],
    ]);
    expect(sent[1]).toEqual(['image[alt]', 'A red {mug}']);

    // The second choice puts the image into the other input.
    const second = structuredClone(forms[1] as PageForm);
    second.parts[1] = { name: 'image[alt]', value: 'x' };
    const { entries: sentSecond } = sentEntries(second);
    expect(sentSecond.slice(12, 14)).toEqual([
      ['image[file]', '<empty file>'],
      ['image[manual]', '<image>'],
    ]);
  });

  it('accept-charset: the first encoding the browser knows; a non-UTF-8 form with non-ASCII text is refused by name', () => {
    const [form] = findUploadForms(loadPage('euc-kr-board.html', 'https://board.example/bbs/write.php')) as [PageForm];
    expect(form.charset).toBe('euc-kr');
    // An image button as the default submitter sends its click position.
    expect(entries(form)).toEqual([
      ['bo_table', 'photo'],
      ['wr_subject', ''],
      ['bf_file[]', '<file #0>'],
      ['btn_submit.x', '0'],
      ['btn_submit.y', '0'],
    ]);
    expect(form.fillable.map((field) => [field.label, field.required])).toEqual([['제목', true]]);
    const filled = structuredClone(form);
    filled.parts[1] = { name: 'wr_subject', value: 'summer' };
    expect(snapshotFromPageForm(filled)).not.toBeInstanceOf(Error);
    filled.parts[1] = { name: 'wr_subject', value: '여름' };
    expect((snapshotFromPageForm(filled) as Error).message).toBe(
      'the form sends its text as EUC-KR, which Cadence cannot write',
    );
  });

  it.each([
    ['', 'utf-8'],
    ['utf-16le', 'utf-8'],
    ['x-nothing', 'utf-8'],
    ['ISO-8859-1', 'windows-1252'],
    ['shift_jis utf-8', 'shift_jis'],
  ])('accept-charset "%s" sends as %s', (attribute, charset) => {
    document.body.innerHTML = `<form accept-charset="${attribute}"></form>`;
    expect(formCharset(document.querySelector('form') as HTMLFormElement)).toBe(charset);
  });

  it('several forms and a form in a same-origin frame are each offered; GET, urlencoded and dialog forms are refused by name', () => {
    loadPage('wp-media-new.html', 'https://blog.example/wp-admin/media-new.php');
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const inner = frame.contentDocument as Document;
    inner.body.innerHTML = `
      <form method="post" enctype="multipart/form-data" action="https://blog.example/framed"><h3>In a frame</h3><input type="file" name="framed"></form>
      <form method="get" action="https://blog.example/get"><input type="file" name="by-get"></form>
      <form method="post" action="https://blog.example/urlencoded"><input type="file" name="by-name-only"></form>`;
    const forms = findUploadForms(document);
    expect(forms.map((form) => form.fileField)).toEqual(['async-upload', 'framed', 'by-get', 'by-name-only']);
    expect(forms.map((form) => form.index)).toEqual([0, 1, 2, 3]);
    expect(forms[1]?.label).toBe('In a frame (/framed)');
    expect(snapshotFromPageForm(forms[1] as PageForm)).not.toBeInstanceOf(Error);
    expect((snapshotFromPageForm(forms[2] as PageForm) as Error).message).toBe(
      'the form is sent with GET, which cannot carry a file',
    );
    expect((snapshotFromPageForm(forms[3] as PageForm) as Error).message).toBe(
      "the form is sent as application/x-www-form-urlencoded: a browser would send only the file's name",
    );
  });

  it('a submitter given explicitly is the one sent, with its formmethod and formenctype', () => {
    document.body.innerHTML = `<form method="post" action="/a"><input type="file" name="f">
      <button name="go" value="1">Go</button>
      <button name="alt" value="2" formmethod="post" formenctype="multipart/form-data" formaction="/b">Alt</button></form>`;
    const form = document.querySelector('form') as HTMLFormElement;
    const submission = readSubmission(form, form.querySelector<HTMLButtonElement>('[name=alt]') ?? undefined);
    expect(submission.enctype).toBe('multipart/form-data');
    expect(submission.action).toMatch(/\/b$/);
    expect(entries(submission)).toEqual([
      ['f', '<file #0>'],
      ['alt', '2'],
    ]);
  });
});
