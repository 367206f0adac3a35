import { isHttpUrl } from '../destinations/model';
import type { QueueItem } from '../queue/types';

export type LinkFormat = 'plain' | 'markdown' | 'html' | 'bbcode';

/** Done items with a usable (http/https) result URL, in the batch's order. */
function linked(items: readonly QueueItem[]): QueueItem[] {
  return [...items]
    .sort((a, b) => a.seq - b.seq)
    .filter((item) => item.status === 'done' && item.resultUrl !== undefined && isHttpUrl(item.resultUrl));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function escapeMarkdownText(text: string): string {
  return text.replace(/[\\[\]]/g, (char) => `\\${char}`);
}

/** Percent-encodes the characters that would end a Markdown link or a BBCode tag early. */
function encodeUrlChars(url: string, chars: RegExp): string {
  return url.replace(chars, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * A forum's BBCode: the image, or its thumbnail linking to the full image
 * when the host gave a thumbnail (how image hosts' own "BBCode" boxes write it).
 */
function bbcode(item: QueueItem, url: string): string {
  const safe = (link: string) => encodeUrlChars(link, /[[\]\s]/g);
  const thumbnail = item.thumbnailUrl !== undefined && isHttpUrl(item.thumbnailUrl) ? item.thumbnailUrl : undefined;
  return thumbnail ? `[url=${safe(url)}][img]${safe(thumbnail)}[/img][/url]` : `[img]${safe(url)}[/img]`;
}

/** "Copy all": one line per result URL, as plain URLs, Markdown images, HTML <img> tags or BBCode. */
export function formatResultLinks(items: readonly QueueItem[], format: LinkFormat): string {
  return linked(items)
    .map((item) => {
      const url = item.resultUrl as string;
      if (format === 'markdown') return `![${escapeMarkdownText(item.name)}](${encodeUrlChars(url, /[()\s]/g)})`;
      if (format === 'html') return `<img src="${escapeHtml(url)}" alt="${escapeHtml(item.name)}">`;
      if (format === 'bbcode') return bbcode(item, url);
      return url;
    })
    .join('\n');
}

/** One exported result: name, sizes, URLs, status and timings. */
export interface ResultRecord {
  name: string;
  originalSize: number;
  size: number;
  /** `unconfirmed`: sent, but the site's reply did not say it kept the file (never counted as done). */
  status: QueueItem['status'] | 'unconfirmed';
  httpStatus: number | null;
  url: string | null;
  thumbnailUrl: string | null;
  deletionUrl: string | null;
  error: string | null;
  destination: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  uploadMs: number | null;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function toResultRecords(items: readonly QueueItem[]): ResultRecord[] {
  return [...items]
    .sort((a, b) => a.seq - b.seq)
    .map((item) => ({
      name: item.name,
      originalSize: item.originalSize,
      size: item.size,
      status: item.status === 'done' && item.unconfirmed ? 'unconfirmed' : item.status,
      httpStatus: item.httpStatus ?? null,
      url: item.resultUrl ?? null,
      thumbnailUrl: item.thumbnailUrl ?? null,
      deletionUrl: item.deletionUrl ?? null,
      error: item.error ?? null,
      destination: item.destination.name,
      createdAt: new Date(item.createdAt).toISOString(),
      startedAt: iso(item.startedAt),
      finishedAt: iso(item.finishedAt),
      uploadMs: item.startedAt !== undefined && item.finishedAt !== undefined ? item.finishedAt - item.startedAt : null,
    }));
}

export function resultsToJson(items: readonly QueueItem[]): string {
  return `${JSON.stringify(toResultRecords(items), null, 2)}\n`;
}

const CSV_COLUMNS: (keyof ResultRecord)[] = [
  'name',
  'originalSize',
  'size',
  'status',
  'httpStatus',
  'url',
  'thumbnailUrl',
  'deletionUrl',
  'error',
  'destination',
  'createdAt',
  'startedAt',
  'finishedAt',
  'uploadMs',
];

/**
 * RFC 4180 CSV. A cell that starts with = + - @ is prefixed with ' so a
 * spreadsheet does not run a file name or server message as a formula.
 */
export function resultsToCsv(items: readonly QueueItem[]): string {
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    let text = String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const rows = toResultRecords(items).map((record) => CSV_COLUMNS.map((column) => cell(record[column])).join(','));
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
