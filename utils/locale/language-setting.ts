import * as v from 'valibot';
import { storage } from 'wxt/utils/storage';

// Declared apart from utils/settings.ts (which re-exports it): t() reads this
// in every context, the content script included, and importing settings.ts
// there would bring the destinations (and their secrets' storage keys) into a
// script that runs in web pages.

/** "Automatic" follows the browser's language; the others override it in every Cadence page and menu. */
export const LANGUAGE_CHOICES = ['auto', 'en', 'ko'] as const;
export type LanguageChoice = (typeof LANGUAGE_CHOICES)[number];
export const languageSchema = v.picklist(LANGUAGE_CHOICES);

/**
 * The language of Cadence's pages and context menu.
 * @default 'auto' (the browser's)
 */
export const languageSetting = storage.defineItem<LanguageChoice>('local:language', {
  fallback: 'auto',
});
