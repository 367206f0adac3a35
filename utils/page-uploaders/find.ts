/**
 * Finds the ways a page's own scripts take files: file inputs (hidden ones
 * behind a button too) and drop zones. A drop handler cannot be seen from
 * outside, so drop zones are recognised by the markup upload libraries put
 * on them and by text that asks for a drop. Runs in the content script and
 * reads only the page (and its same-origin frames).
 */

/** How Cadence hands a file to the uploader: through its file input, or by dropping onto it. */
export type HandOverWay = 'input' | 'drop';

/** One of the page's own uploaders, as the panel lists it. */
export interface PageUploader {
  /** Position in the list, to outline and to hand files to the same one later. */
  index: number;
  /** What a person recognises it by: the nearby heading, then the zone's or button's text. */
  label: string;
  way: HandOverWay;
  /** The upload library whose markup it has, when one is known. */
  library?: string;
  /** It lives in a same-origin frame of the page. */
  inFrame: boolean;
  /** Its file input takes several files at once. */
  multiple: boolean;
}

/** The elements behind one PageUploader. */
export interface UploaderTarget {
  uploader: PageUploader;
  /** The drop zone, or the input itself when there is no zone. */
  element: Element;
  input?: HTMLInputElement;
}

/** Markup upload libraries put on their root element, and where each writes its prompt. */
const LIBRARY_MARKERS: readonly { selector: string; library: string; prompt?: string }[] = [
  { selector: '.dropzone, .dz-clickable', library: 'Dropzone', prompt: '.dz-message' },
  { selector: '.filepond--root', library: 'FilePond', prompt: '.filepond--drop-label' },
  {
    selector: '.uppy-Dashboard, .uppy-DragDrop-container, [data-uppy]',
    library: 'Uppy',
    prompt: '.uppy-Dashboard-AddFiles-title, .uppy-DragDrop-label',
  },
  { selector: '.fileinput-button, .fileupload-buttonbar', library: 'jQuery File Upload' },
  { selector: '.qq-uploader, .fine-uploader', library: 'Fine Uploader', prompt: '.qq-upload-drop-area' },
  { selector: '.resumable-drop, .resumable-browse', library: 'Resumable.js' },
  { selector: '.plupload, .plupload_wrapper', library: 'Plupload' },
];

/** Text that asks for a drop, in the languages Cadence speaks. */
const DROP_TEXT = /\b(drop|drag)\b|끌어|드래그|놓으/i;
/** Longer text is a paragraph about something, not a drop zone's prompt. */
const MAX_PROMPT_LENGTH = 160;
const MAX_LABEL_LENGTH = 80;
const HEADINGS = 'h1, h2, h3, h4, h5, h6, legend';

/** Every uploader of the page and its same-origin frames, in document order, frames after. */
export function findUploaderTargets(root: Document): UploaderTarget[] {
  const targets: UploaderTarget[] = [];
  collect(root, false, targets);
  return targets.map((target, index) => ({ ...target, uploader: { ...target.uploader, index } }));
}

/** What the panel lists: `findUploaderTargets` without the elements. */
export function findPageUploaders(root: Document): PageUploader[] {
  return findUploaderTargets(root).map((target) => target.uploader);
}

function collect(doc: Document, inFrame: boolean, targets: UploaderTarget[]): void {
  const zones: { element: Element; library?: string; prompt?: string; input?: HTMLInputElement }[] = [];
  const isInsideZone = (element: Element) => zones.some((zone) => zone.element.contains(element));

  for (const { selector, library, prompt } of LIBRARY_MARKERS) {
    for (const element of doc.querySelectorAll(selector)) {
      if (isCadence(element) || isInsideZone(element)) continue;
      // A marker inside a zone found later (e.g. .dz-clickable inside .dropzone) keeps the outer one.
      for (let i = zones.length - 1; i >= 0; i -= 1)
        if (element.contains(zones[i]?.element ?? null)) zones.splice(i, 1);
      zones.push({ element, library, ...(prompt ? { prompt } : {}) });
    }
  }
  for (const element of promptZones(doc, isInsideZone)) {
    if (isCadence(element)) continue;
    zones.push({ element });
  }

  const looseInputs: HTMLInputElement[] = [];
  for (const input of doc.querySelectorAll<HTMLInputElement>('input[type=file]')) {
    // A folder picker (Uppy adds one beside its file input) is not where single files go.
    if (input.disabled || input.hasAttribute('webkitdirectory') || isCadence(input)) continue;
    const zone = zones.find((candidate) => candidate.element.contains(input));
    if (zone) zone.input ??= input;
    // Dropzone appends its input to <body>, away from its zone: the zone is reached by a drop.
    else if (input.classList.contains('dz-hidden-input')) continue;
    // A named input in a multipart form is a plain form's: "this page's upload form" sends it as the browser would.
    else if (input.name && input.form?.enctype === 'multipart/form-data') continue;
    else looseInputs.push(input);
  }

  const found: UploaderTarget[] = [];
  for (const zone of zones) {
    const input = zone.input;
    found.push({
      element: zone.element,
      ...(input ? { input } : {}),
      uploader: {
        index: 0,
        label: labelFor(
          zone.element,
          zoneText(zone.element, zone.prompt) || (input && inputText(input)) || zone.library || '',
        ),
        way: input ? 'input' : 'drop',
        ...(zone.library ? { library: zone.library } : {}),
        inFrame,
        multiple: input ? input.multiple : true,
      },
    });
  }
  for (const input of looseInputs) {
    found.push({
      element: input,
      input,
      uploader: { index: 0, label: labelFor(input, inputText(input)), way: 'input', inFrame, multiple: input.multiple },
    });
  }
  found.sort((a, b) => (a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  targets.push(...found);

  for (const frame of doc.querySelectorAll('iframe')) {
    if (isCadence(frame)) continue;
    let frameDoc: Document | null = null;
    try {
      // Null, or a SecurityError, for a cross-origin frame: its uploaders are out of reach.
      frameDoc = frame.contentDocument;
    } catch {
      frameDoc = null;
    }
    if (frameDoc?.body) collect(frameDoc, true, targets);
  }
}

/** Cadence's own panel is never one of the page's uploaders. */
function isCadence(element: Element): boolean {
  return element.closest('[data-cadence-panel]') !== null;
}

/**
 * Elements whose short text asks for a drop, widened to the largest ancestor
 * that holds little else: the prompt is usually a <p> inside the zone that
 * has the drop handler.
 */
function promptZones(doc: Document, isInsideZone: (element: Element) => boolean): Element[] {
  const zones: Element[] = [];
  const walker = doc.createTreeWalker(doc.body ?? doc.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = collapse(node.textContent ?? '');
    if (!text || text.length > MAX_PROMPT_LENGTH || !DROP_TEXT.test(text)) continue;
    let element = node.parentElement;
    if (!element || isInsideZone(element)) continue;
    if (element.closest('script, style, noscript, template, button, a, h1, h2, h3, h4, h5, h6')) continue;
    while (element.parentElement && element.parentElement !== doc.body) {
      const parentText = collapse(element.parentElement.textContent ?? '');
      // A heading names the zone; the section around both is more than the zone.
      if (parentText.length > MAX_PROMPT_LENGTH || element.parentElement.querySelector(HEADINGS)) break;
      element = element.parentElement;
    }
    if (!zones.some((zone) => zone.contains(element))) zones.push(element);
  }
  return zones;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  const collapsed = collapse(text);
  return collapsed.length > MAX_LABEL_LENGTH ? `${collapsed.slice(0, MAX_LABEL_LENGTH - 1)}…` : collapsed;
}

function zoneText(zone: Element, promptSelector?: string): string {
  const prompt = promptSelector ? zone.querySelector(promptSelector) : null;
  const text = collapse((prompt ?? zone).textContent ?? '');
  return text.length <= MAX_PROMPT_LENGTH ? text : '';
}

/** An input's own words: its label, the button it hides behind, its accessible name, its name. */
function inputText(input: HTMLInputElement): string {
  const label = [...(input.labels ?? [])].map((element) => collapse(element.textContent ?? '')).find(Boolean);
  if (label) return label;
  const aria = input.getAttribute('aria-label') ?? input.getAttribute('title');
  if (aria) return aria;
  // Hidden behind a button: the input sits inside it, or right beside it.
  for (const sibling of [input.previousElementSibling, input.nextElementSibling]) {
    if (sibling?.matches('button, label, [role=button]')) {
      const text = collapse(sibling.textContent ?? '');
      if (text) return text;
    }
  }
  const parentText = collapse(input.parentElement?.textContent ?? '');
  if (parentText && parentText.length <= MAX_PROMPT_LENGTH) return parentText;
  return input.name || input.id || '';
}

/** "Heading: own text", the heading being the nearest one before the element. */
function labelFor(element: Element, own: string): string {
  const heading = headingBefore(element);
  const parts = [heading, own].map(clip).filter(Boolean);
  if (parts.length === 2 && parts[0] === parts[1]) parts.pop();
  return parts.join(': ');
}

function headingBefore(element: Element): string {
  const headings = element.ownerDocument.querySelectorAll(HEADINGS);
  let nearest = '';
  for (const heading of headings) {
    const position = heading.compareDocumentPosition(element);
    if (position & Node.DOCUMENT_POSITION_FOLLOWING || position & Node.DOCUMENT_POSITION_CONTAINED_BY)
      nearest = heading.textContent ?? '';
    else break;
  }
  return nearest;
}
