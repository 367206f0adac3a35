import { renderFileName } from '../destinations/file-name-template';
import { type DestinationSpec, escapeJsonString, isHttpUrl, type NameValue } from '../destinations/model';
import {
  parseTemplate,
  renderTemplate,
  type TemplateContext,
  TemplateError,
  usesBase64,
} from '../destinations/template';
import type { QueueItem } from '../queue/types';

export type UploadItem = Pick<QueueItem, 'destination' | 'name' | 'idempotencyKey'> &
  Partial<Pick<QueueItem, 'sentHash' | 'nameCounter' | 'createdAt'>>;

/**
 * What an attempt of a resumable transport also knows of the item: the
 * resume state an earlier attempt kept, and how many automatic retries it
 * had (the tus chunk size starts smaller on a server that already failed it).
 */
export type TransportItem = UploadItem & Partial<Pick<QueueItem, 'transportState' | 'autoRetries'>>;

export interface BuildOptions {
  /** Picks `{random:...}` choices; Math.random by default. */
  random?: (count: number) => number;
  /** What the destination's token step fetched (fetch-token.ts), for `{token}`. */
  token?: string;
}

/**
 * Builds the one request that uploads one item, as its destination snapshot
 * says. Rejects with a TemplateError when a template is malformed (the
 * options page refuses to save such a destination, so this is a backstop).
 */
export async function buildUploadRequest(item: UploadItem, blob: Blob, options: BuildOptions = {}): Promise<Request> {
  const spec = item.destination;
  const fileName = uploadFileName(item);
  const context: TemplateContext = {
    filename: fileName,
    mimetype: blob.type,
    random: options.random,
    token: options.token,
  };
  const needsBase64 = bodyTemplates(spec).some((source) => {
    const parsed = parseTemplate(source, 'request');
    return !(parsed instanceof TemplateError) && usesBase64(parsed);
  });
  if (needsBase64) context.base64 = await blobToBase64(blob);
  const { url, headers, render } = renderWith(item, context);

  let body: BodyInit;
  const { body: shape } = spec;
  switch (shape.kind) {
    case 'multipart': {
      const form = new FormData();
      const empties = shape.emptyFileFields ?? [];
      const fileAt = shape.fileAt ?? shape.fields.length + empties.length;
      const fields = shape.fields.values();
      for (let at = 0; at <= shape.fields.length + empties.length; at++) {
        const empty = empties.find((candidate) => candidate.at === at);
        // What a browser sends for a file input left empty: no name, no bytes, a generic type.
        if (empty) form.append(empty.name, new File([], '', { type: 'application/octet-stream' }));
        else if (at === fileAt) form.append(shape.fileField, blob, fileName);
        else {
          const field = fields.next().value;
          if (field) form.append(field.name, render(field.value));
        }
      }
      body = form;
      break;
    }
    case 'binary':
      body = blob;
      headers.set('Content-Type', blob.type || 'application/octet-stream');
      break;
    case 'json':
      body = render(shape.template, escapeJsonString);
      headers.set('Content-Type', 'application/json');
      break;
    case 'form-urlencoded':
      body = new URLSearchParams(shape.fields.map((field) => [field.name, render(field.value)]));
      break;
  }
  return new Request(url, {
    method: spec.method,
    body,
    headers,
    credentials: spec.sendCookies ? 'include' : 'omit',
  });
}

/** The name the host receives: the destination's file-name template (a host may refuse a name it already has). */
export function uploadFileName(item: UploadItem): string {
  return renderFileName(item.destination.fileNameTemplate, {
    name: item.name,
    sentHash: item.sentHash,
    at: item.createdAt ?? 0,
    counter: item.nameCounter,
  });
}

/**
 * Where and with which headers an item goes: the URL and the destination's
 * headers rendered, plus the Idempotency-Key. The resumable transports send
 * their own bodies to it (utils/upload/resumable.ts).
 */
export function renderTarget(
  item: UploadItem,
  blob: Blob,
  options: BuildOptions = {},
): { url: string; headers: Headers } {
  const { url, headers } = renderWith(item, {
    filename: uploadFileName(item),
    mimetype: blob.type,
    random: options.random,
    token: options.token,
  });
  return { url, headers };
}

function renderWith(item: UploadItem, context: TemplateContext) {
  const spec = item.destination;
  const render = (source: string, escapeValue?: (value: string) => string) => {
    const parsed = parseTemplate(source, 'request');
    if (parsed instanceof TemplateError) throw parsed;
    return renderTemplate(parsed, context, { escape: escapeValue });
  };
  const url = render(spec.url, encodeURIComponent);
  if (!isHttpUrl(url)) throw new Error(`not an http(s) URL: ${url}`);
  const headers = new Headers();
  for (const header of spec.headers) headers.set(header.name, render(header.value));
  // Lets a server drop a repeat when an interrupted upload is sent again.
  headers.set('Idempotency-Key', item.idempotencyKey);
  return { url, headers, render };
}

function bodyTemplates(spec: DestinationSpec): string[] {
  const { body } = spec;
  if (body.kind === 'json') return [body.template];
  if (body.kind === 'multipart' || body.kind === 'form-urlencoded')
    return body.fields.map((field: NameValue) => field.value);
  return [];
}

/** Base64 of the bytes, in chunks: spreading a whole 1 MB array into fromCharCode overflows the call stack. */
async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  const CHUNK = 0x8000;
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK));
  }
  return btoa(binary);
}
