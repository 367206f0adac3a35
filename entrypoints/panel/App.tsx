import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { BatchBar } from '@/components/BatchBar';
import { DestinationPicker } from '@/components/DestinationPicker';
import { DiagnosticsButton } from '@/components/DiagnosticsButton';
import { ItemRow } from '@/components/ItemRow';
import { PresetPicker } from '@/components/PresetPicker';
import { SettingsForm } from '@/components/SettingsForm';
import { StorageUse } from '@/components/StorageUse';
import { type CompressedImage, CompressionError } from '@/utils/compress/compress-image';
import { createCompressorPool } from '@/utils/compress/compressor-pool';
import {
  type CompressionPlan,
  type PresetId,
  planFor,
  presetForDestination,
  type TransparentAs,
} from '@/utils/compress/presets';
import type { Destination } from '@/utils/destinations/model';
import { formatBytes } from '@/utils/format';
import { t } from '@/utils/i18n';
import { guardedReceiver } from '@/utils/message-guard';
import { type DestinationChoice, sendMessage } from '@/utils/messages';
import { mergeItem, type PanelRow, rowFromItem, updateRow } from '@/utils/queue/panel-rows';
import { bytesSaved } from '@/utils/queue/row-chip';
import {
  countByStatus,
  countsKey,
  IDLE_PLAN,
  type QueueCommand,
  type QueueItem,
  type QueuePlan,
} from '@/utils/queue/types';
import {
  customTargetSetting,
  defaultPresetSetting,
  keepJpegMetadataSetting,
  panelSettingsOpenSetting,
} from '@/utils/settings';
import { useEscapeClose } from './use-escape-close';
import { useListTiming } from './use-list-timing';
import { usePageImages } from './use-page-images';
import { useThumbnailRevoking } from './use-thumbnail-revoking';

/** Queue news is taken only from the background (utils/message-schemas.ts). */
const fromBackground = guardedReceiver('extension-page');

export function App() {
  const [rows, setRows] = useState<PanelRow[]>([]);
  // Read by callbacks that must stay the same function for memoized rows (sendHeld).
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const timing = useListTiming(rows);
  useThumbnailRevoking(rows);
  useEscapeClose(closePanel);
  const [settingsOpen, setSettingsOpen] = useState<boolean | null>(null);
  const [plan, setPlan] = useState<QueuePlan>(IDLE_PLAN);
  const [choice, setChoice] = useState<DestinationChoice | null>(null);
  // Read by the paste listener, registered once; files go where the choice was when they were added.
  const choiceRef = useRef<DestinationChoice | null>(null);
  choiceRef.current = choice;
  const destinationUsable = choice !== null;
  const [dragging, setDragging] = useState(false);
  const [preset, setPreset] = useState<PresetId | null>(null);
  // Read by addFiles, which the paste listener (set up once) also calls.
  const presetRef = useRef<PresetId | null>(null);
  presetRef.current = preset;
  // What the chosen destination asks of compression; a page form asks nothing.
  const destinationCompression = useRef<{ key: string; presetId: string | null; transparentAs: TransparentAs }>({
    key: '',
    presetId: null,
    transparentAs: 'webp',
  });
  const globalDefaultPreset = useRef<PresetId | null>(null);
  const handingOver = useRef<Promise<void>>(Promise.resolve());
  // Made once: its workers start on the first image and live as long as the panel.
  const [pool] = useState(createCompressorPool);

  useEffect(() => {
    void panelSettingsOpenSetting.getValue().then(setSettingsOpen);
    void defaultPresetSetting.getValue().then((stored) => {
      globalDefaultPreset.current = stored;
      setPreset((current) => current ?? presetForDestination(destinationCompression.current.presetId, stored));
    });
    return () => pool.dispose();
  }, []);

  useEffect(() => {
    // Subscribe first, then read the store, so no change falls between the two.
    const stopChanges = fromBackground.on('queue/item-changed', ({ data }) => {
      timing.started('cadence:item-changed');
      setRows((current) => mergeItem(current, data.item));
      setPlan(data.plan);
    });
    const stopRemovals = fromBackground.on('queue/items-removed', ({ data }) => {
      const removed = new Set(data);
      setRows((current) => current.filter((row) => !removed.has(row.id)));
    });
    const stopPlan = fromBackground.on('queue/plan-changed', ({ data }) => setPlan(data));
    const readQueue = () =>
      sendMessage('queue/get', undefined).then((snapshot) => {
        timing.started('cadence:snapshot');
        setRows((current) => mergeSnapshot(current, snapshot.items));
        setPlan(snapshot.plan);
      });
    // A restarted worker may have stored a change it never announced.
    const stopResync = fromBackground.on('queue/resync', () => void readQueue());
    void readQueue();
    const onPaste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length > 0) addFiles(files);
    };
    document.addEventListener('paste', onPaste);
    return () => {
      stopChanges();
      stopRemovals();
      stopPlan();
      stopResync();
      document.removeEventListener('paste', onPaste);
    };
  }, []);

  usePageImages(destinationUsable, addFiles, setRows);

  function addFiles(files: File[]) {
    const drafts: PanelRow[] = files.map((file) => ({
      id: crypto.randomUUID(),
      name: file.name,
      originalSize: file.size,
      phase: 'compressing',
      progress: 0,
    }));
    setRows((current) => [...current, ...drafts]);
    const plan = currentPlan();
    const destination = choiceRef.current;
    // Up to two images compress at once (the pool's limit), and each is handed
    // over as soon as it is ready and every earlier one was: the queue keeps
    // the order the user chose, and uploading starts while the rest compress.
    drafts.forEach((draft, index) => {
      const compressed = plan.then((resolved) =>
        pool.compress(files[index] as File, resolved, (progress) =>
          setRows((current) => updateRow(current, draft.id, { progress })),
        ),
      );
      // Settled either way, so one failure never stalls the rows after it.
      const outcome = compressed.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      handingOver.current = handingOver.current.then(async () => {
        const settled = await outcome;
        if ('error' in settled) showCompressionError(draft.id, files[index] as File, settled.error);
        else await afterCompression(draft.id, files[index] as File, settled.result, destination);
      });
    });
  }

  /**
   * A destination with its own preset switches the picker to it, "Default" to
   * the global default; the user may still pick another for the batch. Only a
   * different destination (or a changed preset of it) switches again, so the
   * same destination reported anew (e.g. after an edit elsewhere) keeps the
   * user's pick.
   */
  function onDestinationChange(next: DestinationChoice | null, saved?: Destination) {
    setChoice(next);
    if (next === null) return;
    const presetId = saved?.compressionPresetId ?? null;
    const key = `${saved?.id ?? 'page-form'}:${presetId ?? ''}`;
    const previousKey = destinationCompression.current.key;
    destinationCompression.current = { key, presetId, transparentAs: saved?.transparentAs ?? 'webp' };
    if (key !== previousKey && globalDefaultPreset.current !== null) {
      setPreset(presetForDestination(presetId, globalDefaultPreset.current));
    }
  }

  /** The batch's preset as chosen in the panel; Custom's numbers and the metadata choice from the options. */
  async function currentPlan(): Promise<CompressionPlan> {
    const [stored, custom, keepMetadata] = await Promise.all([
      defaultPresetSetting.getValue(),
      customTargetSetting.getValue(),
      keepJpegMetadataSetting.getValue(),
    ]);
    const { presetId, transparentAs } = destinationCompression.current;
    return planFor(presetRef.current ?? presetForDestination(presetId, stored), custom, keepMetadata, transparentAs);
  }

  async function afterCompression(
    id: string,
    original: File,
    compressed: CompressedImage,
    destination: DestinationChoice | null,
  ) {
    const summary = {
      size: compressed.file.size,
      width: compressed.width,
      height: compressed.height,
      keptOriginal: compressed.keptOriginal !== undefined,
      note: compressed.keptOriginal,
    };
    if (compressed.overCapBytes !== undefined) {
      // Never sent silently over the cap: the row waits for the user's word.
      setRows((current) =>
        updateRow(current, id, {
          phase: 'held',
          progress: undefined,
          thumbnailUrl: URL.createObjectURL(compressed.file),
          compressed: summary,
          error: t('heldDetail', formatBytes(compressed.file.size), formatBytes(compressed.overCapBytes as number)),
          sendable: {
            file: compressed.file,
            width: compressed.width,
            height: compressed.height,
            action: 'send-anyway',
          },
        }),
      );
      return;
    }
    setRows((current) =>
      updateRow(current, id, {
        phase: 'handing-over',
        progress: undefined,
        thumbnailUrl: URL.createObjectURL(compressed.file),
        compressed: summary,
      }),
    );
    await handOver(id, original.size, compressed.file, compressed.width, compressed.height, destination);
  }

  async function handOver(
    id: string,
    originalSize: number,
    file: File,
    width: number,
    height: number,
    destination: DestinationChoice | null,
  ) {
    if (!destination) {
      setRows((current) =>
        updateRow(current, id, { phase: 'error', error: t('errorHandOver', t('noDestinationChosen')) }),
      );
      return;
    }
    try {
      const item = await sendMessage('queue/add', { destination, id, file, originalSize, width, height });
      setRows((current) => keepNewest(current, item));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      setRows((current) => updateRow(current, id, { phase: 'error', error: t('errorHandOver', reason) }));
    }
  }

  function showCompressionError(id: string, original: File, error: unknown) {
    // An image the browser cannot read may still be wanted as it is (HEIC from a phone).
    const sendable =
      error instanceof CompressionError && error.code === 'unsupported-format'
        ? { file: original, width: 0, height: 0, action: 'send-original' as const }
        : undefined;
    setRows((current) =>
      updateRow(current, id, { phase: 'error', progress: undefined, error: describeCompressionError(error), sendable }),
    );
  }

  /** The user's "Send anyway" / "Send the original" on a held or unreadable row. */
  const sendHeld = useCallback((id: string) => {
    const row = rowsRef.current.find((candidate) => candidate.id === id);
    if (!row?.sendable) return;
    const { file, width, height } = row.sendable;
    setRows((current) => updateRow(current, id, { phase: 'handing-over', error: undefined, sendable: undefined }));
    // In line after the images already waiting, so the queue's order stays the order of hand-over.
    const destination = choiceRef.current;
    handingOver.current = handingOver.current.then(() =>
      handOver(id, row.originalSize, file, width, height, destination),
    );
  }, []);

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
        <DestinationPicker onChange={onDestinationChange} />
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
        <BatchBar items={items} plan={plan} counts={counts} onCommand={onCommand}>
          <DiagnosticsButton rows={rows} plan={plan} />
          <button
            type="button"
            data-testid="clear-finished"
            disabled={
              counts.done + counts.failed + counts.cancelled === 0 &&
              !rows.some((row) => !row.item && row.phase === 'error')
            }
            onClick={() => {
              // Drafts that failed before hand-over exist only here.
              setRows((current) => current.filter((row) => row.item || row.phase !== 'error'));
              void sendMessage('queue/clear-finished', undefined);
            }}
          >
            {t('clearFinished')}
          </button>
        </BatchBar>
        {settingsOpen !== null && (
          <details
            class="panel-settings"
            data-testid="panel-settings"
            open={settingsOpen}
            onToggle={(event) => {
              const open = event.currentTarget.open;
              setSettingsOpen(open);
              void panelSettingsOpenSetting.setValue(open);
            }}
          >
            <summary>{t('panelSettings')}</summary>
            <SettingsForm />
            {preset && <PresetPicker value={preset} onChange={setPreset} />}
            <div class="footer-row">
              <StorageUse revision={countsKey(counts)} />
            </div>
          </details>
        )}
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

/** The store's rows, with drafts this panel still holds and thumbnails it made. */
function mergeSnapshot(current: readonly PanelRow[], items: readonly QueueItem[]): PanelRow[] {
  const byId = new Map(current.map((row) => [row.id, row]));
  const stored = items.map((item) => {
    const row = byId.get(item.id);
    if (!row) return rowFromItem(item);
    // An unchanged item keeps its row object, so its memoized row does not re-render (500 rows on every command).
    return row.item && sameItemState(row.item, item) ? row : { ...row, item };
  });
  const storedIds = new Set(items.map((item) => item.id));
  return [...stored, ...current.filter((row) => !storedIds.has(row.id))];
}

/**
 * What can change on a stored item after hand-over. Compared field by field
 * (not by serializing), since a command's reply compares all 500 rows.
 */
const CHANGING_FIELDS = [
  'status',
  'attempts',
  'startedAt',
  'finishedAt',
  'httpStatus',
  'resultUrl',
  'thumbnailUrl',
  'deletionUrl',
  'error',
  'failureKind',
  'problem',
  'excerpt',
  'retryAt',
  'autoRetries',
] as const satisfies readonly (keyof QueueItem)[];

/** What is set once at hand-over (or, for `attemptLog`, changes only with `attempts`). */
const FIXED_FIELDS = [
  'id',
  'seq',
  'name',
  'type',
  'originalSize',
  'size',
  'width',
  'height',
  'destination',
  'destinationKey',
  'idempotencyKey',
  'createdAt',
  'source',
  'attemptLog',
] as const satisfies readonly (keyof QueueItem)[];

/** A QueueItem field in neither list fails `tsc` here, so a new field cannot leave rows stale. */
type UnsortedField = Exclude<keyof QueueItem, (typeof CHANGING_FIELDS)[number] | (typeof FIXED_FIELDS)[number]>;
export const everyItemFieldSorted: [UnsortedField] extends [never] ? true : UnsortedField = true;

function sameItemState(a: QueueItem, b: QueueItem): boolean {
  return CHANGING_FIELDS.every((field) => a[field] === b[field]);
}

/** The reply to queue/add can arrive after a newer item-changed message: keep the later state. */
function keepNewest(rows: readonly PanelRow[], item: QueueItem): PanelRow[] {
  const existing = rows.find((row) => row.id === item.id)?.item;
  return existing && existing.status !== 'queued' ? (rows as PanelRow[]) : mergeItem(rows, item);
}

function describeCompressionError(error: unknown): string {
  if (!(error instanceof CompressionError)) return t('errorUndecodable');
  switch (error.code) {
    case 'empty':
      return t('errorEmpty');
    case 'not-image':
      // A name or type that claims an image, with contents that are not one.
      return error.detail.startsWith('image/') ? t('errorNotImageContent') : t('errorNotImage', error.detail);
    case 'unsupported-format':
      return t('errorUnsupportedFormat', error.detail);
    case 'truncated':
      return t('errorTruncated', error.detail);
    case 'too-large':
      return t('errorTooLarge', error.detail);
    case 'undecodable':
      return t('errorUndecodable');
  }
}
