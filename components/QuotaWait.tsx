import { tl, uiLocale } from '@/utils/i18n';
import type { PlanQuota } from '@/utils/queue/types';
import { clockFor, quotaWords } from '@/utils/queue-view/quota-words';

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
      {tl(quotaWords(quota, at, clockFor(uiLocale(), Date.now())))}
    </p>
  );
}
