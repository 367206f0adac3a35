import { t, uiLocale } from '@/utils/i18n';
import type { PlanQuota } from '@/utils/queue/types';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "Host allows 50 an hour: next at 14:05": the destination's rate limit, and when it lets the next upload go. */
export function QuotaWait({ quota, at }: { quota: PlanQuota; at: number }) {
  return (
    <p
      class="quota-wait"
      role="status"
      data-testid="quota-wait"
      data-source={quota.source}
      data-left={quota.left}
      data-until={at}
    >
      {quotaText(quota, at)}
    </p>
  );
}

function quotaText(quota: PlanQuota, at: number): string {
  // Seconds only matter for a short wait; an hour's hold reads better as 14:05.
  const clock = (time: number) =>
    new Date(time).toLocaleTimeString(uiLocale(), {
      hour: '2-digit',
      minute: '2-digit',
      ...(time - Date.now() < HOUR_MS ? { second: '2-digit' } : {}),
    });
  const next = clock(at);
  if (quota.source === 'body') return t('quotaBody', next);
  const { limit, windowMs } = quota;
  if (limit === undefined || windowMs === undefined)
    return t('quotaLeft', String(quota.left), clock(quota.resetAt), next);
  const count = String(limit);
  if (windowMs === HOUR_MS) return t('quotaPerHour', count, next);
  if (windowMs === MINUTE_MS) return t('quotaPerMinute', count, next);
  if (windowMs === DAY_MS) return t('quotaPerDay', count, next);
  return t('quotaPerSeconds', count, String(Math.round(windowMs / 1000)), next);
}
