import { type Localized, localized } from '../localized';
import type { PlanQuota } from '../queue/types';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The words for a destination's rate limit and the next start it allows:
 * "Host allows 50 an hour: next at 14:05" when the server told the quota and
 * its window, "Host allows 3 more until 14:05: next at 13:40" when it told
 * only what is left, "Host says too many uploads: next at 14:05" for a body.
 * `clock` writes a time in the UI's language.
 */
export function quotaWords(quota: PlanQuota, nextAt: number, clock: (time: number) => string): Localized {
  const next = clock(nextAt);
  if (quota.source === 'body') return localized('quotaBody', next);
  if (quota.source === 'retry-after') return localized('quotaRetryAfter', next);
  const { limit, windowMs } = quota;
  if (limit === undefined || windowMs === undefined)
    return localized('quotaLeft', String(quota.left), clock(quota.resetAt), next);
  const count = String(limit);
  if (windowMs === HOUR_MS) return localized('quotaPerHour', count, next);
  if (windowMs === MINUTE_MS) return localized('quotaPerMinute', count, next);
  if (windowMs === DAY_MS) return localized('quotaPerDay', count, next);
  return localized('quotaPerSeconds', count, String(Math.round(windowMs / 1000)), next);
}

/** Seconds matter only for a wait shorter than an hour; an hour's hold reads better as 14:05. */
export function clockFor(locale: string, now: number): (time: number) => string {
  return (time) =>
    new Date(time).toLocaleTimeString(locale, {
      hour: '2-digit',
      minute: '2-digit',
      ...(time - now < HOUR_MS ? { second: '2-digit' } : {}),
    });
}
