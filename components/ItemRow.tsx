import { isHttpUrl } from '@/utils/destinations/model';
import { formatBytes, formatDuration } from '@/utils/format';
import type { MessageKey } from '@/utils/i18n';
import { t } from '@/utils/i18n';
import { type PanelRow, type RowStatus, rowStatus } from '@/utils/queue/panel-rows';

const STATUS_TEXT: Record<RowStatus, MessageKey> = {
  compressing: 'statusCompressing',
  'handing-over': 'statusHandingOver',
  error: 'statusFailed',
  queued: 'statusQueued',
  uploading: 'statusUploading',
  done: 'statusDone',
  failed: 'statusFailed',
};

export function ItemRow({ row }: { row: PanelRow }) {
  const status = rowStatus(row);
  const error = row.item?.error ?? row.error;
  const { compressed, item } = row;
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
      ) : item?.thumbnailUrl && isHttpUrl(item.thumbnailUrl) ? (
        // The server's thumbnail, when this panel did not compress the image itself
        // (opened later, or on another tab). Only http(s) sources.
        <img
          class="remote-thumb"
          src={item.thumbnailUrl}
          alt=""
          referrerPolicy="no-referrer"
          data-testid="remote-thumbnail"
        />
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
          <div class="item-error" role="alert" data-testid="item-error">
            {error}
          </div>
        )}
      </div>
      <div class="item-status">
        <span class={`chip chip-${status}`}>{t(STATUS_TEXT[status])}</span>
        <span>
          {item?.httpStatus !== undefined && <span class="http-status">HTTP {item.httpStatus}</span>}
          {uploadMs !== undefined && <span class="duration"> · {formatDuration(uploadMs)}</span>}
        </span>
        {item?.resultUrl && <ResultUrl url={item.resultUrl} label={t('openResult')} testId="result-link" />}
        {item?.thumbnailUrl && <ResultUrl url={item.thumbnailUrl} label={t('thumbnailLink')} testId="thumbnail-link" />}
        {item?.deletionUrl && <ResultUrl url={item.deletionUrl} label={t('deletionLink')} testId="deletion-link" />}
      </div>
    </li>
  );
}

/** Only http(s) URLs become links; anything else a server sent is shown as text, never followed. */
function ResultUrl({ url, label, testId }: { url: string; label: string; testId: string }) {
  return isHttpUrl(url) ? (
    <a href={url} target="_blank" rel="noopener noreferrer" data-testid={testId} title={url}>
      {label}
    </a>
  ) : (
    <span class="url-text" data-testid={`${testId}-text`}>
      {url}
    </span>
  );
}
