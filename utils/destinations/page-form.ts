import { type Localized, LocalizedError, localized } from '../localized';
import { type FillableField, type FormPart, readSubmission } from './form-data-set';
import { type DestinationSnapshot, isHttpUrl, PAGE_FORM_ID } from './model';

/**
 * An upload form found on a page, with one of its file inputs: what "this
 * page's upload form" sends to, one image per post, as the browser would
 * submit it with its default button.
 */
export interface PageForm {
  /** Position among the page's upload targets, to highlight the chosen one. */
  index: number;
  /** What the user recognises the form by: its heading, legend, id or action. */
  label: string;
  /** Absolute action URL (the page's URL when the form has none; the submit button's formaction wins). */
  action: string;
  method: string;
  enctype: string;
  /** The encoding the browser would send its text in ("utf-8", "euc-kr"). */
  charset: string;
  /** The name of the file input the images go into. */
  fileField: string;
  /** Which of the form's file inputs that is (FormPart's `file.input`). */
  fileInput: number;
  /** The form data set, in order: hidden tokens and the submit button's name and value included. */
  parts: FormPart[];
  /** Fields a person fills in for the batch; the panel shows them before anything is sent. */
  fillable: FillableField[];
}

/** A file input in a form, in the page or a same-origin frame: one target of "this page's upload form". */
export interface UploadTarget {
  form: HTMLFormElement;
  input: HTMLInputElement;
  /** Its position among the form's file inputs. */
  fileInput: number;
}

/**
 * Every named file input of every form, in the page and in the frames the
 * page's own scripts could reach (same origin), in document order. Runs in
 * the content script; reads only the page.
 */
export function findUploadTargets(root: Document): UploadTarget[] {
  const targets: UploadTarget[] = [];
  for (const doc of documentsIn(root)) {
    for (const form of doc.querySelectorAll('form')) {
      const inputs = [...doc.querySelectorAll('input')].filter((input) => input.type === 'file' && input.form === form);
      inputs.forEach((input, fileInput) => {
        if (input.name && !input.hasAttribute('disabled')) targets.push({ form, input, fileInput });
      });
    }
  }
  return targets;
}

/** The page's upload forms, one entry per file input (a form with two file inputs is two choices). */
export function findUploadForms(root: Document): PageForm[] {
  const targets = findUploadTargets(root);
  return targets.map(({ form, input, fileInput }, index) => {
    const submission = readSubmission(form);
    const several = targets.filter((target) => target.form === form).length > 1;
    return {
      index,
      label: several ? `${labelOf(form)} · ${input.labels?.[0]?.textContent?.trim() || input.name}` : labelOf(form),
      action: submission.action,
      method: submission.method,
      enctype: submission.enctype,
      charset: submission.charset,
      fileField: input.name,
      fileInput,
      parts: submission.parts,
      fillable: submission.fillable,
    };
  });
}

/** The document and every same-origin frame in it, frames' frames included. */
function documentsIn(root: Document): Document[] {
  const docs = [root];
  for (const frame of root.querySelectorAll<HTMLIFrameElement | HTMLFrameElement>('iframe, frame')) {
    let inner: Document | null = null;
    try {
      inner = frame.contentDocument;
    } catch {
      // Another origin: its forms are not this page's to read.
    }
    if (inner) docs.push(...documentsIn(inner));
  }
  return docs;
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
 * How a page form is sent: the form data set as a multipart POST to its
 * action, the image in the chosen file input, the other file inputs empty
 * (as a browser sends them), with the site's cookies. The reply is usually
 * an HTML page, read by form-reply.ts. Returns an Error naming why the form
 * cannot carry a file the way a browser would send it.
 */
export function snapshotFromPageForm(form: PageForm): DestinationSnapshot | LocalizedError {
  const refuse = (message: string, text: Localized) => new LocalizedError(message, text);
  if (!isHttpUrl(form.action)) {
    return refuse('the form does not send to an http(s) address', localized('pageFormNotHttp'));
  }
  if (form.method !== 'POST') {
    return refuse(
      `the form is sent with ${form.method}, which cannot carry a file`,
      localized('pageFormMethod', form.method),
    );
  }
  if (form.enctype.toLowerCase() !== 'multipart/form-data') {
    return refuse(
      `the form is sent as ${form.enctype}: a browser would send only the file's name`,
      localized('pageFormEnctype', form.enctype),
    );
  }
  const chosen = form.parts.find((part) => 'file' in part && part.file.input === form.fileInput);
  if (!form.fileField || !chosen || chosen.name !== form.fileField) {
    return refuse('the form has no named file field', localized('pageFormNoFileField'));
  }
  if (
    form.charset !== 'utf-8' &&
    form.parts.some((part) => 'value' in part && /[^ -~\t\r\n]/.test(part.name + part.value))
  ) {
    const charset = form.charset.toUpperCase();
    return refuse(
      `the form sends its text as ${charset}, which Cadence cannot write`,
      localized('pageFormCharset', charset),
    );
  }
  const missing = form.fillable.find((field) => {
    const part = form.parts[field.part];
    return field.required && part !== undefined && 'value' in part && !part.value.trim();
  });
  if (missing) return refuse(`fill in "${missing.label}" first`, localized('pageFormFieldMissing', missing.label));
  const fields: { name: string; value: string }[] = [];
  const emptyFileFields: { name: string; at: number }[] = [];
  let fileAt = 0;
  form.parts.forEach((part, at) => {
    if (!('file' in part)) fields.push({ name: part.name, value: escapeTemplateText(part.value) });
    else if (part === chosen) fileAt = at;
    else emptyFileFields.push({ name: part.name, at });
  });
  return {
    id: PAGE_FORM_ID,
    name: form.label,
    url: escapeTemplateText(form.action),
    method: 'POST',
    body: { kind: 'multipart', fileField: form.fileField, fields, fileAt, emptyFileFields },
    headers: [],
    sendCookies: true,
    reply: { url: '', thumbnailUrl: '', deletionUrl: '', errorMessage: '' },
    successStatuses: '2xx',
    pacing: null,
    page: { kind: 'form' },
  };
}

/** Page text is data, never a template: a token like "{abc}" must be sent as written. */
export function escapeTemplateText(text: string): string {
  return text.replace(/[\\{}|]/g, (char) => `\\${char}`);
}
