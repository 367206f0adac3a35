import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Destination, validateDestination } from '@/utils/destinations/model';
import { convertLegacy, exportSxcu, importSxcu, SxcuError } from '@/utils/destinations/sxcu';
import { makeDestination } from '../factories/destination';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sxcu');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

/** What a destination means, without its generated id. */
function meaning({ id: _id, ...rest }: Destination) {
  return rest;
}

describe('.sxcu import', () => {
  it('multipart with parameters, arguments, an API key and every reply template', () => {
    const { destination, notes, credentials } = importSxcu(fixture('multipart-with-key.sxcu'));
    expect(meaning(destination)).toEqual({
      name: 'Example image host',
      url: 'https://img.example/api/3/image?album=holiday',
      method: 'POST',
      body: {
        kind: 'multipart',
        fileField: 'image',
        fields: [
          { name: 'title', value: '{filename}' },
          { name: 'privacy', value: '{random:public|hidden}' },
        ],
      },
      headers: [{ name: 'Authorization', value: 'Client-ID 0123456789abcdef' }],
      sendCookies: false,
      reply: {
        url: '{json:data.link}',
        thumbnailUrl: '{json:data.thumb.url}',
        deletionUrl: 'https://img.example/delete/{json:data.deletehash}',
        errorMessage: '{json:data.error}',
      },
      successStatuses: '2xx',
      pacing: null,
      compressionPresetId: null,
      transparentAs: 'webp',
    });
    expect(notes).toEqual([]);
    expect(credentials).toEqual(['header Authorization']);
    expect(validateDestination(destination)).toEqual([]);
  });

  it.each([
    { file: 'binary-put.sxcu', method: 'PUT', body: { kind: 'binary' }, url: '{responseurl}', credentials: [] },
    {
      file: 'json-base64.sxcu',
      method: 'POST',
      body: { kind: 'json', template: '{\n  "image": "{base64}",\n  "name": "{filename}"\n}' },
      url: '{regex:"link":"([^"]+)"|1}',
      credentials: ['header X-API-Key'],
    },
    {
      file: 'form-urlencoded.sxcu',
      method: 'POST',
      body: {
        kind: 'form-urlencoded',
        fields: [
          { name: 'key', value: 'abc123' },
          { name: 'source', value: '{base64}' },
          { name: 'format', value: 'json' },
        ],
      },
      url: '{json:image.url}',
      credentials: ['argument key'],
    },
  ])('$file: body, method and URL template', ({ file, method, body, url, credentials }) => {
    const imported = importSxcu(fixture(file));
    expect(imported.destination.method).toBe(method);
    expect(imported.destination.body).toEqual(body);
    expect(imported.destination.reply.url).toBe(url);
    expect(imported.credentials).toEqual(credentials);
    expect(imported.notes).toEqual([]);
    expect(validateDestination(imported.destination)).toEqual([]);
  });

  it.each([
    { file: 'xml-body.sxcu', message: 'Body "XML" is refused: XML request bodies are not supported' },
    { file: 'no-body.sxcu', message: 'Body "None" is refused: a request without a body cannot carry an image' },
  ])('$file is refused with a message', ({ file, message }) => {
    expect(() => importSxcu(fixture(file))).toThrow(new SxcuError(message));
  });

  it.each([
    { text: 'not json', message: /^not a ShareX custom uploader \(\.sxcu is JSON\)/ },
    { text: '[1,2]', message: /expected a JSON object/ },
    { text: '{"Name":"x"}', message: /no RequestURL/ },
    {
      text: '{"RequestURL":"https://a.example","RequestMethod":"DELETE"}',
      message: /RequestMethod DELETE cannot upload/,
    },
    { text: '{"RequestURL":"https://a.example","Body":"Protobuf"}', message: /not a ShareX body type/ },
  ])('refuses $text', ({ text, message }) => {
    expect(() => importSxcu(text)).toThrow(message);
  });

  it('names what it cannot support instead of dropping it silently', () => {
    const { destination, notes, credentials } = importSxcu(fixture('unsupported-parts.sxcu'));
    expect(notes).toEqual([
      '"ResponseType" is not supported and was ignored',
      '"Comment" is not supported and was ignored',
      'Header "X-Note" was left empty: {input} is not supported: there is no text input when uploading images',
      'Header "Cookie" is set by the browser and cannot be sent by an extension',
      'URL was left empty: {xml} is not supported: XML replies cannot be read in the background (no XML parser in a service worker)',
    ]);
    expect(destination.headers).toEqual([{ name: 'Cookie', value: 'session=1' }]);
    expect(destination.reply.url).toBe('');
    expect(destination.reply.deletionUrl).toBe('{json:delete}');
    expect(credentials).toEqual(['header Cookie']);
  });

  it('a legacy (before 13) file: $json:...$, $header:...$ and $regex:n,g$ are converted', () => {
    const { destination, notes } = importSxcu(fixture('legacy-v12.sxcu'));
    expect(destination.reply).toEqual({
      url: '{json:files[0].url}',
      thumbnailUrl: '{regex:href="([^"]+)"|1}',
      deletionUrl: '{header:X-Delete}',
      errorMessage: '',
    });
    expect(notes).toEqual([]);
  });

  it.each([
    ['$json:data.url$', '{json:data.url}'],
    ['https://x/$filename$', 'https://x/{filename}'],
    ['$response$', '{response}'],
    ['costs $5 and $6', 'costs $5 and $6'],
    ['$unknown:thing$', '$unknown:thing$'],
  ])('convertLegacy(%j) = %j', (legacy, modern) => {
    expect(convertLegacy(legacy)).toBe(modern);
  });

  it('drops a Content-Type header by name: the body type sets it', () => {
    const { destination, notes } = importSxcu(
      JSON.stringify({
        Version: '15.0.0',
        RequestURL: 'https://a.example/put',
        RequestMethod: 'PUT',
        Body: 'Binary',
        Headers: { 'Content-Type': 'image/png', 'X-Keep': '1' },
      }),
    );
    expect(destination.headers).toEqual([{ name: 'X-Keep', value: '1' }]);
    expect(notes).toEqual(['Header "Content-Type" was dropped: Cadence sets it from the body type']);
    expect(validateDestination(destination)).toEqual([]);
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(importSxcu(`\uFEFF${fixture('binary-put.sxcu')}`).destination.name).toBe('Bucket PUT');
  });
});

describe('.sxcu files in the shapes public repositories ship (tests/fixtures/sxcu/seen-*)', () => {
  it('old syntax, no Version, RequestMethod or Body: POST multipart, $json:...$ converted inside a longer URL', () => {
    const { destination, notes } = importSxcu(fixture('seen-no-version-legacy.sxcu'));
    expect(notes).toEqual([]);
    expect(destination).toMatchObject({
      method: 'POST',
      body: { kind: 'multipart', fileField: 'image', fields: [] },
      reply: { url: 'https://img.example.net/{json:data.id_with_extension}', errorMessage: '{json:error}' },
    });
  });

  it('new syntax: {json:html_url} kept as written', () => {
    expect(importSxcu(fixture('seen-v14-file-uploader.sxcu')).destination.reply.url).toBe('{json:html_url}');
  });

  it('no URL: the whole reply is the URL, as ShareX reads it', () => {
    const { destination } = importSxcu(fixture('seen-empty-url.sxcu'));
    expect(destination.reply.url).toBe('{response}');
    expect(destination.body).toEqual({ kind: 'multipart', fileField: 'data', fields: [] });
  });

  it('a file that is not valid JSON is refused by name, with where it broke', () => {
    expect(() => importSxcu(fixture('seen-missing-comma.sxcu'))).toThrow(
      /^not a ShareX custom uploader \(\.sxcu is JSON\): .*position \d+/,
    );
  });
});

describe('.sxcu round trip', () => {
  it.each(
    readdirSync(FIXTURES).filter(
      (file) => !['xml-body.sxcu', 'no-body.sxcu', 'seen-missing-comma.sxcu'].includes(file),
    ),
  )('%s: import -> export -> import keeps the meaning', (file) => {
    const first = importSxcu(fixture(file)).destination;
    const exported = exportSxcu(first);
    expect(Number(exported.Version?.split('.')[0])).toBeGreaterThanOrEqual(13);
    const second = importSxcu(JSON.stringify(exported)).destination;
    if (first.reply.url === '') {
      // A URL template Cadence refused is left empty; ShareX has no empty URL (it reads the whole reply then).
      expect(exported.URL).toBeUndefined();
      expect(second.reply.url).toBe('{response}');
      second.reply.url = '';
    }
    expect(meaning(second)).toEqual(meaning(first));
  });

  it.each([
    makeDestination({
      name: 'multipart',
      body: { kind: 'multipart', fileField: 'f', fields: [{ name: 'a', value: '1' }] },
    }),
    makeDestination({
      name: 'binary',
      method: 'PUT',
      body: { kind: 'binary' },
      reply: { url: '{header:Location}', thumbnailUrl: '', deletionUrl: '', errorMessage: '' },
    }),
    makeDestination({
      name: 'json',
      method: 'PATCH',
      body: { kind: 'json', template: '{"i":"{base64}"}' },
      headers: [{ name: 'Authorization', value: 'Bearer t' }],
    }),
    makeDestination({ name: 'form', body: { kind: 'form-urlencoded', fields: [{ name: 'img', value: '{base64}' }] } }),
  ])('a Cadence destination ($name) survives export and import', (destination) => {
    const back = importSxcu(JSON.stringify(exportSxcu(destination)));
    expect(meaning(back.destination)).toEqual(meaning(destination));
    expect(back.notes).toEqual([]);
  });
});
