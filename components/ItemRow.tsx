import { memo } from 'preact/compat';
import type { KeptOriginalReason } from '@/utils/compress/compress-image';
import { isHttpUrl } from '@/utils/destinations/model';
import { formatBytes, formatDuration, hostOf, secondsUntil } from '@/utils/format';
import type { MessageKey } from '@/utils/i18n';
import { t, uiLocale } from '@/utils/i18n';
import type { FailureKind, QueueCommand, ReplyProblem } from '@/utils/queue/types';
import { type PanelRow, type RowStatus, rowStatus } from '@/utils/queue-view/panel-rows';
import { type ChipDetail, chipDetail, chipTicks, percentSaved } from '@/utils/queue-view/row-chip';
import { UploadProgress } from './UploadProgress';
import { useNow } from './use-now';

const STATUS_TEXT: Record<RowStatus, MessageKey> = {
  compressing: 'statusCompressing',
  'handing-over': 'statusHandingOver',
  held: 'statusHeld',
  error: 'statusFailed',
  queued: 'statusQueued',
  uploading: 'statusUploading',
  done: 'statusDone',
  unconfirmed: 'statusUnconfirmed',
  'already-uploaded': 'statusAlreadyUploaded',
  failed: 'statusFailed',
  cancelled: 'statusCancelled',
};

const SEND_TEXT: Record<NonNullable<PanelRow['sendable']>['action'], MessageKey> = {
  'send-anyway': 'sendAnyway',
  'send-original': 'sendOriginal',
  'try-again': 'tryAgain',
};

const NOTE_TEXT: Record<KeptOriginalReason, MessageKey> = {
  'not-smaller': 'sentOriginal',
  'original-preset': 'noteOriginalPreset',
  animated: 'noteAnimated',
  vector: 'noteVector',
};

const FAILURE_TEXT: Record<FailureKind, MessageKey> = {
  reset: 'failureReset',
  timeout: 'failureTimeout',
  http: 'failureHttp',
  unreadable: 'failureUnreadable',
  file: 'failureFile',
  permission: 'failurePermission',
  cancelled: 'failureCancelled',
};

const PROBLEM_TEXT: Record<ReplyProblem, MessageKey> = {
  'html-page': 'problemHtmlPage',
  'invalid-json': 'problemInvalidJson',
  'sign-in-redirect': 'problemSignInRedirect',
  'sign-in-required': 'problemSignInRequired',
  forbidden: 'problemForbidden',
  'too-large-for-server': 'problemTooLargeForServer',
  'rate-limited': 'problemRateLimited',
  'reply-never-finished': 'problemReplyNeverFinished',
  'closed-mid-reply': 'problemClosedMidReply',
  'reply-too-large': 'problemReplyTooLarge',
  'signed-out': 'problemSignedOut',
  'form-error': 'problemFormError',
  'page-did-not-upload': 'problemPageDidNotUpload',
  'page-showed-error': 'problemPageShowedError',
  'page-unreachable': 'problemPageUnreachable',
  'storage-refused': 'problemStorageRefused',
};

/**
 * One row of the list. Memoized: a change to one item re-renders that row
 * only, as long as the list passes stable callbacks and `nextStartAt` only to
 * the row it is for (a 500-row list applies a change in about a millisecond;
 * see scripts/bench-list.ts). Only rows with a ticking chip run a timer.
 */
export const ItemRow = memo(function ItemRow({
  row,
  nextStartAt = null,
  onSend,
  onCommand,
}: {
  row: PanelRow;
  /** The plan's next start, given only to the row it is for. */
  nextStartAt?: number | null;
  onSend?: (id: string) => void;
  onCommand?: (command: QueueCommand) => void;
}) {
  const status = rowStatus(row);
  const error = row.item?.error ?? row.error;
  const { compressed, item } = row;
  const retryAt = status === 'queued' ? item?.retryAt : undefined;
  const now = useNow(chipTicks(row, nextStartAt));
  const detail = chipDetail(row, nextStartAt, now);
  const saved = compressed ? percentSaved(row.originalSize, compressed.size) : undefined;
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
      data-note={compressed?.note}
      data-converted-from={compressed?.convertedFrom}
      data-progress={status === 'compressing' ? Math.round((row.progress ?? 0) * 100) : undefined}
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
        <div class="item-name" title={row.name} translate={false}>
          {item?.name ?? row.name}
        </div>
        <div class="item-sizes">
          <span data-testid="original-size">{formatBytes(row.originalSize)}</span>
          {compressed && (
            <>
              {' → '}
              <span data-testid="compressed-size">{formatBytes(compressed.size)}</span>
              {saved !== undefined && (
                <span class="saved" data-testid="percent-saved">
                  {' '}
                  (−{saved}%)
                </span>
              )}
              {compressed.width > 0 && ` · ${compressed.width}×${compressed.height}`}
              {compressed.convertedFrom === 'HEIC' && (
                <span class="note" data-testid="item-converted">
                  {' · '}
                  {t('noteFromHeic')}
                </span>
              )}
              {compressed.keptOriginal && (
                <span class="note" data-testid="item-note">
                  {' · '}
                  {t(NOTE_TEXT[compressed.note ?? 'not-smaller'])}
                </span>
              )}
            </>
          )}
        </div>
        {status === 'compressing' && (
          <progress
            class="item-progress"
            data-testid="compress-progress"
            max={100}
            value={Math.round((row.progress ?? 0) * 100)}
            aria-label={t('compressProgress', String(Math.round((row.progress ?? 0) * 100)))}
          />
        )}
        {item && <UploadProgress item={item} />}
        {error && (
          <div
            class="item-error"
            role="alert"
            data-testid="item-error"
            data-failure={failureKind}
            data-problem={item?.problem}
            title={item?.problem ? error : undefined}
          >
            {item?.problem ? (
              // The reply's own failure by name; the server's words follow, as text only.
              <>
                <span data-testid="item-problem">{t(PROBLEM_TEXT[item.problem], hostOf(item.destination.url))}</span>
                {item.excerpt && (
                  <>
                    {' · '}
                    {t('replyExcerptLabel')}:{' '}
                    <q class="excerpt" data-testid="item-excerpt" translate={false}>
                      {item.excerpt}
                    </q>
                  </>
                )}
              </>
            ) : (
              <>
                {failureKind && failureKind !== 'cancelled' && `${t(FAILURE_TEXT[failureKind])}: `}
                {error}
              </>
            )}
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
        {status === 'already-uploaded' && item?.alreadyUploaded && (
          <div class="item-note" data-testid="already-uploaded" data-by={item.alreadyUploaded.by}>
            {t('alreadyUploadedDetail', new Date(item.alreadyUploaded.at).toLocaleString(uiLocale()))}
          </div>
        )}
        {row.sendable && onSend && (
          <button type="button" data-testid="send-anyway" onClick={() => onSend(row.id)}>
            {t(SEND_TEXT[row.sendable.action])}
          </button>
        )}
      </div>
      <div class="item-status">
        <span class={`chip chip-${status}`} data-testid="status-chip" data-detail={detail?.kind}>
          {status === 'queued' && item?.pageGone
            ? t(item.pageGone === 'closed' ? 'statusPageClosed' : 'statusPageLeft')
            : t(STATUS_TEXT[status])}
          {detail && !item?.pageGone && ` · ${chipDetailText(detail)}`}
          {/* Its place in line, counted by CSS (ui.css): no row re-renders when the line moves. */}
          {status === 'queued' && !detail && <span class="queue-position" data-testid="queue-position" />}
        </span>
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
        {onCommand && item && status === 'already-uploaded' && (
          <button
            type="button"
            class="row-action"
            data-testid="send-again"
            onClick={() => onCommand({ kind: 'send-again', itemId: item.id })}
          >
            {t('sendAgainAnyway')}
          </button>
        )}
        {item?.resultUrl && <ResultUrl url={item.resultUrl} label={t('openResult')} testId="result-link" />}
        {item?.thumbnailUrl && <ResultUrl url={item.thumbnailUrl} label={t('thumbnailLink')} testId="thumbnail-link" />}
        {item?.deletionUrl && <ResultUrl url={item.deletionUrl} label={t('deletionLink')} testId="deletion-link" />}
      </div>
    </li>
  );
});

function chipDetailText(detail: ChipDetail): string {
  switch (detail.kind) {
    case 'percent':
      return `${detail.value}%`;
    case 'starts-in':
      return t('chipStartsIn', String(detail.seconds));
    case 'elapsed':
      return t('chipElapsed', String(detail.seconds));
  }
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
