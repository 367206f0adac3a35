import { formatBytes } from '@/utils/format';
import { t } from '@/utils/i18n';
import type { SourceGroup } from '@/utils/queue-view/sources';

/** Every page's batch: its page, what uploads now, done of total and bytes saved. */
export function SourceGroups({ groups }: { groups: SourceGroup[] }) {
  if (groups.length === 0) return null;
  return (
    <ul class="source-groups" data-testid="source-groups">
      {groups.map((group) => (
        <li
          key={group.key}
          class="source-group"
          data-testid="source-group"
          data-origin={group.origin}
          data-done={group.counts.done}
          data-total={group.total}
          data-queued={group.counts.queued}
        >
          <div class="source-title" title={group.origin}>
            {group.title ?? group.origin ?? t('sourceUnknown')}
          </div>
          {group.title && group.origin && <div class="muted source-origin">{group.origin}</div>}
          <div class="source-line">
            <strong>{t('batchDone', String(group.counts.done), String(group.total))}</strong>
            {group.savedBytes > 0 && <span class="muted">{t('batchSaved', formatBytes(group.savedBytes))}</span>}
            {group.counts.unconfirmed > 0 && (
              <span class="muted" data-testid="source-unconfirmed">
                {t('batchUnconfirmed', String(group.counts.unconfirmed))}
              </span>
            )}
            {group.counts.failed > 0 && (
              <span class="field-error">{t('sourceFailed', String(group.counts.failed))}</span>
            )}
          </div>
          {group.waitingForPage.map((held) => (
            <div
              key={`${held.destination}:${held.why}`}
              class="source-page-gone"
              data-testid="source-page-gone"
              data-why={held.why}
              data-count={held.count}
            >
              {t(held.why === 'closed' ? 'sourcePageClosed' : 'sourcePageLeft', String(held.count), held.destination)}
            </div>
          ))}
          {group.uploading.length > 0 && (
            <div class="muted source-current" data-testid="source-current">
              {t('statusUploading')}: {group.uploading.join(', ')}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
