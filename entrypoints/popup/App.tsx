import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { DiagnosticsButton } from '@/components/DiagnosticsButton';
import { PacingStatus } from '@/components/PacingStatus';
import { QueueControls } from '@/components/QueueControls';
import { QueueCounts } from '@/components/QueueCounts';
import { SourceGroups } from '@/components/SourceGroups';
import { StorageUse } from '@/components/StorageUse';
import { UploadProgress } from '@/components/UploadProgress';
import { useQueueFeed } from '@/hooks/use-queue-feed';
import { useSetting } from '@/hooks/use-setting';
import {
  type DestinationSummary,
  readDestinationSummaries,
  watchDestinationSummaries,
} from '@/utils/destination-summary';
import { formatBytes } from '@/utils/format';
import { t } from '@/utils/i18n';
import { sendMessage } from '@/utils/messages';
import {
  countByStatus,
  countsKey,
  finishedCount,
  IDLE_PLAN,
  type QueueCommand,
  type QueueItem,
  type QueuePlan,
  type QueueSnapshot,
} from '@/utils/queue/types';
import { rowFromItem } from '@/utils/queue-view/panel-rows';
import { bytesSaved } from '@/utils/queue-view/row-chip';
import { groupBySource } from '@/utils/queue-view/sources';
import { activeDestinationIdSetting } from '@/utils/settings';

export function App() {
  const [items, setItems] = useState<Map<string, QueueItem>>(new Map());
  const [plan, setPlan] = useState<QueuePlan>(IDLE_PLAN);
  const [openError, setOpenError] = useState(false);
  const [destinations, setDestinations] = useState<DestinationSummary[]>([]);
  const [activeId, saveActiveId] = useSetting(activeDestinationIdSetting);

  useEffect(() => {
    void readDestinationSummaries().then(setDestinations);
    return watchDestinationSummaries(setDestinations);
  }, []);

  useQueueFeed({
    onItemChanged(item, next) {
      setItems((current) => new Map(current).set(item.id, item));
      setPlan(next);
    },
    onItemsRemoved(removed) {
      setItems((current) => {
        const next = new Map(current);
        for (const id of removed) next.delete(id);
        return next;
      });
    },
    onPlanChanged: setPlan,
    onSnapshot: showSnapshot,
  });

  function showSnapshot(snapshot: QueueSnapshot) {
    setItems(new Map(snapshot.items.map((item) => [item.id, item])));
    setPlan(snapshot.plan);
  }

  function onCommand(command: QueueCommand) {
    void sendMessage('queue/control', command).then(showSnapshot);
  }

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

  const all = [...items.values()];
  const uploading = all.filter((item) => item.status === 'uploading');
  const counts = countByStatus(all);
  const handedOver = all.filter((item) => item.status !== 'cancelled');
  return (
    <main class="popup" style={{ width: '320px' }}>
      <header class="bar">
        <h1>{t('extName')}</h1>
        <a href={browser.runtime.getURL('/options.html')} target="_blank" rel="noopener">
          {t('openOptions')}
        </a>
      </header>
      <div class="section">
        <QueueCounts counts={counts} />
        {handedOver.length > 0 && (
          <p class="muted" data-testid="saved-total" data-bytes={bytesSaved(handedOver)}>
            {t('batchSaved', formatBytes(bytesSaved(handedOver)))}
          </p>
        )}
        {uploading.length > 0 && (
          <div class="muted" data-testid="current-item">
            {t('statusUploading')}: {uploading.map((item) => item.name).join(', ')}
            {uploading.map((item) => (
              <UploadProgress key={item.id} item={item} />
            ))}
          </div>
        )}
        <PacingStatus plan={plan} />
        <QueueControls plan={plan} counts={counts} onCommand={onCommand} />
        {all.length > 0 && (
          <>
            <h2 class="popup-heading">{t('batchesHeading')}</h2>
            <SourceGroups groups={groupBySource(all)} />
          </>
        )}
        {destinations.length > 0 && (
          <label>
            {t('destinationLabel')}
            <select
              data-testid="popup-destination"
              value={activeId ?? ''}
              onChange={(event) => {
                void saveActiveId(event.currentTarget.value);
              }}
            >
              {destinations.map((destination) => (
                <option key={destination.id} value={destination.id}>
                  {destination.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <p>
          <button type="button" class="primary" data-testid="open-panel" onClick={() => void uploadOnThisPage()}>
            {t('uploadOnThisPage')}
          </button>
        </p>
        {openError && <p class="field-error">{t('cannotOpenHere')}</p>}
        <div class="footer-row">
          <StorageUse revision={countsKey(counts)} />
          <button
            type="button"
            data-testid="clear-finished"
            disabled={finishedCount(counts) === 0}
            onClick={() => void sendMessage('queue/clear-finished', undefined)}
          >
            {t('clearFinished')}
          </button>
        </div>
        <DiagnosticsButton rows={[...items.values()].map(rowFromItem)} plan={plan} />
      </div>
    </main>
  );
}
