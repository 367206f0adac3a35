import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { formatMessage, type LocaleMessage, type LocaleMessages, loadLanguage, t, uiLocale } from '@/utils/i18n';
import { languageSetting } from '@/utils/settings';

const root = path.resolve(import.meta.dirname, '../..');
const read = (locale: string) =>
  JSON.parse(readFileSync(path.join(root, `public/_locales/${locale}/messages.json`), 'utf8')) as LocaleMessages;
const english = read('en');
const korean = read('ko');

/** Every source file that can show text: the entrypoints, components, utils, and the manifest in wxt.config.ts. */
function sourceFiles(): { file: string; text: string }[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : /\.(ts|tsx)$/.test(name) ? [full] : [];
    });
  return [...['entrypoints', 'components', 'utils'].flatMap((dir) => walk(path.join(root, dir))), 'wxt.config.ts'].map(
    (file) => ({ file, text: readFileSync(path.isAbsolute(file) ? file : path.join(root, file), 'utf8') }),
  );
}

/**
 * Keys used only through a computed name, which no scan can see. Empty
 * today; list a key here (with where it is built) rather than removing it.
 */
const KEYS_USED_BY_COMPUTED_NAME: readonly string[] = [];

/**
 * A key is used when a source calls `t('key'` or `localized('key'` (or picks it inside the call), when the manifest names
 * `__MSG_key__`, or when it is a quoted literal in a file that types it as a
 * `MessageKey` (the status and preset label maps) or a `HostPreset`.
 */
function isUsed(key: string, files: { text: string }[]): boolean {
  // Also a key chosen inside the call: t(folded ? 'panelExpand' : 'panelCollapse').
  const call = new RegExp(`\\b(t|localized)\\([^)]*['"\`]${key}['"\`]`);
  const literal = new RegExp(`['"\`]${key}['"\`]`);
  return files.some(
    ({ text }) =>
      call.test(text) ||
      text.includes(`__MSG_${key}__`) ||
      // A ready-made host's file types its keys through HostPreset (utils/destinations/hosts/preset.ts).
      ((text.includes('MessageKey') || text.includes('HostPreset')) && literal.test(text)),
  );
}

describe('locales', () => {
  it('English and Korean have the same keys and placeholders', () => {
    expect(Object.keys(korean).sort()).toEqual(Object.keys(english).sort());
    for (const key of Object.keys(english)) {
      expect(Object.keys(korean[key]?.placeholders ?? {}), key).toEqual(Object.keys(english[key]?.placeholders ?? {}));
    }
  });

  it('every key is used somewhere', () => {
    const files = sourceFiles();
    const unused = Object.keys(english).filter(
      (key) => !isUsed(key, files) && !KEYS_USED_BY_COMPUTED_NAME.includes(key),
    );
    expect(unused).toEqual([]);
  });

  it('every key the code asks for exists in both languages', () => {
    const asked = new Set<string>();
    for (const { text } of sourceFiles()) {
      for (const match of text.matchAll(/\bt\(\s*'([A-Za-z0-9_]+)'/g)) asked.add(match[1] as string);
      for (const match of text.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) asked.add(match[1] as string);
    }
    expect(asked.size).toBeGreaterThan(50);
    expect([...asked].filter((key) => !(key in english) || !(key in korean))).toEqual([]);
  });

  it.each(['en', 'ko'])('%s: every placeholder a message names is declared, and the other way round', (locale) => {
    for (const [key, entry] of Object.entries(read(locale))) {
      const named = [...entry.message.matchAll(/\$([A-Za-z0-9_]+)\$/g)].map((match) => match[1]?.toLowerCase());
      expect(new Set(named), `${locale} ${key}`).toEqual(
        new Set(Object.keys(entry.placeholders ?? {}).map((name) => name.toLowerCase())),
      );
    }
  });
});

describe('messages formatted as Chrome does', () => {
  it.each<{ case: string; entry: LocaleMessage; substitutions: string[]; text: string }>([
    { case: 'no placeholders', entry: { message: 'Close' }, substitutions: [], text: 'Close' },
    {
      case: 'two placeholders in order',
      entry: english.heldDetail as LocaleMessage,
      substitutions: ['1.2 MB', '1 MB'],
      text: 'Target not reached: 1.2 MB is over the 1 MB cap. Not sent.',
    },
    {
      case: 'placeholder names in any case',
      entry: { message: 'Range $min$-$MAX$', placeholders: { MIN: { content: '$1' }, max: { content: '$2' } } },
      substitutions: ['1', '9'],
      text: 'Range 1-9',
    },
    {
      case: 'a missing substitution is empty',
      entry: { message: 'Copy ($N$)', placeholders: { n: { content: '$1' } } },
      substitutions: [],
      text: 'Copy ()',
    },
    { case: '$$ is a dollar sign', entry: { message: 'Costs $$5' }, substitutions: [], text: 'Costs $5' },
    {
      case: 'a substitution is not read again',
      entry: { message: 'Name: $NAME$', placeholders: { name: { content: '$1' } } },
      substitutions: ['$2 and $NAME$'],
      text: 'Name: $2 and $NAME$',
    },
    {
      case: 'Korean with a particle',
      entry: korean.nextStartIn as LocaleMessage,
      substitutions: ['12'],
      text: '다음 업로드까지 12초',
    },
  ])('$case', ({ entry, substitutions, text }) => {
    expect(formatMessage(entry, substitutions)).toBe(text);
  });
});

describe('the language chosen in the options', () => {
  afterEach(async () => {
    vi.unstubAllGlobals();
    fakeBrowser.reset();
    await loadLanguage('auto');
  });

  function serveLocales() {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      const locale = /_locales\/(\w+)\/messages\.json$/.exec(url)?.[1] ?? '';
      return new Response(JSON.stringify(read(locale)));
    });
    return fetched;
  }

  it('overrides the browser language: 한국어 shows Korean, with placeholders filled', async () => {
    const fetched = serveLocales();
    await languageSetting.setValue('ko');
    await loadLanguage();
    expect(fetched).toEqual([expect.stringMatching(/\/_locales\/ko\/messages\.json$/)]);
    expect(t('menuUploadHere')).toBe('여기에 업로드');
    expect(t('retryFailed', '3')).toBe('실패한 항목 다시 시도 (3)');
    expect(uiLocale()).toBe('ko');
  });

  it('"Automatic" reads nothing and asks the browser', async () => {
    const fetched = serveLocales();
    fakeBrowser.i18n.getMessage = ((key: string) => (key === 'menuUploadHere' ? 'from the browser' : '')) as never;
    await loadLanguage('auto');
    expect(fetched).toEqual([]);
    expect(t('menuUploadHere')).toBe('from the browser');
  });
});
