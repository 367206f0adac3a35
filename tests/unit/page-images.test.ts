import { describe, expect, it } from 'vitest';
import { fetchPageImage, pageImageName } from '@/utils/page-images/fetch-image';
import { openPendingPageImages } from '@/utils/page-images/pending';

const pngBytes = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

function replyWith(body: BodyInit | null, headers: Record<string, string>, status = 200): typeof fetch {
  return async () => new Response(body, { status, headers });
}

describe('reading a right-clicked image in its frame', () => {
  it('sends the page cookies along and makes a File named after the URL', async () => {
    let init: RequestInit | undefined;
    const fetchImpl: typeof fetch = async (_url, options) => {
      init = options;
      return new Response(pngBytes, { headers: { 'content-type': 'image/png' } });
    };
    const result = await fetchPageImage('http://127.0.0.1/cookie-image/cat%20photo.png?x=1', fetchImpl);
    expect(init?.credentials).toBe('include');
    expect(result.kind).toBe('file');
    if (result.kind !== 'file') return;
    expect(result.file.name).toBe('cat photo.png');
    expect(result.file.type).toBe('image/png');
    expect(new Uint8Array(await result.file.arrayBuffer())).toEqual(pngBytes);
  });

  it.each([
    {
      case: 'a refused request',
      fetchImpl: replyWith('no', { 'content-type': 'text/plain' }, 403),
      code: 'fetch-failed',
    },
    {
      case: 'a network failure',
      fetchImpl: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
      code: 'fetch-failed',
    },
    { case: 'an HTML reply', fetchImpl: replyWith('<html>', { 'content-type': 'text/html' }), code: 'not-image' },
    { case: 'a reply with no type', fetchImpl: replyWith(pngBytes, {}), code: 'not-image' },
    {
      case: 'a declared length over the limit',
      fetchImpl: replyWith(pngBytes, { 'content-type': 'image/png', 'content-length': '101' }),
      code: 'too-large',
    },
  ])('$case is a named error ($code)', async ({ fetchImpl, code }) => {
    const result = await fetchPageImage('http://127.0.0.1/a.png', fetchImpl, 100);
    expect(result).toMatchObject({ kind: 'error', code, name: 'a.png' });
  });

  it('a body over the limit without a declared length is refused too', async () => {
    const result = await fetchPageImage(
      'http://127.0.0.1/a.png',
      replyWith(new Uint8Array(200), { 'content-type': 'image/png' }),
      100,
    );
    expect(result).toMatchObject({ kind: 'error', code: 'too-large', detail: '200' });
  });

  it.each([
    ['http://127.0.0.1/images/cat.jpg', 'image/jpeg', 'cat.jpg'],
    ['http://127.0.0.1/thumb?id=3', 'image/webp', 'thumb.webp'],
    ['http://127.0.0.1/', 'image/png', 'image.png'],
    ['data:image/png;base64,iVBORw0KGgo=', 'image/png', 'image.png'],
    ['blob:http://127.0.0.1/1f0e-44', 'image/jpeg', 'image.jpg'],
    ['data:image/svg+xml,<svg/>', 'image/svg+xml', 'image.svg'],
  ])('%s (%s) is named %s', (url, type, name) => expect(pageImageName(url, type)).toBe(name));
});

describe("images waiting for their tab's panel", () => {
  const file = (name: string) => new File([pngBytes], name, { type: 'image/png' });

  it("a panel takes its own tab's images once, in click order; other tabs keep theirs", async () => {
    const pending = await openPendingPageImages('pending-test-take');
    await pending.add(1, { kind: 'file', file: file('first.png') });
    await pending.add(2, { kind: 'file', file: file('other-tab.png') });
    await pending.add(1, { kind: 'error', code: 'not-image', name: 'second', detail: 'text/html' });
    const taken = await pending.take(1);
    expect(taken.map((image) => (image.result.kind === 'file' ? image.result.file.name : image.result.name))).toEqual([
      'first.png',
      'second',
    ]);
    expect(await pending.take(1)).toEqual([]);
    expect(await pending.take(2)).toHaveLength(1);
  });

  it("a closed tab's images are dropped", async () => {
    const pending = await openPendingPageImages('pending-test-drop');
    await pending.add(5, { kind: 'file', file: file('a.png') });
    await pending.dropTab(5);
    expect(await pending.take(5)).toEqual([]);
  });
});
