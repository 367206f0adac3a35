import { describe, expect, it } from 'vitest';
import {
  parseTemplate,
  type ReplyContext,
  readJsonPath,
  renderSource,
  renderTemplate,
  TemplateError,
  type TemplateScope,
} from '@/utils/destinations/template';

function reply(overrides: Partial<ReplyContext> = {}): ReplyContext {
  return {
    body: JSON.stringify({
      data: { url: 'https://i.example/a.png', links: [{ href: 'https://i.example/1' }] },
      ok: true,
    }),
    headers: new Headers({ Location: 'https://i.example/from-header', 'X-Id': '42' }),
    url: 'https://api.example/upload?done=1',
    ...overrides,
  };
}

describe('rendering well-formed templates', () => {
  it.each([
    { case: 'plain text is kept', scope: 'request', source: 'https://a.example/up', expected: 'https://a.example/up' },
    { case: '{filename}', scope: 'request', source: 'name={filename}', expected: 'name=cat.jpg' },
    { case: '{mimetype}', scope: 'request', source: '{mimetype}', expected: 'image/jpeg' },
    { case: '{random} picks by the chooser', scope: 'request', source: '{random:a|b|c}', expected: 'c' },
    { case: 'escaped braces and bar are literal', scope: 'request', source: '\\{x\\} \\| \\\\', expected: '{x} | \\' },
    { case: 'a backslash before other text is kept', scope: 'request', source: 'a\\d', expected: 'a\\d' },
    { case: 'names are case-insensitive', scope: 'request', source: '{FileName}', expected: 'cat.jpg' },
    { case: '{base64}', scope: 'request', source: '"{base64}"', expected: '"AAEC"' },
    { case: 'nested JSON path', scope: 'reply', source: '{json:data.url}', expected: 'https://i.example/a.png' },
    {
      case: 'JSON path with an index',
      scope: 'reply',
      source: '{json:data.links[0].href}',
      expected: 'https://i.example/1',
    },
    {
      case: 'JSON path with $. prefix',
      scope: 'reply',
      source: '{json:$.data.url}',
      expected: 'https://i.example/a.png',
    },
    { case: 'missing JSON path is empty', scope: 'reply', source: '{json:data.nope.deeper}', expected: '' },
    { case: 'JSON boolean becomes text', scope: 'reply', source: '{json:ok}', expected: 'true' },
    {
      case: 'header, any case',
      scope: 'reply',
      source: '{header:location}',
      expected: 'https://i.example/from-header',
    },
    { case: 'missing header is empty', scope: 'reply', source: '{header:X-Missing}', expected: '' },
    { case: 'whole response', scope: 'reply', source: '{response}', expected: reply().body },
    { case: 'response URL', scope: 'reply', source: '{responseurl}', expected: 'https://api.example/upload?done=1' },
    {
      case: 'regex whole match',
      scope: 'reply',
      source: '{regex:https://i\\.example/\\d}',
      expected: 'https://i.example/1',
    },
    {
      case: 'regex numbered group',
      scope: 'reply',
      source: '{regex:"url":"([^"]+)"|1}',
      expected: 'https://i.example/a.png',
    },
    {
      case: 'regex named group',
      scope: 'reply',
      source: '{regex:"href":"(?<link>[^"]+)"|link}',
      expected: 'https://i.example/1',
    },
    { case: 'regex with an escaped bar', scope: 'reply', source: '{regex:(zzz\\|true)|1}', expected: 'true' },
    {
      case: 'braces not followed by a name are text (JSON)',
      scope: 'request',
      source: '{"a": {}, "b": "}"}',
      expected: '{"a": {}, "b": "}"}',
    },
    {
      case: 'regex quantifier braces (closing one escaped)',
      scope: 'reply',
      source: '{regex:example/(\\d{1\\})"|1}',
      expected: '1',
    },
    { case: 'regex without a match is empty', scope: 'reply', source: '{regex:nothing-like-this}', expected: '' },
    { case: 'text around values', scope: 'reply', source: 'id={header:X-Id}!', expected: 'id=42!' },
  ] satisfies { case: string; scope: TemplateScope; source: string; expected: string }[])(
    '$case',
    ({ scope, source, expected }) => {
      const rendered = renderSource(source, scope, {
        filename: 'cat.jpg',
        mimetype: 'image/jpeg',
        base64: 'AAEC',
        random: (count) => count - 1,
        reply: reply(),
      });
      expect(rendered).toBe(expected);
    },
  );

  it('a reply that is not JSON gives an empty {json:...}, not an exception', () => {
    expect(renderSource('{json:data.url}', 'reply', { reply: reply({ body: '<html>' }) })).toBe('');
  });

  it('escapes substituted values only, never the template text', () => {
    const parsed = parseTemplate('{"name": "{filename}"}', 'request');
    expect(parsed).not.toBeInstanceOf(TemplateError);
    const rendered = renderTemplate(
      parsed as Exclude<typeof parsed, TemplateError>,
      { filename: 'a"b.jpg' },
      {
        escape: (value) => JSON.stringify(value).slice(1, -1),
      },
    );
    expect(JSON.parse(rendered)).toEqual({ name: 'a"b.jpg' });
  });

  it('a chooser out of range is clamped to a real choice', () => {
    expect(renderSource('{random:a|b}', 'request', { random: () => 99 })).toBe('b');
    expect(renderSource('{random:a|b}', 'request', { random: () => -5 })).toBe('a');
  });

  it('random choices are spread over the options with Math.random', () => {
    const seen = new Set(Array.from({ length: 200 }, () => renderSource('{random:a|b|c}', 'request', {})));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('malformed templates: a clear error with a position, never a crash', () => {
  it.each([
    { source: '{filename', scope: 'request', message: '{filename is not closed with "}"', position: 0 },
    { source: 'ab{json:data.url', scope: 'reply', message: '{json:... is not closed with "}"', position: 2 },
    { source: '{nope}', scope: 'request', message: 'unknown value {nope}', position: 0 },
    { source: '{filename x}', scope: 'request', message: 'unexpected " " after {filename', position: 9 },
    {
      source: '{json:{filename}}',
      scope: 'reply',
      message: 'templates inside templates are not supported',
      position: 6,
    },
    { source: '{json}', scope: 'reply', message: '{json} takes 1 argument(s), got 0', position: 0 },
    { source: '{json:a|b}', scope: 'reply', message: '{json} takes 1 argument(s), got 2', position: 0 },
    { source: '{filename:x}', scope: 'request', message: '{filename} takes 0 argument(s), got 1', position: 0 },
    { source: '{regex:a|1|2}', scope: 'reply', message: '{regex} takes 1 to 2 argument(s), got 3', position: 0 },
    { source: '{random}', scope: 'request', message: '{random} takes at least 1 argument(s), got 0', position: 0 },
    { source: '{regex:(unclosed}', scope: 'reply', message: '{regex} pattern is not valid', position: 0 },
    { source: '{regex:a|}', scope: 'reply', message: '{regex} group is empty', position: 0 },
    {
      source: '{xml:/a/b}',
      scope: 'reply',
      message: '{xml} is not supported: XML replies cannot be read',
      position: 0,
    },
    { source: '{input}', scope: 'request', message: '{input} is not supported', position: 0 },
    {
      source: 'x{json:url}',
      scope: 'request',
      message: '{json} cannot be used here (it reads the reply)',
      position: 1,
    },
    {
      source: '{base64}',
      scope: 'reply',
      message: '{base64} cannot be used here (it belongs to the request)',
      position: 0,
    },
    { source: 'trailing \\', scope: 'request', message: '', position: -1 },
  ] satisfies { source: string; scope: TemplateScope; message: string; position: number }[])(
    '$source ($scope)',
    ({ source, scope, message, position }) => {
      const parsed = parseTemplate(source, scope);
      if (position === -1) {
        // A lone trailing backslash is literal text, not an error.
        expect(parsed).not.toBeInstanceOf(TemplateError);
        return;
      }
      expect(parsed).toBeInstanceOf(TemplateError);
      const error = parsed as TemplateError;
      expect(error.message.startsWith(message), error.message).toBe(true);
      expect(error.position).toBe(position);
    },
  );

  it('renderSource returns the error instead of throwing', () => {
    expect(renderSource('{nope', 'request', {})).toBeInstanceOf(TemplateError);
  });

  it('never throws on arbitrary input', () => {
    const alphabet = ['{', '}', '|', '\\', ':', 'json', 'regex', 'random', 'a', '(', '[', '.', '0', ' '];
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 2_000; round += 1) {
      const source = Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join('');
      for (const scope of ['request', 'reply'] as const) {
        expect(() => renderSource(source, scope, { reply: reply() }), source).not.toThrow();
      }
    }
  });
});

describe('readJsonPath', () => {
  it.each([
    ['a.b', { a: { b: 1 } }, 1],
    ['[1]', ['x', 'y'], 'y'],
    ['a.0', { a: ['z'] }, 'z'],
    ['a.b', { a: null }, undefined],
    ['a.length', { a: 'text' }, undefined],
  ])('%s', (path, root, expected) => {
    expect(readJsonPath(root, path)).toEqual(expected);
  });
});
