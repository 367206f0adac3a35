import { browser } from 'wxt/browser';
import type english from '@/public/_locales/en/messages.json';

export type MessageKey = keyof typeof english;

/** User-facing text, from _locales (en, ko) in the browser's language. */
export function t(key: MessageKey, ...substitutions: string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}

/** The locale the messages are shown in (e.g. "ko"), for dates and numbers that match the text. */
export function uiLocale(): string {
  return browser.i18n.getMessage('@@ui_locale').replace('_', '-') || browser.i18n.getUILanguage();
}
