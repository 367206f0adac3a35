import type { ComponentChildren } from 'preact';
import { formatBytes, minutesAndSeconds } from '@/utils/format';
import { t } from '@/utils/i18n';
import type { QueueCommand, QueueCounts, QueueItem, QueuePlan } from '@/utils/queue/types';
import { bytesSaved } from '@/utils/queue-view/row-chip';
import { estimateTimeLeft } from '@/utils/queue-view/time-left';
import { PacingStatus } from './PacingStatus';
import { QueueControls } from './QueueControls';
import { QueueCounts as CountsList } from './QueueCounts';
import { ResultsBar } from './ResultsBar';
import { useNow } from './use-now';

/**
 * The batch at a glance, first in the panel: one progress line (done of total,
 * bytes saved, time left from the pace), each other count once, the controls
 * and the results. `children` go beside the results' buttons
 * (room for one more, such as "Copy diagnostics").
 */
export function BatchBar({
  items,
  plan,
  counts,
  onCommand,
  children,
}: {
  items: QueueItem[];
  plan: QueuePlan;
  counts: QueueCounts;
  onCommand: (command: QueueCommand) => void;
  children?: ComponentChildren;
}) {
  const total = items.length - counts.cancelled;
  const saved = bytesSaved(items);
  return (
    <div class="batch-bar" data-testid="batch-bar">
      {/* One progress line: the bar and done-of-total say it once; the counts below leave "done" out. */}
      <div class="batch-summary">
        <progress class="batch-progress" max={Math.max(total, 1)} value={counts.done} aria-hidden="true" />
        <strong data-testid="batch-done" data-done={counts.done} data-total={total}>
          {t('batchDone', String(counts.done), String(total))}
        </strong>
        {counts.unconfirmed > 0 && (
          <span class="muted" data-testid="batch-unconfirmed" data-unconfirmed={counts.unconfirmed}>
            {t('batchUnconfirmed', String(counts.unconfirmed))}
          </span>
        )}
        <span data-testid="batch-saved" data-bytes={saved}>
          {t('batchSaved', formatBytes(saved))}
        </span>
        <TimeLeftText items={items} plan={plan} pending={counts.queued + counts.uploading > 0} />
      </div>
      <CountsList counts={counts} withDone={false} />
      <QueueControls plan={plan} counts={counts} onCommand={onCommand} />
      <PacingStatus plan={plan} />
      <div class="batch-actions">
        <ResultsBar items={items} />
        {children}
      </div>
    </div>
  );
}

/** The one part of the bar that ticks: only it re-renders each second, not the counts, controls and results. */
function TimeLeftText({ items, plan, pending }: { items: QueueItem[]; plan: QueuePlan; pending: boolean }) {
  // A timer only while something is left.
  const now = useNow(pending);
  const timeLeft = estimateTimeLeft(items, plan, now);
  if (timeLeft.kind === 'none') return null;
  if (timeLeft.kind === 'paused') {
    return (
      <span class="muted" data-testid="batch-time-left" data-kind="paused">
        {t('timeLeftPaused')}
      </span>
    );
  }
  const { minutes, seconds } = minutesAndSeconds(timeLeft.ms);
  const amount =
    minutes > 0 ? t('durationMinutesSeconds', String(minutes), String(seconds)) : t('durationSeconds', String(seconds));
  return (
    <span
      class="muted"
      data-testid="batch-time-left"
      data-kind="estimate"
      data-ms={timeLeft.ms}
      title={timeLeft.measured ? undefined : t('timeLeftPaceOnly')}
    >
      {t(timeLeft.measured ? 'timeLeft' : 'timeLeftAtLeast', amount)}
    </span>
  );
}
