import * as v from 'valibot';
import { list, shortText, text } from '../../bounded-schemas';
import { LocalizedError, localized, type MessageKey } from '../../localized';
import { type Destination, type DestinationSpec, isHttpUrl, newDestination } from '../model';
import { destinationSpecSchema } from '../schema';

/**
 * A ready-made host: a destination for one host's documented upload API,
 * with holes for what only the user knows (a key, a site address). Each
 * host is one reviewed data file beside this one, citing the API page it
 * follows; tests/unit/hosts.test.ts checks its requests and reply reading
 * against recorded examples written from that page.
 *
 * A hole is `[[key]]`: the answer to the ask named `key`, encoded for where it
 * lands (a URL, a JSON string, a header) and escaped for the template
 * language, so a key with `{` or `&` stays the user's key.
 * `[[basic:user:password]]` is the base64 of "user:password" (HTTP Basic).
 */

/** How an answer is typed and checked, and how it is encoded inside a URL. */
export const ASK_KINDS = [
  /** A key, token or password: a password input. */
  'secret',
  /** A short word (a cloud name, a preset name): URL-encoded in a URL. */
  'text',
  /** An http(s) address: put in as given, without a trailing slash. */
  'url',
  /** Slash-separated names (owner/repository, a folder): each part URL-encoded. */
  'path',
] as const;
export type AskKind = (typeof ASK_KINDS)[number];

export interface HostAsk {
  key: string;
  labelKey: MessageKey;
  kind: AskKind;
  placeholder?: string;
  /** Filled in at first; the user may change it. */
  default?: string;
  /** May stay empty. @default false */
  optional?: boolean;
}

export interface HostPreset {
  id: string;
  /** The host's own name (a brand, not translated). */
  name: string;
  /** One line on what the user needs to have, in the user's language. */
  summaryKey: MessageKey;
  /** The host's API documentation this preset follows. */
  docs: string;
  asks: HostAsk[];
  destination: DestinationSpec;
}

/** The shape every host file must have; checked by tests/unit/hosts.test.ts for each one. */
export const hostPresetSchema = v.object({
  id: v.pipe(shortText, v.regex(/^[a-z0-9-]+$/)),
  name: shortText,
  summaryKey: shortText,
  docs: v.pipe(text, v.url(), v.startsWith('https://')),
  asks: list(
    v.object({
      key: v.pipe(shortText, v.regex(/^[a-zA-Z]+$/)),
      labelKey: shortText,
      kind: v.picklist(ASK_KINDS),
      placeholder: v.optional(text),
      default: v.optional(text),
      optional: v.optional(v.boolean()),
    }),
  ),
  destination: destinationSpecSchema,
});

export type HostAnswers = Record<string, string>;

/** Where a hole sits decides how its answer is encoded. */
type Place = 'url' | 'json' | 'plain';

/** Template-language escapes (template.ts): an answer is text, never a `{call}`. */
function escapeTemplate(value: string): string {
  return value.replace(/[\\{}|]/g, (char) => `\\${char}`);
}

function encodeFor(ask: HostAsk, value: string, place: Place): string {
  if (place === 'json') return JSON.stringify(value).slice(1, -1);
  if (place === 'plain') return value;
  switch (ask.kind) {
    case 'url':
      return value;
    case 'path':
      return value
        .split('/')
        .filter(Boolean)
        .map((part) => encodeURIComponent(part))
        .join('/');
    default:
      return encodeURIComponent(value);
  }
}

/** The answer as checked and trimmed: an address loses its trailing slashes. */
function cleanAnswer(ask: HostAsk, answers: HostAnswers): string {
  const value = (answers[ask.key] ?? ask.default ?? '').trim();
  return ask.kind === 'url' ? value.replace(/\/+$/, '') : value;
}

/** UTF-8 bytes to base64: `btoa` alone refuses anything beyond Latin-1. */
function base64Utf8(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** What is missing or wrong in the answers, in the user's language; empty when the preset can be filled. */
export function answerProblems(preset: HostPreset, answers: HostAnswers): LocalizedError[] {
  const problems: LocalizedError[] = [];
  for (const ask of preset.asks) {
    const value = cleanAnswer(ask, answers);
    if (!value && !ask.optional) {
      problems.push(new LocalizedError(`fill in ${ask.key}`, localized('hostAskMissing', localized(ask.labelKey))));
    } else if (value && ask.kind === 'url' && !isHttpUrl(value)) {
      problems.push(
        new LocalizedError(
          `${ask.key} must be an http(s) address`,
          localized('hostAskNotUrl', localized(ask.labelKey)),
        ),
      );
    }
  }
  return problems;
}

/**
 * The destination the preset makes with these answers, ready for the editor
 * (the user still saves it there, which asks for the host permission).
 * Throws the first answer problem: the gallery checks `answerProblems` first.
 */
export function fillPreset(preset: HostPreset, answers: HostAnswers): Destination {
  const [problem] = answerProblems(preset, answers);
  if (problem) throw problem;
  const asks = new Map(preset.asks.map((ask) => [ask.key, ask]));
  const answer = (key: string) => {
    const ask = asks.get(key);
    if (!ask) throw new Error(`preset ${preset.id} has a hole [[${key}]] with no ask`);
    return { ask, value: cleanAnswer(ask, answers) };
  };
  const fill = (source: string, place: Place) =>
    source.replace(/\[\[([a-zA-Z]+)(?::([a-zA-Z]+):([a-zA-Z]+))?\]\]/g, (_hole, name: string, user, password) => {
      if (name === 'basic' && user && password) {
        // Spelled out, not templated: Basic credentials are the user's answers alone.
        return escapeTemplate(base64Utf8(`${answer(user).value}:${answer(password).value}`));
      }
      const { ask, value } = answer(name);
      return escapeTemplate(encodeFor(ask, value, place));
    });
  const spec = preset.destination;
  const { body, tokenRequest, transport } = spec;
  // A transport's strings are read as they are (no template language): the answer goes in unescaped.
  const fillRaw = (source: string) =>
    source.replace(/\[\[([a-zA-Z]+)\]\]/g, (_hole, name: string) => answer(name).value);
  const pairs = (items: { name: string; value: string }[]) =>
    items.map((item) => ({ name: item.name, value: fill(item.value, 'plain') }));
  return newDestination({
    // Whatever else a preset's destination says (a later field) is carried as written.
    ...structuredClone(spec),
    name: preset.name,
    url: fill(spec.url, 'url'),
    method: spec.method,
    headers: pairs(spec.headers),
    body:
      body.kind === 'json'
        ? { kind: 'json', template: fill(body.template, 'json') }
        : body.kind === 'binary'
          ? body
          : { ...body, fields: pairs(body.fields) },
    sendCookies: spec.sendCookies,
    reply: {
      url: fill(spec.reply.url, 'url'),
      thumbnailUrl: fill(spec.reply.thumbnailUrl, 'url'),
      deletionUrl: fill(spec.reply.deletionUrl, 'url'),
      errorMessage: spec.reply.errorMessage,
    },
    successStatuses: spec.successStatuses,
    ...(tokenRequest ? { tokenRequest: { url: fill(tokenRequest.url, 'url'), token: tokenRequest.token } } : {}),
    ...(transport
      ? {
          // Every string of any transport (an S3 bucket's endpoint, name, signing URL…), whatever its kind.
          transport: Object.fromEntries(
            Object.entries(transport).map(([key, value]) => [key, typeof value === 'string' ? fillRaw(value) : value]),
          ) as typeof transport,
        }
      : {}),
  });
}
