import { describe, expect, it } from 'vitest';
import type { Destination } from '@/utils/destinations/model';
import { TemplateError } from '@/utils/destinations/template';
import { buildUploadRequest } from '@/utils/upload/build-request';
import { makeSnapshot } from '../factories/destination';

const BYTES = new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02]);
const BYTES_BASE64 = '/9j/AAEC';

function makeBlob(): Blob {
  return new Blob([BYTES], { type: 'image/jpeg' });
}

async function build(overrides: Partial<Destination>, name = 'cat "1".jpg') {
  return buildUploadRequest({ destination: makeSnapshot(overrides), name, idempotencyKey: 'key-123' }, makeBlob(), {
    random: () => 1,
  });
}

describe('buildUploadRequest, per body type', () => {
  it('multipart: the file in its field, named after the image, after the text fields (templates rendered)', async () => {
    const request = await build({
      url: 'https://up.example/api/images?album=7&name={filename}',
      body: { kind: 'multipart', fileField: 'image', fields: [{ name: 'title', value: '{filename} / {random:x|y}' }] },
    });
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://up.example/api/images?album=7&name=cat%20%221%22.jpg');
    expect(request.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await request.formData();
    expect([...form.keys()]).toEqual(['title', 'image']);
    expect(form.get('title')).toBe('cat "1".jpg / y');
    const file = form.get('image') as File;
    expect(file.name).toBe('cat "1".jpg');
    expect(file.type).toBe('image/jpeg');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(BYTES);
  });

  it('raw binary: the file is the body, its type the Content-Type', async () => {
    const request = await build(
      { method: 'PUT', url: 'https://up.example/put/{filename}', body: { kind: 'binary' } },
      'a.jpg',
    );
    expect(request.method).toBe('PUT');
    expect(request.url).toBe('https://up.example/put/a.jpg');
    expect(request.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(BYTES);
  });

  it('JSON template: {base64} is the file, values JSON-escaped', async () => {
    const request = await build({
      method: 'PATCH',
      body: { kind: 'json', template: '{"image": "{base64}", "name": "{filename}", "meta": {"n": 1}}' },
    });
    expect(request.method).toBe('PATCH');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(await request.json()).toEqual({ image: BYTES_BASE64, name: 'cat "1".jpg', meta: { n: 1 } });
  });

  it('form-urlencoded: a field with {base64} carries the file', async () => {
    const request = await build({
      body: {
        kind: 'form-urlencoded',
        fields: [
          { name: 'key', value: 'k1' },
          { name: 'image', value: '{base64}' },
        ],
      },
    });
    expect(request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const sent = new URLSearchParams(await request.text());
    expect([...sent.entries()]).toEqual([
      ['key', 'k1'],
      ['image', BYTES_BASE64],
    ]);
  });

  it.each([
    { sendCookies: false, credentials: 'omit' },
    { sendCookies: true, credentials: 'include' },
  ] as const)('sendCookies $sendCookies -> credentials $credentials', async ({ sendCookies, credentials }) => {
    expect((await build({ sendCookies })).credentials).toBe(credentials);
  });

  it('headers are rendered; the Idempotency-Key is always the item key', async () => {
    const request = await build({
      headers: [
        { name: 'Authorization', value: 'Bearer s3cret' },
        { name: 'X-File', value: '{filename}' },
        { name: 'Idempotency-Key', value: 'user-set' },
      ],
    });
    expect(request.headers.get('authorization')).toBe('Bearer s3cret');
    expect(request.headers.get('x-file')).toBe('cat "1".jpg');
    expect(request.headers.get('idempotency-key')).toBe('key-123');
  });

  it('a base64 body of a larger file matches the bytes', async () => {
    const big = new Uint8Array(200_000).map((_, index) => (index * 31) % 256);
    const request = await buildUploadRequest(
      {
        destination: makeSnapshot({ body: { kind: 'json', template: '{"b":"{base64}"}' } }),
        name: 'x',
        idempotencyKey: 'k',
      },
      new Blob([big]),
    );
    const { b } = (await request.json()) as { b: string };
    expect(Buffer.from(b, 'base64').equals(Buffer.from(big))).toBe(true);
  });

  it.each([
    { case: 'a malformed template', url: 'https://up.example/{filename', error: TemplateError },
    { case: 'a URL that renders to a non-http address', url: 'javascript:alert(1)', error: Error },
  ])('rejects $case', async ({ url, error }) => {
    await expect(build({ url })).rejects.toBeInstanceOf(error);
  });
});
