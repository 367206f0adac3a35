/**
 * Fault injection for the local receiver: the ways a real upload endpoint
 * misbehaves under load, each switched on by one option, so tests and the
 * pacing benchmark can show what Cadence does about them.
 */
import { Transform } from 'node:stream';

export interface ReplyFault {
  /** The status to answer instead of storing the upload. */
  status: number;
  /** Sent as Retry-After: whole seconds, or an HTTP date. */
  retryAfter?: string;
}

/**
 * Ways a broken or hostile server answers an upload (after reading it whole):
 * - html-200: an HTML error page with status 200;
 * - invalid-json: status 200, a JSON content type, a body that is not JSON;
 * - login-redirect: 302 to `/login`, an HTML sign-in page;
 * - never-ends: status 200 and the start of a body, then nothing, never closed;
 * - close-mid-reply: status 200, a Content-Length, part of the body, then the connection is destroyed;
 * - huge-body: status 200 and a 50 MB body;
 * - a number: that status with the body such servers send (401 JSON, 403 and 413 HTML pages).
 */
export type HostileReply =
  | 'html-200'
  | 'invalid-json'
  | 'login-redirect'
  | 'never-ends'
  | 'close-mid-reply'
  | 'huge-body'
  | number;

export const HOSTILE_MODES = [
  'html-200',
  'invalid-json',
  'login-redirect',
  'never-ends',
  'close-mid-reply',
  'huge-body',
] as const;

/** The size of the `huge-body` reply. */
export const HUGE_REPLY_BYTES = 50 * 1024 * 1024;

export interface Faults {
  /**
   * Answer uploads of these file names (the multipart filename) the hostile
   * way, every time they arrive: retries meet the same server.
   */
  hostile?: Record<string, HostileReply>;
  /** Reset the connection of an upload that arrives while this many are already being received. */
  resetBeyond?: number;
  /**
   * Reset every connection once the client sent this many bytes on it
   * (headers included), whatever its requests: a proxy in front of the
   * receiver does it (reset-proxy.ts). Set at start to have the proxy; it
   * may be changed later (undefined or Infinity: no more resets).
   */
  resetConnectionAfterBytes?: number;
  /** Hold every request to the resumable endpoints (/tus, /resumable) this many ms before the server reads it: a slow server. */
  holdResumableMs?: number;
  /** Read upload bodies at most this fast, all uploads together, in bytes per second. */
  ingressBytesPerSecond?: number;
  /** Answer chosen requests (by 1-based arrival number) with a status, after reading the body. */
  replies?: Record<number, ReplyFault | ((arrivedAt: number) => ReplyFault)>;
  /** Hold the reply of chosen requests (by arrival number) this many ms; Infinity never answers. */
  stalls?: Record<number, number>;
  /** Hold every reply not named in `stalls` this many ms (the body is read and recorded first). */
  holdReplyMs?: number;
  /** A quota on uploads, told in one header style (see createRateLimiter). */
  rateLimit?: RateLimitFault;
}

/**
 * How a host tells its quota:
 * - ietf: `RateLimit-Policy: "default";q=N;w=S` and `RateLimit: "default";r=R;t=T` (the IETF draft);
 * - ratelimit-fields: `RateLimit-Limit/-Remaining/-Reset` (the draft's older shape);
 * - x-ratelimit: `X-RateLimit-Limit/-Remaining/-Reset`, the reset in seconds;
 * - x-ratelimit-epoch: the same with the reset as epoch seconds (GitHub's way);
 * - imgur: `X-Post-Rate-Limit-Limit/-Remaining/-Reset`;
 * - body: no rate-limit headers; an upload past the quota gets status 200, `{"ratelimited": true}`
 *   and a Retry-After to the window's end.
 */
export const RATE_LIMIT_STYLES = [
  'ietf',
  'ratelimit-fields',
  'x-ratelimit',
  'x-ratelimit-epoch',
  'imgur',
  'body',
] as const;
export type RateLimitStyle = (typeof RATE_LIMIT_STYLES)[number];

export interface RateLimitFault {
  style: RateLimitStyle;
  /** Uploads allowed per window. */
  limit: number;
  windowMs: number;
}

/** What the quota says about one upload: whether it is past the quota, and the headers its reply carries. */
export interface RateLimitVerdict {
  over: boolean;
  headers: Record<string, string>;
}

/**
 * A fixed-window quota, as hosts keep one: the first upload opens a window,
 * each upload counts when it arrives, and one past the limit is refused
 * (429, or a "rate limited" 200 in the body style). Resets are whole
 * seconds, rounded up, as servers send them.
 */
export function createRateLimiter({ style, limit, windowMs }: RateLimitFault): (now: number) => RateLimitVerdict {
  let windowStart: number | undefined;
  let used = 0;
  return (now) => {
    if (windowStart === undefined) windowStart = now;
    while (now >= windowStart + windowMs) {
      windowStart += windowMs;
      used = 0;
    }
    used += 1;
    const remaining = Math.max(0, limit - used);
    const windowEnd = windowStart + windowMs;
    const reset = String(Math.ceil((windowEnd - now) / 1000));
    const trio = (prefix: string, resetValue = reset) => ({
      [`${prefix}Limit`]: String(limit),
      [`${prefix}Remaining`]: String(remaining),
      [`${prefix}Reset`]: resetValue,
    });
    const headers: Record<RateLimitStyle, Record<string, string>> = {
      ietf: {
        'RateLimit-Policy': `"default";q=${limit};w=${Math.ceil(windowMs / 1000)}`,
        RateLimit: `"default";r=${remaining};t=${reset}`,
      },
      'ratelimit-fields': trio('RateLimit-'),
      'x-ratelimit': trio('X-RateLimit-'),
      'x-ratelimit-epoch': trio('X-RateLimit-', String(Math.ceil(windowEnd / 1000))),
      imgur: trio('X-Post-Rate-Limit-'),
      body: used > limit ? { 'Retry-After': reset } : {},
    };
    return { over: used > limit, headers: headers[style] };
  };
}

/** Parses `--rate-limit` values: `STYLE=LIMIT/SECONDS`, e.g. `ietf=5/2`. */
export function parseRateLimitOption(value: string): RateLimitFault {
  const match = /^([a-z-]+)=(\d+)\/(\d+(?:\.\d+)?)$/.exec(value.trim());
  const style = match?.[1] as RateLimitStyle | undefined;
  if (!match || !style || !(RATE_LIMIT_STYLES as readonly string[]).includes(style))
    throw new Error(
      `--rate-limit ${value}: expected STYLE=LIMIT/SECONDS, STYLE one of ${RATE_LIMIT_STYLES.join(', ')}`,
    );
  return { style, limit: Number(match[2]), windowMs: Number(match[3]) * 1000 };
}

/**
 * While uploads are being read, the timeline may fall behind the clock by up
 * to this much (ms) and keep the debt: on a busy machine every timer fires
 * late, and a timer per chunk that lost its lateness read a lone 4 MB/s
 * upload at 2-2.7 MB/s. A longer lag is idle time, which earns no credit:
 * a new upload after a pause is not let through faster than the cap.
 */
export const INGRESS_LATENESS_CREDIT_MS = 25;

/** A chunk is held only once the timeline is this far (ms) ahead of the clock: fewer timers, each a few ms late. */
export const INGRESS_HOLD_FROM_MS = 5;

/**
 * One shared ingress budget: every chunk of every upload reserves its slot on
 * one timeline at `bytesPerSecond` and is passed on at the end of it, so the
 * uploads together never read faster than the cap. Backpressure then slows
 * the senders, as a thin uplink would.
 */
export function createIngressLimiter(bytesPerSecond: number): () => Transform {
  let nextFreeAt = 0;
  return () =>
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        const now = Date.now();
        if (now - nextFreeAt > INGRESS_LATENESS_CREDIT_MS) nextFreeAt = now;
        nextFreeAt += (chunk.length / bytesPerSecond) * 1000;
        const wait = nextFreeAt - now;
        if (wait < INGRESS_HOLD_FROM_MS) callback(null, chunk);
        else setTimeout(() => callback(null, chunk), wait);
      },
    });
}

/**
 * Parses `--reply` values: `INDEX=STATUS`, `INDEX=STATUS:SECONDS` or
 * `INDEX=STATUS:date+SECONDS` (an HTTP date that many seconds after arrival).
 */
export function parseReplyOption(value: string): [number, ReplyFault | ((arrivedAt: number) => ReplyFault)] {
  const match = /^(\d+)=(\d{3})(?::(date\+)?(\d+))?$/.exec(value.trim());
  if (!match) throw new Error(`--reply ${value}: expected INDEX=STATUS[:SECONDS] or INDEX=STATUS:date+SECONDS`);
  const [, index, status, asDate, seconds] = match;
  if (seconds === undefined) return [Number(index), { status: Number(status) }];
  if (!asDate) return [Number(index), { status: Number(status), retryAfter: seconds }];
  return [
    Number(index),
    (arrivedAt) => ({
      status: Number(status),
      // HTTP dates have whole seconds: round up so the date is never before arrival + SECONDS.
      retryAfter: new Date(Math.ceil((arrivedAt + Number(seconds) * 1000) / 1000) * 1000).toUTCString(),
    }),
  ];
}

/** Parses `--stall` values: `INDEX` (never answer) or `INDEX=MS`. */
export function parseStallOption(value: string): [number, number] {
  const match = /^(\d+)(?:=(\d+))?$/.exec(value.trim());
  if (!match) throw new Error(`--stall ${value}: expected INDEX or INDEX=MS`);
  return [Number(match[1]), match[2] === undefined ? Number.POSITIVE_INFINITY : Number(match[2])];
}

/** Parses `--hostile` values: `FILENAME=MODE`, MODE one of HOSTILE_MODES or a status such as 401. */
export function parseHostileOption(value: string): [string, HostileReply] {
  const at = value.lastIndexOf('=');
  const name = value.slice(0, at);
  const mode = value.slice(at + 1);
  if (at > 0 && /^\d{3}$/.test(mode)) return [name, Number(mode)];
  if (at > 0 && (HOSTILE_MODES as readonly string[]).includes(mode)) return [name, mode as HostileReply];
  throw new Error(`--hostile ${value}: expected FILENAME=MODE, MODE one of ${HOSTILE_MODES.join(', ')} or a status`);
}
