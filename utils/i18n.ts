import { browser } from 'wxt/browser';
import { type LanguageChoice, languageSetting } from './locale/language-setting';
import type { Localized, MessageKey } from './localized';

export type { MessageKey } from './localized';

/** One entry of a `_locales/<lang>/messages.json`. */
export interface LocaleMessage {
  message: string;
  placeholders?: Record<string, { content: string }>;
}
export type LocaleMessages = Record<string, LocaleMessage>;

/** The languages the options offer besides "Automatic" (the browser's). */
export const LANGUAGES = ['en', 'ko'] as const;

/** Set by `loadLanguage` when the options override the browser's language. */
let chosen: { locale: string; messages: LocaleMessages } | undefined;

/** User-facing text, from _locales (en, ko): the language chosen in the options, else the browser's. */
export function t(key: MessageKey, ...substitutions: string[]): string {
  if (chosen) {
    const entry = chosen.messages[key];
    return entry ? formatMessage(entry, substitutions) : key;
  }
  return browser.i18n.getMessage(key, substitutions) || key;
}

/** A message given as a key and its substitutions (utils/localized.ts), in the user's language. */
export function tl(message: Localized): string {
  return t(message.key, ...(message.substitutions ?? []).map((part) => (typeof part === 'string' ? part : tl(part))));
}

/** The locale the messages are shown in (e.g. "ko"), for dates and numbers that match the text. */
export function uiLocale(): string {
  if (chosen) return chosen.locale;
  return browser.i18n.getMessage('@@ui_locale').replace('_', '-') || browser.i18n.getUILanguage();
}

/**
 * Reads the language chosen in the options and, unless it is "Automatic",
 * that language's messages.json: `browser.i18n` always answers in the
 * browser's language, so an override has to read the file itself. Call
 * before the first render (and in the background before making menus).
 */
export async function loadLanguage(choice?: LanguageChoice): Promise<void> {
  const language = choice ?? (await languageSetting.getValue());
  chosen = undefined;
  if (language !== 'auto') {
    try {
      const response = await fetch(browser.runtime.getURL(`/_locales/${language}/messages.json`));
      chosen = { locale: language, messages: (await response.json()) as LocaleMessages };
    } catch {
      // The browser's language still reads well; never block the page on this.
    }
  }
  if (typeof document !== 'undefined') document.documentElement.lang = uiLocale();
}

/**
 * Chrome's substitution rules: `$name$` (any case) becomes its placeholder's
 * `content`, in which (and in the message) `$1`..`$9` are the substitutions
 * (missing ones are empty) and `$$` is a literal `$`.
 */
export function formatMessage(entry: LocaleMessage, substitutions: readonly string[]): string {
  const placeholders = new Map(
    Object.entries(entry.placeholders ?? {}).map(([name, placeholder]) => [name.toLowerCase(), placeholder.content]),
  );
  const withPlaceholders = entry.message.replace(
    /\$([a-z0-9_@]+)\$/gi,
    (whole, name: string) => placeholders.get(name.toLowerCase()) ?? whole,
  );
  return withPlaceholders.replace(/\$(\$|[1-9])/g, (_whole, what: string) =>
    what === '$' ? '$' : (substitutions[Number(what) - 1] ?? ''),
  );
}
