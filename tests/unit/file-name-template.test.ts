import { describe, expect, it } from 'vitest';
import { renderFileName, unknownPlaceholders, usesCounter } from '@/utils/destinations/file-name-template';
import { validateDestination } from '@/utils/destinations/model';
import { buildUploadRequest } from '@/utils/upload/build-request';
import { makeSnapshot } from '../factories/destination';

const HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
// 2026-11-29 22:39:05 UTC
const AT = Date.UTC(2026, 10, 29, 22, 39, 5);

describe('renderFileName', () => {
  it.each([
    [undefined, 'cat.webp'],
    ['', 'cat.webp'],
    ['   ', 'cat.webp'],
    ['{name}', 'cat.webp'],
    ['{hash}', '9f86d081.webp'],
    ['{name}-{hash}', 'cat-9f86d081.webp'],
    ['{date}_{counter}', '20261129-223905_12.webp'],
    ['shot {counter}', 'shot 12.webp'],
    ['{name}.webp', 'cat.webp'],
    ['a/b\\c:{name}', 'a_b_c_cat.webp'],
    ['{nope}-{name}', '{nope}-cat.webp'],
  ])('template %j gives %j', (template, expected) => {
    expect(renderFileName(template, { name: 'cat.webp', sentHash: HASH, at: AT, counter: 12 })).toBe(expected);
  });

  it('a template that fills to nothing keeps the name; a name without an extension gets none', () => {
    expect(renderFileName('{hash}', { name: 'cat.webp', at: AT })).toBe('cat.webp');
    expect(renderFileName('{name}-{counter}', { name: 'README', at: AT, counter: 3 })).toBe('README-3');
  });

  it('knows which templates need a counter and which placeholders do not exist', () => {
    expect(usesCounter('{name}-{counter}')).toBe(true);
    expect(usesCounter('{name}')).toBe(false);
    expect(unknownPlaceholders('{name}-{size}-{hash}-{md5}')).toEqual(['size', 'md5']);
  });

  it('the destination editor names an unknown placeholder', () => {
    const problems = validateDestination({
      ...makeSnapshot({ url: 'https://img.example/up' }),
      fileNameTemplate: '{size}',
    });
    expect(problems.map((problem) => problem.field)).toEqual(['fileNameTemplate']);
  });
});

describe('the upload request uses the template', () => {
  it('names the multipart file part, and {filename} in a field, with the rendered name', async () => {
    const destination = makeSnapshot({
      url: 'https://img.example/up',
      fileNameTemplate: '{name}-{counter}',
      body: { kind: 'multipart', fileField: 'file', fields: [{ name: 'title', value: '{filename}' }] },
    });
    const request = await buildUploadRequest(
      { destination, name: 'cat.webp', idempotencyKey: 'k', sentHash: HASH, nameCounter: 4, createdAt: AT },
      new Blob(['x'], { type: 'image/webp' }),
    );
    const form = await request.formData();
    expect((form.get('file') as File).name).toBe('cat-4.webp');
    expect(form.get('title')).toBe('cat-4.webp');
  });
});
