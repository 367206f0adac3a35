import { formatSeconds, secondsUntil } from '@/utils/format';
import { t } from '@/utils/i18n';
import type { QueuePlan } from '@/utils/queue/types';
import { NextStart } from './NextStart';
import { QuotaWait } from './QuotaWait';
import { useNow } from './use-now';

/** The visible pace of the next item's destination: the mode, the countdown to the next start, and what the next start waits on. */
export function PacingStatus({ plan }: { plan: QueuePlan }) {
  const holdUntil = plan.serverHoldUntil;
  const now = useNow(holdUntil !== undefined);
  const gap = formatSeconds(plan.gapMs);
  const cap = String(plan.concurrency);
  const modeText =
    plan.mode === 'sequential'
      ? t('modeSequential', gap)
      : plan.mode === 'staggered'
        ? t('modeStaggered', gap, cap)
        : t('modeAdaptive', gap, cap);
  return (
    <div class="pacing-status" data-testid="pacing-status" data-mode={plan.mode} data-waiting-on={plan.waitingOn}>
      <p class="muted" data-testid="pacing-mode">
        {plan.destinationName !== undefined && (
          // Each destination may have its own pace: say whose this is.
          <span data-testid="pacing-destination">{t('pacingDestination', plan.destinationName)} · </span>
        )}
        {modeText}
      </p>
      {holdUntil !== undefined && holdUntil > now && (
        <p class="server-hold" role="status" data-testid="server-hold" data-until={holdUntil}>
          {t('waitingServer', String(secondsUntil(holdUntil, now)))}
        </p>
      )}
      {plan.waitingOn === 'quota' && plan.quota && plan.nextStartAt !== null && (
        <QuotaWait quota={plan.quota} at={plan.nextStartAt} />
      )}
      {plan.waitingOn === 'paused' && (
        <p class="waiting" data-testid="waiting-on">
          {t('waitingPaused')}
        </p>
      )}
      {plan.waitingOn === 'finish' && (
        <p class="waiting muted" data-testid="waiting-on">
          {t('waitingFinish')}
        </p>
      )}
      {plan.waitingOn === 'slot' && (
        <p class="waiting muted" data-testid="waiting-on">
          {t('waitingSlot', String(plan.inFlight))}
        </p>
      )}
      {plan.waitingOn === 'retry' && plan.itemName !== undefined && (
        <p class="waiting muted" data-testid="waiting-on">
          {t('waitingRetry', plan.itemName)}
        </p>
      )}
      <NextStart at={plan.nextStartAt} />
    </div>
  );
}
