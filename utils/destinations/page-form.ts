import { type DestinationSnapshot, isHttpUrl, type NameValue, PAGE_FORM_ID } from './model';

/** An upload form found on a page: what "this page's upload form" sends to. */
export interface PageForm {
  /** Position among the page's upload forms, to highlight the chosen one. */
  index: number;
  /** What the user recognises the form by: its heading, legend, id or action. */
  label: string;
  /** Absolute action URL (the page's URL when the form has none). */
  action: string;
  method: string;
  fileField: string;
  /** The form's other fields, hidden tokens included, as the page would submit them. */
  fields: NameValue[];
}

/**
 * Reads every `<form>` that holds an `<input type=file>`. Runs in the
 * content script; reads only the page.
 */
export function findUploadForms(root: Document): PageForm[] {
  const forms: PageForm[] = [];
  for (const form of root.querySelectorAll('form')) {
    const fileInput = form.querySelector<HTMLInputElement>('input[type=file][name]');
    if (!fileInput) continue;
    const fields: NameValue[] = [];
    for (const element of form.elements) {
      if (
        !(
          element instanceof HTMLInputElement ||
          element instanceof HTMLSelectElement ||
          element instanceof HTMLTextAreaElement
        )
      )
        continue;
      if (!element.name || element.disabled || element === fileInput) continue;
      if (element instanceof HTMLInputElement) {
        if (['file', 'submit', 'button', 'reset', 'image'].includes(element.type)) continue;
        if ((element.type === 'checkbox' || element.type === 'radio') && !element.checked) continue;
      }
      fields.push({ name: element.name, value: element.value });
    }
    forms.push({
      index: forms.length,
      label: labelOf(form),
      // `form.action` is already absolute (the page URL when the attribute is missing).
      action: form.action,
      method: (form.getAttribute('method') ?? 'get').toUpperCase(),
      fileField: fileInput.name,
      fields,
    });
  }
  return forms;
}

function labelOf(form: HTMLFormElement): string {
  const heading = form.querySelector('legend, h1, h2, h3, h4, label')?.textContent?.trim();
  const text = heading || form.getAttribute('aria-label') || form.id || form.getAttribute('name') || '';
  let path = form.action;
  try {
    path = new URL(form.action).pathname;
  } catch {
    // Keep the raw action.
  }
  return (text ? `${text.slice(0, 60)} (${path})` : path).replace(/\s+/g, ' ');
}

/**
 * How a page form is sent: a multipart POST to its action with its fields,
 * with the site's cookies, as the browser would submit it. The reply is
 * usually an HTML page, so success is the status and there is no URL
 * template. Returns an Error when the form cannot upload.
 */
export function snapshotFromPageForm(form: PageForm): DestinationSnapshot | Error {
  if (!isHttpUrl(form.action)) return new Error('the form does not send to an http(s) address');
  if (form.method !== 'POST') return new Error(`the form is sent with ${form.method}, which cannot carry a file`);
  if (!form.fileField) return new Error('the form has no named file field');
  return {
    id: PAGE_FORM_ID,
    name: form.label,
    url: escapeTemplateText(form.action),
    method: 'POST',
    body: {
      kind: 'multipart',
      fileField: form.fileField,
      fields: form.fields.map((field) => ({ name: field.name, value: escapeTemplateText(field.value) })),
    },
    headers: [],
    sendCookies: true,
    reply: { url: '', thumbnailUrl: '', deletionUrl: '', errorMessage: '' },
    successStatuses: '2xx',
    pacing: null,
  };
}

/** Page text is data, never a template: a token like "{abc}" must be sent as written. */
export function escapeTemplateText(text: string): string {
  return text.replace(/[\\{}|]/g, (char) => `\\${char}`);
}
