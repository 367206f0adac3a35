/**
 * The form data set a browser builds when a form is submitted (HTML,
 * "constructing the entry list"), read from the page without submitting it.
 *
 * Written here rather than taken from `new FormData(form, submitter)`: the
 * browser's FormData gives the entries but not which element each came from,
 * and Cadence needs that to put the chosen image into one file input, send
 * the others empty, and show the text fields a person fills in. (The DOMs
 * used in unit tests also disagree with the spec on multiple selects and
 * disabled fieldsets, so one spec-following reading is the only one that is
 * the same everywhere.)
 */

/** One entry of the form data set, in order. A file input's entry says which input it is. */
export type FormPart = { name: string; value: string } | { name: string; file: FileInputInfo };

export interface FileInputInfo {
  /** Position of the input among the form's file inputs. */
  input: number;
  multiple: boolean;
  accept: string;
}

/** A text field or a choice a person fills in for the batch (a caption, a licence). */
export interface FillableField {
  /** Index into the form data set's parts. */
  part: number;
  label: string;
  kind: 'text' | 'textarea' | 'select';
  /** For a select: its enabled options. */
  options: { value: string; label: string }[];
  required: boolean;
}

export interface FormSubmission {
  action: string;
  /** Upper case: GET, POST or DIALOG. */
  method: string;
  enctype: string;
  /** The encoding's name as TextDecoder reports it ("utf-8", "euc-kr"). */
  charset: string;
  parts: FormPart[];
  fillable: FillableField[];
}

const LISTED = 'button, input, select, textarea, object';
const TEXT_TYPES = new Set(['text', 'search', 'url', 'email', 'tel', 'number', '']);

/**
 * The button a browser submits with when the form is submitted without a
 * click on a particular one (pressing Enter): the first submit button in tree
 * order. Taken even while disabled: sites often enable it only once a file is
 * chosen, and a person then clicks exactly that one.
 */
export function defaultSubmitter(form: HTMLFormElement): HTMLButtonElement | HTMLInputElement | undefined {
  const candidates = controlsOf(form).filter(
    (element) =>
      (isButton(element) && element.type === 'submit') ||
      (isInput(element) && (element.type === 'submit' || element.type === 'image')),
  );
  return candidates[0] as HTMLButtonElement | HTMLInputElement | undefined;
}

/** Reads how `form` would be submitted by `submitter` (default: the default button). */
export function readSubmission(
  form: HTMLFormElement,
  submitter: HTMLButtonElement | HTMLInputElement | undefined = defaultSubmitter(form),
): FormSubmission {
  const charset = formCharset(form);
  const parts: FormPart[] = [];
  const fillable: FillableField[] = [];
  let fileInputs = 0;
  for (const element of controlsOf(form)) {
    const isSubmitter = element === submitter;
    if (element.closest('datalist')) continue;
    if (isDisabled(element) && !isSubmitter) continue;
    if (isButton(element) && !isSubmitter) continue;
    if (element.localName === 'object') continue;
    if (isInput(element)) {
      const type = element.type.toLowerCase();
      if (['submit', 'image', 'reset', 'button'].includes(type) && !isSubmitter) continue;
      if ((type === 'checkbox' || type === 'radio') && !element.checked) continue;
      if (type === 'image') {
        // Submitted by a click at its top-left corner: no name gives plain "x" and "y".
        const prefix = element.name ? `${element.name}.` : '';
        parts.push({ name: `${prefix}x`, value: '0' }, { name: `${prefix}y`, value: '0' });
        continue;
      }
    }
    const { name } = element as HTMLInputElement;
    if (!name) continue;
    if (isSelect(element)) {
      for (const option of element.options) {
        if (option.selected && !option.disabled) parts.push({ name, value: option.value });
      }
      if (!element.multiple && isShown(element)) {
        fillable.push({
          part: parts.length - 1,
          label: fieldLabel(element),
          kind: 'select',
          options: [...element.options]
            .filter((option) => !option.disabled)
            .map((option) => ({ value: option.value, label: option.text.trim() || option.value })),
          required: element.required,
        });
      }
      continue;
    }
    if (isInput(element)) {
      const type = element.type.toLowerCase();
      if (type === 'checkbox' || type === 'radio') {
        parts.push({ name, value: element.getAttribute('value') ?? 'on' });
        continue;
      }
      if (type === 'file') {
        parts.push({
          name,
          file: { input: fileInputs++, multiple: element.multiple, accept: element.getAttribute('accept') ?? '' },
        });
        continue;
      }
      if (type === 'hidden' && name.toLowerCase() === '_charset_') {
        parts.push({ name, value: charset === 'utf-8' ? 'UTF-8' : charset.toUpperCase() });
        continue;
      }
    }
    const field = element as HTMLInputElement | HTMLTextAreaElement;
    parts.push({ name, value: field.value });
    const isTextArea = element.localName === 'textarea';
    const textLike = isTextArea || (isInput(element) && TEXT_TYPES.has(element.type.toLowerCase()));
    if (textLike && !element.matches('[readonly]') && (isShown(element) || (field.required && !field.value))) {
      fillable.push({
        part: parts.length - 1,
        label: fieldLabel(element),
        kind: isTextArea ? 'textarea' : 'text',
        options: [],
        required: field.required,
      });
    }
    const dirname = element.getAttribute('dirname');
    if (dirname && textLike) {
      parts.push({ name: dirname, value: isRightToLeft(element) ? 'rtl' : 'ltr' });
    }
  }
  // The submit button's formaction, formmethod and formenctype win over the form's own.
  const attribute = (name: string) =>
    submitter?.hasAttribute(`form${name}`) ? submitter.getAttribute(`form${name}`) : form.getAttribute(name);
  return {
    action: resolveAction(form, attribute('action')),
    method: enumerated(attribute('method'), ['get', 'post', 'dialog'], 'get').toUpperCase(),
    enctype: enumerated(
      attribute('enctype'),
      ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'],
      'application/x-www-form-urlencoded',
    ),
    charset,
    parts,
    fillable,
  };
}

/**
 * The encoding a form's text is sent in: the first label of `accept-charset`
 * the browser knows (UTF-8 when none is known), else the page's own; UTF-16
 * is never used for forms and becomes UTF-8.
 */
export function formCharset(form: HTMLFormElement): string {
  const labels = (form.getAttribute('accept-charset') ?? '').split(/[\t\n\f\r ]+/).filter(Boolean);
  const known = (label: string) => {
    try {
      return new TextDecoder(label).encoding;
    } catch {
      return undefined;
    }
  };
  let charset: string | undefined;
  if (form.hasAttribute('accept-charset')) charset = labels.map(known).find(Boolean) ?? 'utf-8';
  else charset = known(form.ownerDocument.characterSet) ?? 'utf-8';
  return charset.startsWith('utf-16') ? 'utf-8' : charset;
}

/** Controls whose form owner is `form`, in tree order (also those outside it, joined by `form=`). */
function controlsOf(form: HTMLFormElement): Element[] {
  return [...form.ownerDocument.querySelectorAll(LISTED)].filter(
    (element) => (element as HTMLInputElement).form === form,
  );
}

// By tag, not `instanceof`: a same-origin frame's elements come from another window's classes.
const isInput = (element: Element): element is HTMLInputElement => element.localName === 'input';
const isButton = (element: Element): element is HTMLButtonElement => element.localName === 'button';
const isSelect = (element: Element): element is HTMLSelectElement => element.localName === 'select';

/** Disabled as the spec says: its own attribute, or inside a disabled fieldset but not in its first legend. */
function isDisabled(element: Element): boolean {
  if (element.hasAttribute('disabled')) return true;
  for (
    let fieldset = element.closest('fieldset[disabled]');
    fieldset;
    fieldset = fieldset.parentElement?.closest('fieldset[disabled]') ?? null
  ) {
    const legend = [...fieldset.children].find((child) => child.localName === 'legend');
    if (!legend?.contains(element)) return true;
  }
  return false;
}

/** An enumerated attribute's state: a known keyword (any case), else the default. */
function enumerated(value: string | null, keywords: string[], fallback: string): string {
  const lower = value?.trim().toLowerCase() ?? '';
  return keywords.includes(lower) ? lower : fallback;
}

/** The URL a form posts to: its action against the document's base, the document's own URL when empty. */
function resolveAction(form: HTMLFormElement, action: string | null): string {
  const doc = form.ownerDocument;
  if (!action?.trim()) return doc.URL;
  try {
    return new URL(action.trim(), doc.querySelector('base[href]') ? doc.baseURI : doc.URL).href;
  } catch {
    return action;
  }
}

/** Shown to a person: not type=hidden, and not hidden by an attribute, `display:none` or `visibility:hidden` up the tree. */
function isShown(element: Element): boolean {
  if (isInput(element) && element.type === 'hidden') return false;
  const view = element.ownerDocument.defaultView;
  for (let node: Element | null = element; node; node = node.parentElement) {
    if (node.hasAttribute('hidden')) return false;
    const style = view?.getComputedStyle(node);
    if (style?.display === 'none' || (node === element && style?.visibility === 'hidden')) return false;
  }
  return true;
}

function isRightToLeft(element: Element): boolean {
  try {
    return element.matches(':dir(rtl)');
  } catch {
    return element.closest('[dir]')?.getAttribute('dir')?.toLowerCase() === 'rtl';
  }
}

/** What a person reads next to the field: its label, aria-label, placeholder, or name. */
export function fieldLabel(element: Element): string {
  const field = element as HTMLInputElement;
  const labels = field.labels ? [...field.labels] : [];
  const text =
    labels.map(ownText).join(' ').trim() ||
    element.getAttribute('aria-label') ||
    element.getAttribute('placeholder') ||
    field.name ||
    '';
  return text.replace(/\s+/g, ' ').trim().slice(0, 80);
}

/** A label's own words, without the text of the controls inside it (a select's options). */
function ownText(label: Element): string {
  const copy = label.cloneNode(true) as Element;
  for (const control of copy.querySelectorAll('select, textarea, button, datalist')) control.remove();
  return copy.textContent ?? '';
}
