import type { UploaderTarget } from './find';

/**
 * Gives files to a page's uploader the way a person does: chosen in its file
 * input (the `input` and `change` events a browser fires after the file
 * dialog), or dragged onto its drop zone (`dragenter`, `dragover`, `drop`,
 * each carrying the files). The events are not trusted ones, which upload
 * libraries do not ask for.
 */
export function handFilesTo(target: Pick<UploaderTarget, 'element' | 'input'>, files: readonly File[]): void {
  const view = target.element.ownerDocument.defaultView ?? window;
  // The target's own window's constructors: an uploader in a frame checks `instanceof` against its realm.
  const transfer = new view.DataTransfer();
  for (const file of files) transfer.items.add(file);
  if (target.input) {
    target.input.files = transfer.files;
    target.input.dispatchEvent(new view.Event('input', { bubbles: true }));
    target.input.dispatchEvent(new view.Event('change', { bubbles: true }));
    return;
  }
  const box = target.element.getBoundingClientRect();
  // Some libraries (FilePond) check that the pointer is over the zone.
  const point = { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
  for (const type of ['dragenter', 'dragover', 'drop']) {
    target.element.dispatchEvent(
      new view.DragEvent(type, { bubbles: true, cancelable: true, composed: true, dataTransfer: transfer, ...point }),
    );
  }
}
