// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { findPageUploaders, findUploaderTargets } from '@/utils/page-uploaders/find';

/** Saved pages: the four library pages are the DOM of tests' site pages after the library ran (scripts/lib/site-pages.ts). */
function snapshot(name: string): Document {
  const html = readFileSync(path.join(import.meta.dirname, '../fixtures/page-snapshots', `${name}.html`), 'utf8');
  return new DOMParser().parseFromString(html, 'text/html');
}

describe('findPageUploaders', () => {
  it.each([
    ['dropzone', 'Product photos: Drop files here to upload', 'Dropzone', 'drop'],
    ['filepond', 'Gallery: Drag & Drop your files or Browse', 'FilePond', 'input'],
    ['uppy', 'Media library: Drop files here or browse files', 'Uppy', 'input'],
    ['blueimp', 'Attachments: Add files...', 'jQuery File Upload', 'input'],
  ])('finds the %s uploader by its library markup and names it by heading and prompt', (page, label, library, way) => {
    expect(findPageUploaders(snapshot(page))).toEqual([
      { index: 0, label, library, way, inFrame: false, multiple: true },
    ]);
  });

  it('reaches Dropzone by a drop, not through the hidden input it appends to <body>', () => {
    const [target] = findUploaderTargets(snapshot('dropzone'));
    expect(target?.element.id).toBe('photos');
    expect(target?.input).toBeUndefined();
  });

  it('hands Uppy files through its file input, not its folder picker', () => {
    const [target] = findUploaderTargets(snapshot('uppy'));
    expect(target?.input?.hasAttribute('webkitdirectory')).toBe(false);
  });

  it('finds a drop zone without a form or a library by its prompt, and skips long text that mentions dragging', () => {
    const uploaders = findPageUploaders(snapshot('custom-drop-zone'));
    expect(uploaders).toEqual([
      {
        index: 0,
        label: 'Cover image: Drag a photo here PNG or JPEG, up to 10 MB',
        way: 'drop',
        inFrame: false,
        multiple: true,
      },
    ]);
    expect(findUploaderTargets(snapshot('custom-drop-zone'))[0]?.element.className).toBe('upload-area');
  });

  it('finds hidden file inputs behind a button or a label, and leaves disabled ones out', () => {
    expect(findPageUploaders(snapshot('hidden-input-button'))).toEqual([
      { index: 0, label: 'Avatar: Choose photo', way: 'input', inFrame: false, multiple: false },
      { index: 1, label: 'Documents: Attach documents', way: 'input', inFrame: false, multiple: true },
    ]);
  });

  it('lists several uploaders on one page in document order, each under its own heading', () => {
    expect(findPageUploaders(snapshot('several-uploaders')).map(({ label, way }) => [label, way])).toEqual([
      ['Product photos: Drop files here to upload', 'drop'],
      ['Size chart: 드래그해서 놓으세요', 'drop'],
      ['Manual (PDF): Manual file', 'input'],
    ]);
  });

  it("finds uploaders inside same-origin frames, after the page's own", async () => {
    // The test environment's window does not load frames; a window of its own does.
    const window = new Window({ url: 'http://127.0.0.1/', settings: { disableIframePageLoading: false } });
    const page = window.document;
    page.body.innerHTML = snapshot('hidden-input-button').body.innerHTML;
    const frame = page.createElement('iframe');
    frame.srcdoc = snapshot('dropzone').documentElement.outerHTML;
    page.body.append(frame);
    await window.happyDOM.waitUntilComplete();
    const uploaders = findPageUploaders(page as unknown as Document);
    expect(uploaders.map(({ label, inFrame }) => [label, inFrame])).toEqual([
      ['Avatar: Choose photo', false],
      ['Documents: Attach documents', false],
      ['Product photos: Drop files here to upload', true],
    ]);
    expect(uploaders.map((uploader) => uploader.index)).toEqual([0, 1, 2]);
    await window.happyDOM.close();
  });

  it("leaves a plain multipart form's file input to the form path, and keeps a script's input in a form", () => {
    document.body.innerHTML = `
      <form method="post" action="/upload" enctype="multipart/form-data"><h2>Plain</h2>
        <input type="file" name="picture"><button>Send</button></form>
      <form onsubmit="return false"><h2>Scripted</h2><input type="file" id="scripted" aria-label="Pick images"></form>`;
    expect(findPageUploaders(document).map((uploader) => uploader.label)).toEqual(['Scripted: Pick images']);
  });

  it("never lists Cadence's own panel", () => {
    document.body.innerHTML =
      '<div data-cadence-panel><div class="dropzone">Drop images here</div><input type="file"></div>';
    expect(findPageUploaders(document)).toEqual([]);
  });
});
