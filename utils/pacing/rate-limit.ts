import { type BareItem, type InnerList, type Item, parseDictionary, parseList } from 'structured-headers';
import { readJsonPath } from '../destinations/template';

/**
 * What a server says about its quota, read from one reply: the IETF draft's
 * `RateLimit-Policy` / `RateLimit` structured fields, the older
 * `RateLimit-Limit/-Remaining/-Reset` trio, `X-RateLimit-*`, image hosts'
 * own trios (imgur's post limit, or one the destination names), and a limit
 * reported in a 200 body (the destination names the pattern).
 * Pure: headers, body and the time in; a signal out. How the scheduler uses
 * it: docs/pacing.md, "Rate limits".
 */

/**
 * Where a reading came from, for diagnostics and the wait's wording.
 * 'retry-after': a 429 or 503's plain Retry-After, kept per destination like the others.
 */
export const RATE_LIMIT_SOURCES = ['ietf', 'ratelimit-fields', 'x-ratelimit', 'host', 'body', 'retry-after'] as const;
export type RateLimitSource = (typeof RATE_LIMIT_SOURCES)[number];

/** One reply's word on the destination's quota; times absolute (ms since epoch). */
export interface RateLimitSignal {
  source: RateLimitSource;
  /** Requests the server still takes in the current window; 0: none before `resetAt`. */
  remaining: number;
  /** When the current window ends and the quota is whole again. */
  resetAt: number;
  /** The quota per window, when the server said. */
  limit?: number;
  /** The window's length in ms, when the server said. */
  windowMs?: number;
}

/** A destination's own rate-limit words (`DestinationSpec.rateLimit`). */
export interface RateLimitSetting {
  /**
   * The prefix of a host's own header trio: `PREFIX` + `Limit`, `Remaining`
   * and `Reset` (e.g. "X-Post-Rate-Limit-"). Empty: the standard and known ones only.
   */
  headerPrefix: string;
  /**
   * A success reply whose body matches is a refusal, sent again later:
   * `json:FIELD` (the field is true, a non-zero number or a non-empty
   * string), or `/REGEX/flags`. Empty: the body is never read for a limit.
   */
  bodyPattern: string;
}

/** When a body says "limited" and no header says until when. */
export const BODY_LIMIT_WAIT_MS = 60_000;

/**
 * Host trios known without a setting. imgur: `X-Post-Rate-Limit-Reset` is
 * seconds until the hourly post limit resets; `X-RateLimit-UserReset` is an
 * epoch time (readReset tells the two apart).
 */
const KNOWN_HOST_TRIOS: readonly Trio[] = [
  {
    limit: 'x-post-rate-limit-limit',
    remaining: 'x-post-rate-limit-remaining',
    reset: 'x-post-rate-limit-reset',
    // imgur documents it as a limit per hour.
    windowMs: 60 * 60_000,
  },
  { limit: 'x-ratelimit-userlimit', remaining: 'x-ratelimit-userremaining', reset: 'x-ratelimit-userreset' },
];

interface Trio {
  limit: string;
  remaining: string;
  reset: string;
  /** The window, when the host documents it (its headers do not say). */
  windowMs?: number;
}

/** Every header name this module may read: a server answering cross-origin must expose them (CORS). */
export const RATE_LIMIT_HEADERS = [
  'RateLimit',
  'RateLimit-Policy',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'X-Post-Rate-Limit-Limit',
  'X-Post-Rate-Limit-Remaining',
  'X-Post-Rate-Limit-Reset',
  'X-RateLimit-UserLimit',
  'X-RateLimit-UserRemaining',
  'X-RateLimit-UserReset',
] as const;

/**
 * The tightest quota any of the reply's headers states, or undefined when
 * none does. Unreadable values are skipped, never guessed.
 */
export function readRateLimitHeaders(
  headers: Headers,
  now: number,
  setting?: RateLimitSetting,
): RateLimitSignal | undefined {
  const prefix = setting?.headerPrefix.trim().toLowerCase();
  const trios: [RateLimitSource, Trio][] = [
    ['ratelimit-fields', { limit: 'ratelimit-limit', remaining: 'ratelimit-remaining', reset: 'ratelimit-reset' }],
    ['x-ratelimit', { limit: 'x-ratelimit-limit', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset' }],
    ...KNOWN_HOST_TRIOS.map((trio): [RateLimitSource, Trio] => ['host', trio]),
    ...(prefix
      ? [
          ['host', { limit: `${prefix}limit`, remaining: `${prefix}remaining`, reset: `${prefix}reset` }] as [
            RateLimitSource,
            Trio,
          ],
        ]
      : []),
  ];
  const signals = [
    ...readIetf(headers, now),
    ...trios.flatMap(([source, trio]) => readTrio(headers, trio, source, now) ?? []),
  ];
  return signals.reduce<RateLimitSignal | undefined>((tightest, signal) => tighter(tightest, signal, now), undefined);
}

/**
 * Whether a success reply's body says the host refused for a limit. A
 * broken pattern (bad regex) never matches: the destination editor names it.
 */
export function bodySaysLimited(body: string, pattern: string): boolean {
  const text = pattern.trim();
  if (!text) return false;
  const regex = asRegex(text);
  if (regex) return regex.test(body);
  if (regex === null) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  const value = readJsonPath(parsed, text.replace(/^json:/, ''));
  return (
    value === true ||
    (typeof value === 'number' && value !== 0) ||
    (typeof value === 'string' && value !== '' && value !== 'false')
  );
}

/** `/…/flags` as a RegExp; null when it looks like one but does not compile; undefined when it is a JSON field. */
function asRegex(text: string): RegExp | null | undefined {
  const match = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (!match) return undefined;
  try {
    return new RegExp(match[1] as string, match[2]);
  } catch {
    return null;
  }
}

/** The problem with a body pattern, for the destination editor; undefined when it is usable or empty. */
export function bodyPatternProblem(pattern: string): string | undefined {
  const text = pattern.trim();
  if (!text) return undefined;
  if (asRegex(text) === null) return 'not a valid regular expression';
  if (asRegex(text) === undefined && !/^(json:)?[\w$.[\]-]+$/.test(text)) return 'write json:FIELD or /REGEX/';
  return undefined;
}

/**
 * The reading for one reply: its headers, and with a matching body a
 * refusal (remaining 0) until the headers' reset, the Retry-After, or
 * BODY_LIMIT_WAIT_MS.
 */
export function readRateLimit(
  reply: { headers: Headers; body: string; success: boolean },
  now: number,
  setting: RateLimitSetting | undefined,
  retryAfterAt: number | undefined,
): RateLimitSignal | undefined {
  const fromHeaders = readRateLimitHeaders(reply.headers, now, setting);
  if (!reply.success || !setting || !bodySaysLimited(reply.body, setting.bodyPattern)) return fromHeaders;
  const resetAt =
    fromHeaders && fromHeaders.resetAt > now ? fromHeaders.resetAt : (retryAfterAt ?? now + BODY_LIMIT_WAIT_MS);
  return {
    ...fromHeaders,
    source: 'body',
    remaining: 0,
    resetAt,
  };
}

/** The one that lets the next request go later: none left beats some left; then the longer spacing. */
function tighter(a: RateLimitSignal | undefined, b: RateLimitSignal, now: number): RateLimitSignal {
  if (!a) return b;
  return nextAllowedAfter(b, now) > nextAllowedAfter(a, now) ? b : a;
}

function nextAllowedAfter(signal: RateLimitSignal, now: number): number {
  const span = Math.max(0, signal.resetAt - now);
  return signal.remaining <= 0 ? span : span / (signal.remaining + 1);
}

/**
 * The IETF draft (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy`
 * lists named policies (`"burst";q=100;w=60`), `RateLimit` their state
 * (`"burst";r=50;t=30`); one reading per state. Earlier drafts' shapes are
 * read too: a policy as a bare number (`100;w=60`), a state as a dictionary
 * (`limit=100, remaining=50, reset=30`).
 */
function readIetf(headers: Headers, now: number): RateLimitSignal[] {
  const stateText = headers.get('ratelimit');
  if (!stateText) return [];
  const policies = new Map<string, { limit?: number; windowMs?: number }>();
  for (const member of parseOr(() => parseList(headers.get('ratelimit-policy') ?? ''), [])) {
    if (isInnerList(member)) continue;
    const [name, params] = member;
    const quota = numberOf(params.get('q')) ?? numberOf(name);
    const window = numberOf(params.get('w'));
    policies.set(nameOf(name), {
      ...(quota === undefined ? {} : { limit: quota }),
      ...(window === undefined ? {} : { windowMs: window * 1000 }),
    });
  }
  const anyPolicy = policies.size === 1 ? [...policies.values()][0] : undefined;
  const states = parseOr(() => parseList(stateText), undefined);
  if (states?.every((member) => !isInnerList(member) && member[1].has('r'))) {
    return states.flatMap((member) => {
      const [name, params] = member as Item;
      const policy = policies.get(nameOf(name)) ?? anyPolicy;
      const remaining = floorOf(numberOf(params.get('r')));
      const resetSeconds = numberOf(params.get('t'));
      // Without `t` the window may have just begun: assume the whole window is ahead.
      const resetMs = resetSeconds === undefined ? policy?.windowMs : resetSeconds * 1000;
      if (remaining === undefined || resetMs === undefined) return [];
      return [{ source: 'ietf' as const, remaining, resetAt: now + resetMs, ...policy }];
    });
  }
  const dictionary = parseOr(() => parseDictionary(stateText), undefined);
  if (!dictionary) return [];
  const field = (key: string) => {
    const member = dictionary.get(key);
    return member && !isInnerList(member) ? numberOf(member[0]) : undefined;
  };
  const remaining = floorOf(field('remaining') ?? field('r'));
  const reset = field('reset') ?? field('t');
  const limit = field('limit') ?? anyPolicy?.limit;
  if (remaining === undefined || reset === undefined) return [];
  return [
    {
      source: 'ietf',
      remaining,
      resetAt: now + reset * 1000,
      ...(limit === undefined ? {} : { limit }),
      ...(anyPolicy?.windowMs === undefined ? {} : { windowMs: anyPolicy.windowMs }),
    },
  ];
}

function readTrio(headers: Headers, trio: Trio, source: RateLimitSource, now: number): RateLimitSignal | undefined {
  const remaining = wholeNumber(headers.get(trio.remaining));
  const resetAt = readReset(headers.get(trio.reset), now);
  if (remaining === undefined || resetAt === undefined) return undefined;
  const limit = wholeNumber(headers.get(trio.limit));
  return {
    source,
    remaining,
    resetAt,
    ...(limit === undefined ? {} : { limit }),
    ...(trio.windowMs === undefined ? {} : { windowMs: trio.windowMs }),
  };
}

/** Epoch seconds in 2001 and later: a reset this large is a clock time, not a count of seconds. */
const EPOCH_SECONDS_FROM = 1_000_000_000;
const EPOCH_MS_FROM = 1_000_000_000_000;

/**
 * A reset is seconds from now (the drafts, imgur's post limit) or an epoch
 * time in seconds (GitHub, imgur's user limit) or milliseconds; told apart
 * by size, as no window lasts 30 years.
 */
export function readReset(value: string | null, now: number): number | undefined {
  const text = value?.trim();
  if (!text || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  const number = Number(text);
  if (number >= EPOCH_MS_FROM) return Math.max(now, number);
  if (number >= EPOCH_SECONDS_FROM) return Math.max(now, number * 1000);
  return now + number * 1000;
}

function wholeNumber(value: string | null): number | undefined {
  const text = value?.trim();
  // A list ("100, 100;w=60", as some servers copy the policy in) counts by its first member.
  const first = text?.split(',')[0]?.trim();
  return first && /^\d+$/.test(first) ? Number(first) : undefined;
}

function numberOf(value: BareItem | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function floorOf(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.floor(value);
}

function nameOf(value: BareItem): string {
  return typeof value === 'string' ? value : String(value);
}

function isInnerList(member: Item | InnerList): member is InnerList {
  return Array.isArray(member[0]);
}

function parseOr<T, F>(parse: () => T, fallback: F): T | F {
  try {
    return parse();
  } catch {
    return fallback;
  }
}
