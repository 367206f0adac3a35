import { useEffect, useState } from 'preact/hooks';
import { isHttpUrl } from '@/utils/destinations/model';
import { formatBytes, hostOf } from '@/utils/format';
import { t, uiLocale } from '@/utils/i18n';
import type { LedgerEntry } from '@/utils/ledger/types';
import { sendMessage } from '@/utils/messages';

/** Entries shown at once; the search narrows the rest down. */
const SHOWN = 100;

/**
 * The options' upload history: the ledger (what each destination already
 * received), searchable and clearable, each entry with its thumbnail, its
 * link, and "Delete from host" where the host gave a deletion URL. The
 * background holds the ledger and makes the deletion request.
 */
export function UploadHistory() {
  const [text, setText] = useState('');
  const [listed, setListed] = useState<{ entries: LedgerEntry[]; total: number }>({ entries: [], total: 0 });
  const [revision, setRevision] = useState(0);
  const [notice, setNotice] = useState<{ id: string; text: string; ok: boolean } | undefined>();

  useEffect(() => {
    let current = true;
    sendMessage('ledger/list', { text, limit: SHOWN })
      .then((result) => current && setListed(result))
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [text, revision]);

  async function clear() {
    if (!window.confirm(t('historyClearConfirm'))) return;
    await sendMessage('ledger/clear', undefined);
    setRevision((n) => n + 1);
  }

  async function deleteFromHost(entry: LedgerEntry) {
    if (!window.confirm(t('deleteFromHostConfirm', entry.name, hostOf(entry.deletionUrl ?? '')))) return;
    const result = await sendMessage('ledger/delete-from-host', { id: entry.id });
    setNotice({
      id: entry.id,
      ok: result.ok,
      text: result.ok ? t('deleteFromHostDone') : t('deleteFromHostFailed', result.error),
    });
    if (result.ok) setRevision((n) => n + 1);
  }

  return (
    <div data-testid="upload-history">
      <p class="muted">{t('historyIntro')}</p>
      <div class="footer-row">
        <input
          type="search"
          data-testid="history-search"
          aria-label={t('historySearch')}
          placeholder={t('historySearch')}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <span class="muted" data-testid="history-count" data-total={listed.total}>
          {t('historyCount', String(listed.entries.length), String(listed.total))}
        </span>
        <button type="button" data-testid="history-clear" disabled={listed.total === 0} onClick={() => void clear()}>
          {t('historyClear')}
        </button>
      </div>
      {notice && (
        <p class={notice.ok ? 'muted' : 'field-error'} role="status" data-testid="history-notice">
          {notice.text}
        </p>
      )}
      {listed.entries.length === 0 ? (
        <p class="muted">{t('historyEmpty')}</p>
      ) : (
        <ul class="history-list">
          {listed.entries.map((entry) => (
            <li key={entry.id} class="history-entry" data-testid="history-entry" data-entry-id={entry.id}>
              {entry.thumbnailUrl && isHttpUrl(entry.thumbnailUrl) ? (
                <img class="remote-thumb" src={entry.thumbnailUrl} alt="" referrerPolicy="no-referrer" />
              ) : (
                <div class="remote-thumb" aria-hidden="true" />
              )}
              <div class="item-main">
                <div class="item-name" translate={false} data-testid="history-name">
                  {entry.name}
                </div>
                <div class="muted">
                  {entry.destinationName} · {formatBytes(entry.size)} · {new Date(entry.at).toLocaleString(uiLocale())}
                </div>
              </div>
              <span class="row-actions">
                {entry.resultUrl && isHttpUrl(entry.resultUrl) && (
                  <a
                    href={entry.resultUrl}
                    target="_blank"
                    rel="noopener noreferrer"
                    data-testid="history-link"
                    title={entry.resultUrl}
                  >
                    {t('openResult')}
                  </a>
                )}
                {entry.deletionUrl && isHttpUrl(entry.deletionUrl) && (
                  <button type="button" data-testid="delete-from-host" onClick={() => void deleteFromHost(entry)}>
                    {t('deleteFromHost')}
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
