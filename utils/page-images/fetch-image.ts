/**
 * Reads an image the user right-clicked ("Upload this image"), inside the
 * content script of the frame that shows it. There the fetch runs with the
 * page's origin: a `blob:` URL the page made is readable (it is not from the
 * background), and a same-site image gets the page's cookies.
 */

/** Larger replies are refused before they are read whole (the panel's compressor would refuse them anyway). */
export const MAX_PAGE_IMAGE_BYTES = 100 * 1024 * 1024;

export type PageImageErrorCode = 'fetch-failed' | 'not-image' | 'too-large';

/** What the frame's content script replies: the image itself (structured clone), or why not. */
export type PageImageResult =
  | { kind: 'file'; file: File }
  | { kind: 'error'; code: PageImageErrorCode; name: string; detail: string };

/** A name for the file: the last path segment of the URL, or `image.<ext>` from the type (data:, blob:). */
export function pageImageName(url: string, type: string): string {
  const extension = (type.split('/')[1] ?? 'img').replace('jpeg', 'jpg').replace(/\+.*$/, '');
  let segment = '';
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
      segment = decodeURIComponent(parsed.pathname.split('/').pop() ?? '');
    }
  } catch {
    // Not a URL the browser parses: fall back to the type.
  }
  // Characters a file name cannot hold on common systems, control characters included.
  segment = [...segment]
    .map((character) => (character < ' ' || '\\/:*?"<>|'.includes(character) ? '_' : character))
    .join('')
    .trim();
  if (!segment) return `image.${extension}`;
  return /\.[a-z0-9]{2,5}$/i.test(segment) ? segment : `${segment}.${extension}`;
}

export async function fetchPageImage(
  url: string,
  fetchImpl: typeof fetch = fetch,
  maxBytes = MAX_PAGE_IMAGE_BYTES,
): Promise<PageImageResult> {
  const fallbackName = pageImageName(url, '');
  const fail = (code: PageImageErrorCode, detail: string, name = fallbackName): PageImageResult => ({
    kind: 'error',
    code,
    name,
    detail,
  });
  let response: Response;
  try {
    // `include`: the page's cookies go with a same-site image, as when the page showed it.
    response = await fetchImpl(url, { credentials: 'include' });
  } catch (error) {
    return fail('fetch-failed', error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) return fail('fetch-failed', `HTTP ${response.status}`);
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const name = pageImageName(url, type);
  if (!type.startsWith('image/')) return fail('not-image', type || 'unknown type', name);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return fail('too-large', String(declared), name);
  const blob = await response.blob();
  if (blob.size > maxBytes) return fail('too-large', String(blob.size), name);
  return { kind: 'file', file: new File([blob], name, { type }) };
}
