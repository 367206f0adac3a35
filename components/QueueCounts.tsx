import { t } from '@/utils/i18n';
import type { QueueCounts as Counts } from '@/utils/queue/types';

/** Each status's count; `withDone={false}` where a progress line already says how many are done. */
export function QueueCounts({ counts, withDone = true }: { counts: Counts; withDone?: boolean }) {
  return (
    <dl class="counts" data-testid="queue-counts">
      <div data-count="queued">
        <dt>{t('countQueued')}</dt>
        <dd>{counts.queued}</dd>
      </div>
      <div data-count="uploading">
        <dt>{t('countUploading')}</dt>
        <dd>{counts.uploading}</dd>
      </div>
      {withDone && (
        <div data-count="done">
          <dt>{t('countDone')}</dt>
          <dd>{counts.done}</dd>
        </div>
      )}
      {counts.unconfirmed > 0 && (
        <div data-count="unconfirmed">
          <dt>{t('countUnconfirmed')}</dt>
          <dd>{counts.unconfirmed}</dd>
        </div>
      )}
      <div data-count="failed">
        <dt>{t('countFailed')}</dt>
        <dd>{counts.failed}</dd>
      </div>
      {counts.cancelled > 0 && (
        <div data-count="cancelled">
          <dt>{t('countCancelled')}</dt>
          <dd>{counts.cancelled}</dd>
        </div>
      )}
    </dl>
  );
}
