import { formatBytes, formatDuration, secondsUntil } from '@/utils/format';
import type { MessageKey } from '@/utils/i18n';
import { t } from '@/utils/i18n';
import { type PanelRow, type RowStatus, rowStatus } from '@/utils/queue/panel-rows';
import type { FailureKind, QueueCommand } from '@/utils/queue/types';
import { useNow } from './use-now';

const STATUS_TEXT: Record<RowStatus, MessageKey> = {
  compressing: 'statusCompressing',
  'handing-over': 'statusHandingOver',
  error: 'statusFailed',
  queued: 'statusQueued',
  uploading: 'statusUploading',
  done: 'statusDone',
  failed: 'statusFailed',
  cancelled: 'statusCancelled',
};

const FAILURE_TEXT: Record<FailureKind, MessageKey> = {
  reset: 'failureReset',
  timeout: 'failureTimeout',
  http: 'failureHttp',
  unreadable: 'failureUnreadable',
  file: 'failureFile',
  cancelled: 'failureCancelled',
};

export function ItemRow({ row, onCommand }: { row: PanelRow; onCommand?: (command: QueueCommand) => void }) {
  const status = rowStatus(row);
  const error = row.item?.error ?? row.error;
  const { compressed, item } = row;
  const retryAt = status === 'queued' ? item?.retryAt : undefined;
  const now = useNow(retryAt !== undefined);
  const failureKind = item?.failureKind;
  const uploadMs =
    item?.startedAt !== undefined && item.finishedAt !== undefined ? item.finishedAt - item.startedAt : undefined;
  return (
    <li
      class={`item-row status-${status}`}
      data-testid="item-row"
      data-item-id={row.id}
      data-status={status}
      data-original-size={row.originalSize}
      data-size={compressed?.size}
      data-started-at={item?.startedAt}
      data-finished-at={item?.finishedAt}
    >
      {row.thumbnailUrl ? (
        <img class="thumb" src={row.thumbnailUrl} alt="" />
      ) : (
        <div class="thumb" aria-hidden="true" />
      )}
      <div class="item-main">
        <div class="item-name" title={row.name}>
          {item?.name ?? row.name}
        </div>
        <div class="item-sizes">
          <span data-testid="original-size">{formatBytes(row.originalSize)}</span>
          {compressed && (
            <>
              {' → '}
              <span data-testid="compressed-size">{formatBytes(compressed.size)}</span>
              {compressed.size < row.originalSize &&
                ` (−${Math.round((1 - compressed.size / row.originalSize) * 100)}%)`}
              {` · ${compressed.width}×${compressed.height}`}
              {compressed.keptOriginal && <span class="note"> · {t('sentOriginal')}</span>}
            </>
          )}
        </div>
        {error && (
          <div class="item-error" role="alert" data-testid="item-error" data-failure={failureKind}>
            {failureKind && failureKind !== 'cancelled' && `${t(FAILURE_TEXT[failureKind])}: `}
            {error}
            {retryAt !== undefined && retryAt > now && (
              <span class="retry-note" data-testid="retry-in" data-at={retryAt}>
                {' · '}
                {t('retryIn', String(secondsUntil(retryAt, now)))}
              </span>
            )}
            {status === 'failed' && failureKind !== undefined && !item?.autoRetries && (
              <span class="retry-note"> · {t('notRetried')}</span>
            )}
          </div>
        )}
      </div>
      <div class="item-status">
        <span class={`chip chip-${status}`}>{t(STATUS_TEXT[status])}</span>
        <span>
          {item?.httpStatus !== undefined && <span class="http-status">HTTP {item.httpStatus}</span>}
          {uploadMs !== undefined && <span class="duration"> · {formatDuration(uploadMs)}</span>}
        </span>
        {onCommand && item && (status === 'queued' || status === 'uploading') && (
          <button
            type="button"
            class="row-action"
            data-testid="cancel-item"
            onClick={() => onCommand({ kind: 'cancel', itemId: item.id })}
          >
            {t('cancelItem')}
          </button>
        )}
        {onCommand && item && status === 'failed' && (
          <button
            type="button"
            class="row-action"
            data-testid="retry-item"
            onClick={() => onCommand({ kind: 'retry', itemId: item.id })}
          >
            {t('retryItem')}
          </button>
        )}
        {item?.resultUrl && (
          <a href={item.resultUrl} target="_blank" rel="noopener noreferrer" data-testid="result-link">
            {t('openResult')}
          </a>
        )}
      </div>
    </li>
  );
}
