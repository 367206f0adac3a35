/** What a destination's file-name template can use (`Destination.fileNameTemplate`). */
export const FILE_NAME_PLACEHOLDERS = ['name', 'hash', 'date', 'counter'] as const;
export type FileNamePlaceholder = (typeof FILE_NAME_PLACEHOLDERS)[number];

export interface FileNameParts {
  /** The item's name, extension included (it already names the compressed format). */
  name: string;
  /** SHA-256 (hex) of the bytes sent; `{hash}` is its first 8 digits (enough to tell a batch's images apart). */
  sentHash?: string;
  /** When the item was handed over: `{date}` is this, in UTC, as 20261129-223905. */
  at: number;
  /** The destination's counter given to this item (utils/ledger/store.ts nextCounter). */
  counter?: number;
}

const PLACEHOLDER = /\{([a-z0-9_]+)\}/gi;
// Characters file systems and hosts refuse in a name, and controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes.
const UNSAFE = /[/\\:*?"<>|\u0000-\u001f\u007f]/g;

/**
 * The name the host receives: the template with its placeholders filled,
 * then the extension. An empty template keeps the name as it is. The same
 * item always gets the same name (its hash, date and counter are fixed at
 * hand-over), so a retry never looks like a new file.
 */
export function renderFileName(template: string | undefined, parts: FileNameParts): string {
  if (!template?.trim()) return parts.name;
  const dot = parts.name.lastIndexOf('.');
  const base = dot > 0 ? parts.name.slice(0, dot) : parts.name;
  const extension = dot > 0 ? parts.name.slice(dot) : '';
  const values: Record<FileNamePlaceholder, string> = {
    name: base,
    hash: parts.sentHash?.slice(0, 8) ?? '',
    date: utcStamp(parts.at),
    counter: parts.counter === undefined ? '' : String(parts.counter),
  };
  const filled = template
    .replace(PLACEHOLDER, (whole, key: string) => (isPlaceholder(key) ? values[key] : whole))
    .replace(UNSAFE, '_')
    .trim();
  const stem = filled.toLowerCase().endsWith(extension.toLowerCase())
    ? filled.slice(0, filled.length - extension.length)
    : filled;
  return `${stem || base}${extension}`;
}

/** Whether the template needs a counter given out at hand-over. */
export function usesCounter(template: string | undefined): boolean {
  return template?.includes('{counter}') ?? false;
}

/** The placeholders the template names that do not exist (for the destination editor). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string).filter((key) => !isPlaceholder(key));
}

function isPlaceholder(key: string): key is FileNamePlaceholder {
  return (FILE_NAME_PLACEHOLDERS as readonly string[]).includes(key);
}

function utcStamp(at: number): string {
  const date = new Date(at);
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getUTCFullYear()}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}-` +
    `${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}`
  );
}
