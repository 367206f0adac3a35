import { useCallback, useRef, useState } from 'preact/hooks';
import { BatchBar } from '@/components/BatchBar';
import { BatchSetupFold } from '@/components/BatchSetupFold';
import { DestinationPicker } from '@/components/DestinationPicker';
import { DiagnosticsButton } from '@/components/DiagnosticsButton';
import { ItemRow } from '@/components/ItemRow';
import { PresetPicker } from '@/components/PresetPicker';
import { SettingsForm } from '@/components/SettingsForm';
import { StorageUse } from '@/components/StorageUse';
import { useQueueFeed } from '@/hooks/use-queue-feed';
import type { DestinationSummary } from '@/utils/destination-summary';
import { formatBytes } from '@/utils/format';
import { t } from '@/utils/i18n';
import { type DestinationChoice, sendMessage } from '@/utils/messages';
import {
  countByStatus,
  countsKey,
  finishedCount,
  IDLE_PLAN,
  type QueueCommand,
  type QueueItem,
  type QueuePlan,
} from '@/utils/queue/types';
import { mergeItem, mergeSnapshot, type PanelRow } from '@/utils/queue-view/panel-rows';
import { bytesSaved } from '@/utils/queue-view/row-chip';
import { useBatchPreset } from './use-batch-preset';
import { useEscapeClose } from './use-escape-close';
import { useHandOver } from './use-hand-over';
import { useListTiming } from './use-list-timing';
import { usePageImages } from './use-page-images';
import { usePaste } from './use-paste';
import { useThumbnailRevoking } from './use-thumbnail-revoking';

export function App() {
  const [rows, setRows] = useState<PanelRow[]>([]);
  // Read by callbacks that must stay the same function for memoized rows (sendHeld).
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const timing = useListTiming(rows);
  useThumbnailRevoking(rows);
  useEscapeClose(closePanel);
  const [plan, setPlan] = useState<QueuePlan>(IDLE_PLAN);
  const [choice, setChoice] = useState<DestinationChoice | null>(null);
  const [choiceName, setChoiceName] = useState<string | undefined>();
  // Read by the paste listener, registered once; files go where the choice was when they were added.
  const choiceRef = useRef<DestinationChoice | null>(null);
  choiceRef.current = choice;
  const destinationUsable = choice !== null;
  const [dragging, setDragging] = useState(false);
  const { preset, setPreset, destinationChosen, compressionPlan } = useBatchPreset();
  const { addFiles, sendHeld } = useHandOver({
    setRows,
    rows: () => rowsRef.current,
    compressionPlan,
    destination: () => choiceRef.current,
  });

  useQueueFeed({
    onItemChanged(item, next) {
      timing.started('cadence:item-changed');
      setRows((current) => mergeItem(current, item));
      setPlan(next);
    },
    onItemsRemoved(removed) {
      setRows((current) => current.filter((row) => !removed.has(row.id)));
    },
    onPlanChanged: setPlan,
    onSnapshot(snapshot) {
      timing.started('cadence:snapshot');
      setRows((current) => mergeSnapshot(current, snapshot.items));
      setPlan(snapshot.plan);
    },
  });
  usePaste(addFiles);
  usePageImages(destinationUsable, addFiles, setRows);

  function onDestinationChange(next: DestinationChoice | null, saved?: DestinationSummary) {
    setChoice(next);
    setChoiceName(choiceLabel(next, saved));
    if (next !== null) destinationChosen(saved);
  }

  const onCommand = useCallback((command: QueueCommand) => {
    void sendMessage('queue/control', command).then((snapshot) => {
      setRows((current) => mergeSnapshot(current, snapshot.items));
      setPlan(snapshot.plan);
    });
  }, []);

  function closePanel() {
    void sendMessage('panel/close', undefined);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0 && destinationUsable) addFiles(files);
  }

  const items = rows.flatMap((row) => (row.item ? [row.item] : []));
  const counts = countByStatus(items);
  const total = items.length - counts.cancelled;
  return (
    <main class="panel">
      <header class="bar panel-header">
        <h1>{t('panelTitle')}</h1>
        {/* What stays in sight when the panel is collapsed to its header. */}
        <span class="header-summary muted" data-testid="header-summary">
          {total > 0 && `${t('batchDone', String(counts.done), String(total))} · −${formatBytes(bytesSaved(items))}`}
        </span>
        <button type="button" data-testid="close-panel" onClick={closePanel} aria-label={t('panelClose')}>
          ✕
        </button>
      </header>
      <div class="section panel-top">
        <PageGoneNotice items={items} onCommand={onCommand} />
        <BatchBar items={items} plan={plan} counts={counts} onCommand={onCommand}>
          <DiagnosticsButton rows={rows} plan={plan} />
          <button
            type="button"
            data-testid="clear-finished"
            disabled={finishedCount(counts) === 0 && !rows.some((row) => !row.item && row.phase === 'error')}
            onClick={() => {
              // Drafts that failed before hand-over exist only here.
              setRows((current) => current.filter((row) => row.item || row.phase !== 'error'));
              void sendMessage('queue/clear-finished', undefined);
            }}
          >
            {t('clearFinished')}
          </button>
        </BatchBar>
        <BatchSetupFold destinationName={choiceName} preset={preset}>
          <DestinationPicker onChange={onDestinationChange} />
          <SettingsForm />
          {preset && <PresetPicker value={preset} onChange={setPreset} />}
          <div class="footer-row">
            <StorageUse revision={countsKey(counts)} />
          </div>
        </BatchSetupFold>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target needs drag handlers; keyboard users reach the file input inside it */}
        <div
          class={`drop-zone${dragging ? ' dragging' : ''}${destinationUsable ? '' : ' disabled'}`}
          data-testid="drop-zone"
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          {destinationUsable ? (
            <>
              {t('dropHint')}{' '}
              <label>
                {t('pickFiles')}
                <input
                  type="file"
                  accept="image/*"
                  multiple
                  data-testid="file-input"
                  onChange={(event) => {
                    const input = event.currentTarget;
                    addFiles([...(input.files ?? [])]);
                    input.value = '';
                  }}
                />
              </label>
            </>
          ) : (
            t('needDestination')
          )}
        </div>
      </div>
      {rows.length === 0 ? (
        <p class="section muted">{t('emptyQueue')}</p>
      ) : (
        <ul class="items" data-testid="items">
          {rows.map((row) => (
            <ItemRow
              key={row.id}
              row={row}
              nextStartAt={plan.itemId === row.id ? plan.nextStartAt : null}
              onSend={sendHeld}
              onCommand={onCommand}
            />
          ))}
        </ul>
      )}
    </main>
  );
}

/**
 * Items sent through a page (its form) wait when that page was closed or
 * left; a panel on the same site offers to go on through this tab (the
 * background takes only the items of this tab's site).
 */
function PageGoneNotice({ items, onCommand }: { items: QueueItem[]; onCommand: (command: QueueCommand) => void }) {
  const waiting = items.filter((item) => item.status === 'queued' && item.pageGone).length;
  if (waiting === 0) return null;
  return (
    <div class="page-gone" role="status" data-testid="page-gone" data-waiting={waiting}>
      <p>{t('pageGoneNotice', String(waiting))}</p>
      <button type="button" class="primary" data-testid="go-on-here" onClick={() => onCommand({ kind: 'go-on-here' })}>
        {t('goOnHere')}
      </button>
    </div>
  );
}

/** The chosen destination as the fold's line names it. */
function choiceLabel(choice: DestinationChoice | null, saved: DestinationSummary | undefined): string | undefined {
  if (choice === null) return undefined;
  if (choice.kind === 'page-form') return choice.form.label;
  if (choice.kind === 'page-uploader') return choice.uploader.label;
  return saved?.name;
}
