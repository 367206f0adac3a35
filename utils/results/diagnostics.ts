/**
 * "Copy diagnostics": the batch's log as plain text for a bug report. Every
 * item's times, status, attempts, named error and reply excerpt; where it
 * went; the pace; the extension version and browser. Nothing secret: header
 * values with a sensitive name (Authorization, Cookie, Set-Cookie, tokens,
 * keys), values that look like tokens, query values and form field values
 * are masked, here as well as in the background's `withoutSecrets`, so a
 * server that echoes a token into its error page does not leak it either.
 */
import type { DestinationSnapshot, NameValue } from '../destinations/model';
import type { GlobalPace } from '../pacing/destination-pace';
import type { AttemptRecord, QueueItem, QueuePlan } from '../queue/types';
import type { PanelRow } from '../queue-view/panel-rows';

export const MASK = '[masked]';

/** What the pace was when the log was copied (the stored global settings). */
export type DiagnosticsPacing = GlobalPace & { replyTimeoutMs: number };

export interface DiagnosticsInput {
  /** The panel's rows: stored items, and drafts that never reached the queue (a file that could not be read). */
  rows: readonly PanelRow[];
  plan: QueuePlan;
  pacing?: DiagnosticsPacing;
  extensionVersion: string;
  userAgent: string;
  now: number;
}

/** Header and field names whose values are secret whatever they look like. */
const SECRET_NAME =
  /auth|cookie|token|secret|passw|pwd|session|sid\b|key|signature|sig\b|credential|csrf|xsrf|bearer|jwt|otp|code\b/i;

/** Values that look like a credential: 20 or more base64/hex/url-safe characters mixing letters and digits (JWTs are matched on their own). */
const TOKEN_LIKE = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9+/=_~-]{20,}$/;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A header as it may appear in a report: the name always, the value only when it cannot be a secret. */
export function maskHeader(name: string, value: string): string {
  if (!value) return `${name}: (not shown)`;
  if (isSecretName(name) || TOKEN_LIKE.test(value.trim())) return `${name}: ${MASK}`;
  return `${name}: ${maskText(value)}`;
}

/** A URL with the user info and every query value masked (API keys travel there); names stay, to tell them apart. */
export function maskUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return maskText(text);
  }
  if (url.username) url.username = 'masked';
  if (url.password) url.password = 'masked';
  const names = [...url.searchParams.keys()];
  const query = names.map((name) => `${encodeURIComponent(name)}=${MASK}`).join('&');
  // The path may hold a token too (e.g. /hooks/<secret>): mask segments that look like one.
  const path = url.pathname
    .split('/')
    .map((segment) => (TOKEN_LIKE.test(decodeURIComponent(segment)) ? MASK : segment))
    .join('/');
  const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  return `${url.protocol}//${auth}${url.host}${path}${query ? `?${query}` : ''}`;
}

/**
 * Masks credentials inside free text (a server's error page, an error
 * message): `Bearer x`, `Basic x`, `name=value` and `"name": "value"` with a
 * secret-sounding name, cookie pairs, JWTs, and URLs' query values.
 */
export function maskText(text: string): string {
  return (
    text
      .replace(/\bhttps?:\/\/[^\s"'<>]+/gi, (url) => maskUrl(url))
      .replace(/\b(Bearer|Basic|Digest)\s+[^\s"',;]+/gi, `$1 ${MASK}`)
      // "Token abc123..." as a scheme, not the word in prose ("token expired").
      .replace(/\b(Token)\s+(?=[^\s"',;]*\d)[^\s"',;]{12,}/gi, `$1 ${MASK}`)
      .replace(/\beyJ[\w-]+\.[\w-]+\.[\w-]+/g, MASK)
      // "token": "value" in JSON
      .replace(/("([\w-]*)"\s*:\s*)"([^"]*)"/g, (whole, prefix: string, name: string, value: string) =>
        isSecretName(name) && value ? `${prefix}"${MASK}"` : whole,
      )
      // token=value, Cookie: a=b; c=d, Authorization: value
      .replace(/\b((?:set-)?cookie|authorization|proxy-authorization)\s*:\s*[^\r\n]*/gi, `$1: ${MASK}`)
      .replace(/\b([\w-]+)=([^\s&;,"'<>]+)/g, (whole, name: string, value: string) =>
        value === MASK || !(isSecretName(name) || TOKEN_LIKE.test(value)) ? whole : `${name}=${MASK}`,
      )
  );
}

/** The text the button copies. */
export function buildDiagnostics(input: DiagnosticsInput): string {
  const { rows, plan, pacing } = input;
  const items = rows.flatMap((row) => (row.item ? [row.item] : [])).sort((a, b) => a.seq - b.seq);
  const drafts = rows.filter((row) => !row.item);
  const lines: string[] = [
    'Cadence diagnostics',
    `Copied at: ${iso(input.now)}`,
    `Extension version: ${input.extensionVersion}`,
    `Browser: ${input.userAgent}`,
  ];
  if (pacing) {
    lines.push(
      `Pacing: ${pacing.mode}, delay ${seconds(pacing.delayMs)}, at most ${pacing.concurrency} at once ` +
        `(staggered/adaptive), adaptive floor ${seconds(pacing.adaptiveFloorMs)}, retries ${pacing.maxRetries}, ` +
        `reply timeout ${seconds(pacing.replyTimeoutMs)}, paused: ${pacing.paused ? 'yes' : 'no'}`,
    );
  }
  lines.push(
    `Queue: ${plan.mode}, waiting on ${plan.waitingOn}, ${plan.inFlight} in flight` +
      (plan.nextStartAt === null ? '' : `, next start ${iso(plan.nextStartAt)}`),
  );

  const destinations = new Map<string, DestinationSnapshot>();
  for (const item of items) destinations.set(item.destinationKey, item.destination);
  lines.push('', `Destinations (${destinations.size}):`);
  for (const destination of destinations.values()) lines.push(...describeDestination(destination));

  lines.push('', `Items (${items.length}):`);
  for (const item of items) lines.push(...describeItem(item));
  if (drafts.length > 0) {
    lines.push('', `Not handed over (${drafts.length}):`);
    for (const draft of drafts) {
      lines.push(
        `- ${draft.name} (${draft.originalSize} B): ${draft.phase}${draft.error ? `: ${maskText(draft.error)}` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeDestination(destination: DestinationSnapshot): string[] {
  const lines = [`- ${destination.name}: ${destination.method} ${maskUrl(destination.url)}`];
  if (destination.headers.length > 0) {
    lines.push(`  headers: ${destination.headers.map((header) => maskHeader(header.name, header.value)).join('; ')}`);
  }
  const { body } = destination;
  const fields = (pairs: NameValue[]) =>
    pairs.length === 0
      ? ''
      : `, fields: ${pairs.map((field) => `${field.name}=${field.value ? MASK : '(not shown)'}`).join(', ')}`;
  if (body.kind === 'multipart') lines.push(`  body: multipart, file field "${body.fileField}"${fields(body.fields)}`);
  else if (body.kind === 'form-urlencoded') lines.push(`  body: form-urlencoded${fields(body.fields)}`);
  else if (body.kind === 'json') lines.push(`  body: JSON template (${body.template ? MASK : 'not shown'})`);
  else lines.push('  body: the raw file');
  lines.push(`  cookies sent: ${destination.sendCookies ? 'yes (values never shown)' : 'no'}`);
  return lines;
}

function describeItem(item: QueueItem): string[] {
  const lines = [
    `#${item.seq} ${item.name}: ${item.status}` +
      (item.httpStatus === undefined ? '' : `, HTTP ${item.httpStatus}`) +
      `, ${item.attempts} attempt${item.attempts === 1 ? '' : 's'}` +
      (item.autoRetries ? ` (${item.autoRetries} automatic retr${item.autoRetries === 1 ? 'y' : 'ies'})` : ''),
    `  created ${iso(item.createdAt)}` +
      (item.startedAt === undefined ? '' : `, started ${iso(item.startedAt)}`) +
      (item.finishedAt === undefined ? '' : `, finished ${iso(item.finishedAt)}`) +
      (item.startedAt !== undefined && item.finishedAt !== undefined
        ? ` (${item.finishedAt - item.startedAt} ms)`
        : ''),
    `  size ${item.originalSize} B -> ${item.size} B, ${item.width}x${item.height}, ${item.type}`,
  ];
  if (item.error || item.failureKind) {
    const name = [item.failureKind, item.problem].filter(Boolean).join('/');
    lines.push(`  error [${name}]: ${maskText(item.error ?? '')}`);
  }
  if (item.excerpt) lines.push(`  reply excerpt: ${maskText(item.excerpt)}`);
  if (item.retryAt !== undefined) lines.push(`  next automatic retry ${iso(item.retryAt)}`);
  if (item.resultUrl) lines.push(`  result: ${maskUrl(item.resultUrl)}`);
  for (const attempt of item.attemptLog ?? []) lines.push(`  attempt: ${describeAttempt(attempt)}`);
  return lines;
}

function describeAttempt(attempt: AttemptRecord): string {
  return (
    `${iso(attempt.startedAt)} -> ${iso(attempt.finishedAt)} (${attempt.finishedAt - attempt.startedAt} ms) ` +
    `${attempt.result}${attempt.problem ? `/${attempt.problem}` : ''}` +
    (attempt.httpStatus === undefined ? '' : ` HTTP ${attempt.httpStatus}`) +
    (attempt.holdUntil === undefined ? '' : `, server asked to wait until ${iso(attempt.holdUntil)}`)
  );
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 10) / 100} s`;
}
