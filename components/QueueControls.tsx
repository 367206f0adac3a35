import { t } from '@/utils/i18n';
import type { QueueCommand, QueueCounts, QueuePlan } from '@/utils/queue/types';

/** Pause or resume, cancel all, retry every failed item: the same bar in the panel and the popup. */
export function QueueControls({
  plan,
  counts,
  onCommand,
}: {
  plan: QueuePlan;
  counts: QueueCounts;
  onCommand: (command: QueueCommand) => void;
}) {
  const unfinished = counts.queued + counts.uploading;
  return (
    <div class="controls" data-testid="queue-controls">
      {plan.paused ? (
        <button type="button" class="primary" data-testid="resume" onClick={() => onCommand({ kind: 'resume' })}>
          {t('resume')}
        </button>
      ) : (
        <button type="button" data-testid="pause" onClick={() => onCommand({ kind: 'pause' })}>
          {t('pause')}
        </button>
      )}
      <button
        type="button"
        data-testid="cancel-all"
        disabled={unfinished === 0}
        onClick={() => onCommand({ kind: 'cancel-all' })}
      >
        {t('cancelAll')}
      </button>
      {counts.failed > 0 && (
        <button type="button" data-testid="retry-failed" onClick={() => onCommand({ kind: 'retry-failed' })}>
          {t('retryFailed', String(counts.failed))}
        </button>
      )}
    </div>
  );
}
