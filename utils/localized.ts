import type english from '@/public/_locales/en/messages.json';

/** A key of public/_locales/<lang>/messages.json. */
export type MessageKey = keyof typeof english;

/**
 * Words for a person, as a message key and its substitutions (which may be
 * other messages), so code without the UI's language (the model, a parser)
 * can name a problem and the page shows it in the user's language (t()).
 */
export interface Localized {
  key: MessageKey;
  substitutions?: (string | Localized)[];
}

export const localized = (key: MessageKey, ...substitutions: (string | Localized)[]): Localized =>
  substitutions.length > 0 ? { key, substitutions } : { key };

/** An Error with its words for a person; `message` stays English for logs and exports. */
export class LocalizedError extends Error {
  override name = 'LocalizedError';
  constructor(
    message: string,
    readonly localized: Localized,
  ) {
    super(message);
  }
}
