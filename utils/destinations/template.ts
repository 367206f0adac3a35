import { type Localized, LocalizedError, localized, type MessageKey } from '../localized';
/**
 * The template language of destinations, a subset of ShareX's custom
 * uploader syntax: `{name}` or `{name:argument}`, arguments split by `|`,
 * and `\` escaping `{`, `}`, `|` and `\` itself. Parsing is pure and never
 * throws: a malformed template is a `TemplateError` with a position, so the
 * options page can show what is wrong while the user types.
 *
 * Written here rather than taken from a library: no npm package implements
 * ShareX's syntax, and general template engines (mustache, handlebars) either
 * differ in syntax or evaluate code.
 */

/**
 * Values a request may use (URL, headers, fields, bodies). `{token}` is what
 * the destination's token step fetched first (`DestinationSpec.tokenRequest`).
 */
export const REQUEST_FUNCTIONS = ['filename', 'random', 'base64', 'mimetype', 'token'] as const;
/** Values a reply template may use. */
export const REPLY_FUNCTIONS = ['json', 'header', 'regex', 'response', 'responseurl', 'filename'] as const;
/** ShareX functions Cadence knows but cannot run, with the reason shown to the user. */
/** The same reasons, in the user's language. */
const UNSUPPORTED_REASON_KEYS: Readonly<Record<string, MessageKey>> = {
  xml: 'templateReasonXml',
  input: 'templateReasonInput',
  inputbox: 'templateReasonPrompt',
  prompt: 'templateReasonPrompt',
  select: 'templateReasonPrompt',
  outputurl: 'templateReasonOutputUrl',
};

export const UNSUPPORTED_FUNCTIONS: Readonly<Record<string, string>> = {
  xml: 'XML replies cannot be read in the background (no XML parser in a service worker)',
  input: 'there is no text input when uploading images',
  inputbox: 'Cadence never asks for input in the middle of a batch',
  prompt: 'Cadence never asks for input in the middle of a batch',
  select: 'Cadence never asks for input in the middle of a batch',
  outputurl: 'there is no chained URL shortener',
};

export type FunctionName = (typeof REQUEST_FUNCTIONS)[number] | (typeof REPLY_FUNCTIONS)[number];

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'call'; name: FunctionName; args: string[] };

export interface ParsedTemplate {
  parts: TemplatePart[];
}

export class TemplateError extends LocalizedError {
  override name = 'TemplateError';
  constructor(
    message: string,
    /** 0-based character index in the template where the problem is. */
    readonly position: number,
    localizedMessage: Localized,
  ) {
    super(message, localizedMessage);
  }
}

/** Which functions a template may use: request templates cannot read a reply, and the other way round. */
export type TemplateScope = 'request' | 'reply';

const ESCAPABLE = new Set(['{', '}', '|', '\\']);

/** Argument counts each function accepts: [min, max]. */
const ARITY: Record<FunctionName, [number, number]> = {
  filename: [0, 0],
  mimetype: [0, 0],
  base64: [0, 0],
  token: [0, 0],
  random: [1, Number.POSITIVE_INFINITY],
  json: [1, 1],
  header: [1, 1],
  regex: [1, 2],
  response: [0, 0],
  responseurl: [0, 0],
};

export function parseTemplate(source: string, scope: TemplateScope): ParsedTemplate | TemplateError {
  const allowed: readonly string[] = scope === 'request' ? REQUEST_FUNCTIONS : REPLY_FUNCTIONS;
  const parts: TemplatePart[] = [];
  let text = '';
  let index = 0;
  while (index < source.length) {
    const char = source[index] as string;
    const next = source[index + 1];
    if (char === '\\' && next !== undefined && ESCAPABLE.has(next)) {
      text += next;
      index += 2;
      continue;
    }
    // A brace that does not start `{name` is text: JSON bodies are full of them.
    if (char !== '{' || !/[a-z]/i.test(source[index + 1] ?? '')) {
      text += char;
      index += 1;
      continue;
    }
    const call = readCall(source, index);
    if (call instanceof TemplateError) return call;
    const { name, args, end } = call;
    if (!allowed.includes(name)) {
      const reason = UNSUPPORTED_FUNCTIONS[name];
      if (reason) {
        return new TemplateError(
          `{${name}} is not supported: ${reason}`,
          index,
          localized('templateUnsupported', name, localized(UNSUPPORTED_REASON_KEYS[name] ?? 'templateReasonPrompt')),
        );
      }
      const known = scope === 'request' ? REPLY_FUNCTIONS : REQUEST_FUNCTIONS;
      if ((known as readonly string[]).includes(name)) {
        return new TemplateError(
          `{${name}} cannot be used here (${scope === 'request' ? 'it reads the reply' : 'it belongs to the request'})`,
          index,
          localized(scope === 'request' ? 'templateReadsReply' : 'templateBelongsToRequest', name),
        );
      }
      return new TemplateError(`unknown value {${name}}`, index, localized('templateUnknown', name));
    }
    const [min, max] = ARITY[name as FunctionName];
    if (args.length < min || args.length > max) {
      const expected =
        min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
      const got = String(args.length);
      return new TemplateError(
        `{${name}} takes ${expected} argument(s), got ${args.length}`,
        index,
        min === max
          ? localized('templateArityExact', name, String(min), got)
          : max === Number.POSITIVE_INFINITY
            ? localized('templateArityAtLeast', name, String(min), got)
            : localized('templateArityRange', name, String(min), String(max), got),
      );
    }
    if (name === 'regex') {
      const problem = checkRegex(args);
      if (problem) return new TemplateError(problem.message, index, problem.localized);
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'call', name: name as FunctionName, args });
    index = end;
  }
  if (text) parts.push({ kind: 'text', text });
  return { parts };
}

/** Reads `{name}` or `{name:a|b}` starting at the `{` at `start`. */
function readCall(source: string, start: number): { name: string; args: string[]; end: number } | TemplateError {
  let index = start + 1;
  let name = '';
  while (index < source.length && /[a-z0-9_]/i.test(source[index] as string)) {
    name += source[index];
    index += 1;
  }
  name = name.toLowerCase();
  if (source[index] === '}') return { name, args: [], end: index + 1 };
  if (source[index] !== ':') {
    return index >= source.length
      ? new TemplateError(`{${name} is not closed with "}"`, start, localized('templateNotClosed', name))
      : new TemplateError(
          `unexpected "${source[index]}" after {${name}`,
          index,
          localized('templateUnexpected', source[index] ?? '', name),
        );
  }
  index += 1;
  const args: string[] = [];
  let current = '';
  while (index < source.length) {
    const char = source[index] as string;
    const next = source[index + 1];
    if (char === '\\' && next !== undefined && ESCAPABLE.has(next)) {
      current += next;
      index += 2;
      continue;
    }
    if (char === '{' && /[a-z]/i.test(source[index + 1] ?? '')) {
      return new TemplateError('templates inside templates are not supported', index, localized('templateNested'));
    }
    if (char === '|') {
      args.push(current);
      current = '';
      index += 1;
      continue;
    }
    if (char === '}') {
      args.push(current);
      return { name, args, end: index + 1 };
    }
    current += char;
    index += 1;
  }
  return new TemplateError(`{${name}:... is not closed with "}"`, start, localized('templateArgsNotClosed', name));
}

function checkRegex(args: string[]): LocalizedError | undefined {
  const [pattern = '', group] = args;
  try {
    new RegExp(pattern);
  } catch (error) {
    return new LocalizedError(
      `{regex} pattern is not valid: ${error instanceof Error ? error.message : String(error)}`,
      localized('templateRegexInvalid'),
    );
  }
  if (group !== undefined && group.trim() === '') {
    return new LocalizedError('{regex} group is empty (a number or a name)', localized('templateRegexGroup'));
  }
  return undefined;
}

/** What the values of a template are made of. Every field is optional: a missing one renders as ''. */
export interface TemplateContext {
  filename?: string;
  mimetype?: string;
  /** The file as base64, computed once by the caller (only bodies use it). */
  base64?: string;
  /** What the token step fetched (`DestinationSpec.tokenRequest`). */
  token?: string;
  /** Picks one of `count` choices; Math.random by default. */
  random?: (count: number) => number;
  reply?: ReplyContext;
}

export interface ReplyContext {
  body: string;
  headers: Headers;
  /** The URL the reply came from, after redirects. */
  url: string;
}

export interface RenderOptions {
  /** Applied to every substituted value, never to the template's own text (e.g. JSON or URL escaping). */
  escape?: (value: string) => string;
}

/** Renders a parsed template. Never throws: values that cannot be found render as ''. */
export function renderTemplate(
  template: ParsedTemplate,
  context: TemplateContext,
  options: RenderOptions = {},
): string {
  const escapeValue = options.escape ?? ((value: string) => value);
  let json: { parsed: unknown } | undefined;
  const readJson = () => {
    if (!json) {
      try {
        json = { parsed: JSON.parse(context.reply?.body ?? '') };
      } catch {
        json = { parsed: undefined };
      }
    }
    return json.parsed;
  };
  return template.parts
    .map((part) => {
      if (part.kind === 'text') return part.text;
      return escapeValue(evaluate(part, context, readJson));
    })
    .join('');
}

function evaluate(
  part: Extract<TemplatePart, { kind: 'call' }>,
  context: TemplateContext,
  readJson: () => unknown,
): string {
  const [first = ''] = part.args;
  switch (part.name) {
    case 'filename':
      return context.filename ?? '';
    case 'mimetype':
      return context.mimetype ?? '';
    case 'base64':
      return context.base64 ?? '';
    case 'token':
      return context.token ?? '';
    case 'random': {
      const pick = context.random ?? ((count: number) => Math.floor(Math.random() * count));
      const chosen = Math.min(part.args.length - 1, Math.max(0, pick(part.args.length)));
      return part.args[chosen] ?? '';
    }
    case 'response':
      return context.reply?.body ?? '';
    case 'responseurl':
      return context.reply?.url ?? '';
    case 'header':
      return context.reply?.headers.get(first) ?? '';
    case 'json':
      return stringify(readJsonPath(readJson(), first));
    case 'regex':
      return matchRegex(context.reply?.body ?? '', first, part.args[1]);
  }
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** `data.files[0].url`, `[0].url`, `links.0`: dots and brackets, as ShareX's JSON paths write them. */
export function readJsonPath(root: unknown, path: string): unknown {
  const segments = path
    .replace(/^\$\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((segment): segment is string => segment !== undefined && segment !== '');
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function matchRegex(body: string, pattern: string, group: string | undefined): string {
  let match: RegExpMatchArray | null;
  try {
    match = body.match(new RegExp(pattern));
  } catch {
    return '';
  }
  if (!match) return '';
  if (group === undefined) return match[0];
  const trimmed = group.trim();
  return (/^\d+$/.test(trimmed) ? match[Number(trimmed)] : match.groups?.[trimmed]) ?? '';
}

/** Parses and renders in one go; an error becomes the value of the Error. */
export function renderSource(
  source: string,
  scope: TemplateScope,
  context: TemplateContext,
  options?: RenderOptions,
): string | TemplateError {
  const parsed = parseTemplate(source, scope);
  return parsed instanceof TemplateError ? parsed : renderTemplate(parsed, context, options);
}

/** True when the template reads the file as base64 (bodies only). */
export function usesBase64(template: ParsedTemplate): boolean {
  return uses(template, 'base64');
}

/** True when the template calls `name`. */
export function uses(template: ParsedTemplate, name: FunctionName): boolean {
  return template.parts.some((part) => part.kind === 'call' && part.name === name);
}
