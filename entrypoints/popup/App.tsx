import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { NextStart } from '@/components/NextStart';
import { QueueCounts } from '@/components/QueueCounts';
import { t } from '@/utils/i18n';
import { onMessage, sendMessage } from '@/utils/messages';
import { countByStatus, type QueueItem } from '@/utils/queue/types';

export function App() {
  const [items, setItems] = useState<Map<string, QueueItem>>(new Map());
  const [nextStartAt, setNextStartAt] = useState<number | null>(null);
  const [openError, setOpenError] = useState(false);

  useEffect(() => {
    const stop = onMessage('queue/item-changed', ({ data }) => {
      setItems((current) => new Map(current).set(data.item.id, data.item));
      setNextStartAt(data.nextStartAt);
    });
    void sendMessage('queue/get', undefined).then((snapshot) => {
      setItems(new Map(snapshot.items.map((item) => [item.id, item])));
      setNextStartAt(snapshot.nextStartAt);
    });
    return stop;
  }, []);

  async function uploadOnThisPage() {
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    try {
      if (tab?.id === undefined) throw new Error('no active tab');
      await sendMessage('panel/open', { tabId: tab.id });
      window.close();
    } catch {
      setOpenError(true);
    }
  }

  const uploading = [...items.values()].find((item) => item.status === 'uploading');
  return (
    <main class="popup" style={{ width: '320px' }}>
      <header class="bar">
        <h1>{t('extName')}</h1>
        <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noopener">
          {t('openOptions')}
        </a>
      </header>
      <div class="section">
        <QueueCounts counts={countByStatus([...items.values()])} />
        {uploading && (
          <p class="muted" data-testid="current-item">
            {t('statusUploading')}: {uploading.name}
          </p>
        )}
        <NextStart at={nextStartAt} />
        <p>
          <button type="button" class="primary" data-testid="open-panel" onClick={() => void uploadOnThisPage()}>
            {t('uploadOnThisPage')}
          </button>
        </p>
        {openError && <p class="field-error">{t('cannotOpenHere')}</p>}
      </div>
    </main>
  );
}
