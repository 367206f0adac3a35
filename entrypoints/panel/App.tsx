import { useEffect, useRef, useState } from 'preact/hooks';
import { DestinationPicker } from '@/components/DestinationPicker';
import { ItemRow } from '@/components/ItemRow';
import { NextStart } from '@/components/NextStart';
import { QueueCounts } from '@/components/QueueCounts';
import { ResultsBar } from '@/components/ResultsBar';
import { SettingsForm } from '@/components/SettingsForm';
import { StorageUse } from '@/components/StorageUse';
import { CompressionError, compressImage } from '@/utils/compress/compress-image';
import { t } from '@/utils/i18n';
import { type DestinationChoice, onMessage, sendMessage } from '@/utils/messages';
import { mergeItem, type PanelRow, rowFromItem, updateRow } from '@/utils/queue/panel-rows';
import { countByStatus, type QueueItem } from '@/utils/queue/types';

export function App() {
  const [rows, setRows] = useState<PanelRow[]>([]);
  const [nextStartAt, setNextStartAt] = useState<number | null>(null);
  const [choice, setChoice] = useState<DestinationChoice | null>(null);
  // Read by the paste listener, registered once; files go where the choice was when they were added.
  const choiceRef = useRef<DestinationChoice | null>(null);
  choiceRef.current = choice;
  const destinationUsable = choice !== null;
  const [dragging, setDragging] = useState(false);
  const compressing = useRef<Promise<void>>(Promise.resolve());

  useEffect(() => {
    // Subscribe first, then read the store, so no change falls between the two.
    const stopChanges = onMessage('queue/item-changed', ({ data }) => {
      setRows((current) => mergeItem(current, data.item));
      setNextStartAt(data.nextStartAt);
    });
    const stopRemovals = onMessage('queue/items-removed', ({ data }) => {
      const removed = new Set(data);
      setRows((current) => current.filter((row) => !removed.has(row.id)));
    });
    void sendMessage('queue/get', undefined).then((snapshot) => {
      setRows((current) => mergeSnapshot(current, snapshot.items));
      setNextStartAt(snapshot.nextStartAt);
    });
    const onPaste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length > 0) addFiles(files);
    };
    document.addEventListener('paste', onPaste);
    return () => {
      stopChanges();
      stopRemovals();
      document.removeEventListener('paste', onPaste);
    };
  }, []);

  function addFiles(files: File[]) {
    const drafts: PanelRow[] = files.map((file) => ({
      id: crypto.randomUUID(),
      name: file.name,
      originalSize: file.size,
      phase: 'compressing',
    }));
    setRows((current) => [...current, ...drafts]);
    // One image at a time in the panel: each is handed over as soon as it is
    // ready, so uploading starts while the rest still compress.
    const destination = choiceRef.current;
    drafts.forEach((draft, index) => {
      compressing.current = compressing.current.then(() =>
        prepareAndHandOver(draft.id, files[index] as File, destination),
      );
    });
  }

  async function prepareAndHandOver(id: string, original: File, destination: DestinationChoice | null) {
    let compressed: Awaited<ReturnType<typeof compressImage>>;
    try {
      compressed = await compressImage(original);
    } catch (error) {
      setRows((current) => updateRow(current, id, { phase: 'error', error: describeCompressionError(error) }));
      return;
    }
    setRows((current) =>
      updateRow(current, id, {
        phase: 'handing-over',
        thumbnailUrl: URL.createObjectURL(compressed.file),
        compressed: {
          size: compressed.file.size,
          width: compressed.width,
          height: compressed.height,
          keptOriginal: compressed.keptOriginal,
        },
      }),
    );
    if (!destination) {
      setRows((current) =>
        updateRow(current, id, { phase: 'error', error: t('errorHandOver', t('noDestinationChosen')) }),
      );
      return;
    }
    try {
      const item = await sendMessage('queue/add', {
        destination,
        id,
        file: compressed.file,
        originalSize: original.size,
        width: compressed.width,
        height: compressed.height,
      });
      setRows((current) => keepNewest(current, item));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      setRows((current) => updateRow(current, id, { phase: 'error', error: t('errorHandOver', reason) }));
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0 && destinationUsable) addFiles(files);
  }

  const counts = countByStatus(rows.flatMap((row) => (row.item ? [row.item] : [])));
  return (
    <main>
      <header class="bar">
        <h1>{t('panelTitle')}</h1>
        <button type="button" onClick={() => void sendMessage('panel/close', undefined)} aria-label={t('panelClose')}>
          ✕
        </button>
      </header>
      <div class="section">
        <DestinationPicker onChange={setChoice} />
        <SettingsForm />
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
        <QueueCounts counts={counts} />
        <ResultsBar items={rows.flatMap((row) => (row.item ? [row.item] : []))} />
        <NextStart at={nextStartAt} />
        <div class="footer-row">
          <StorageUse revision={counts} />
          <button
            type="button"
            data-testid="clear-finished"
            disabled={counts.done + counts.failed === 0 && !rows.some((row) => !row.item && row.phase === 'error')}
            onClick={() => {
              // Drafts that failed before hand-over exist only here.
              setRows((current) => current.filter((row) => row.item || row.phase !== 'error'));
              void sendMessage('queue/clear-finished', undefined);
            }}
          >
            {t('clearFinished')}
          </button>
        </div>
      </div>
      {rows.length === 0 ? (
        <p class="section muted">{t('emptyQueue')}</p>
      ) : (
        <ul class="items" data-testid="items">
          {rows.map((row) => (
            <ItemRow key={row.id} row={row} />
          ))}
        </ul>
      )}
    </main>
  );
}

/** The store's rows, with drafts this panel still holds and thumbnails it made. */
function mergeSnapshot(current: readonly PanelRow[], items: readonly QueueItem[]): PanelRow[] {
  const byId = new Map(current.map((row) => [row.id, row]));
  const stored = items.map((item) => {
    const row = byId.get(item.id);
    return row ? { ...row, item } : rowFromItem(item);
  });
  const storedIds = new Set(items.map((item) => item.id));
  return [...stored, ...current.filter((row) => !storedIds.has(row.id))];
}

/** The reply to queue/add can arrive after a newer item-changed message: keep the later state. */
function keepNewest(rows: readonly PanelRow[], item: QueueItem): PanelRow[] {
  const existing = rows.find((row) => row.id === item.id)?.item;
  return existing && existing.status !== 'queued' ? [...rows] : mergeItem(rows, item);
}

function describeCompressionError(error: unknown): string {
  if (error instanceof CompressionError) {
    return error.code === 'not-image' ? t('errorNotImage', error.detail) : t('errorUndecodable');
  }
  return t('errorUndecodable');
}
