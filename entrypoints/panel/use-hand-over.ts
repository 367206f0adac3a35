import type { Dispatch, StateUpdater } from 'preact/hooks';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { linkToBackground } from '@/utils/background-link';
import { type CompressedImage, CompressionError } from '@/utils/compress/compress-image';
import { createCompressorPool } from '@/utils/compress/compressor-pool';
import type { CompressionPlan } from '@/utils/compress/presets';
import { formatBytes } from '@/utils/format';
import { sendUntilAnswered } from '@/utils/hand-over';
import { t } from '@/utils/i18n';
import { type DestinationChoice, sendMessage } from '@/utils/messages';
import { keepNewest, type PanelRow, updateRow } from '@/utils/queue-view/panel-rows';
import { describeHandOverFailure } from './hand-over-failure';

export interface HandOverSources {
  setRows: Dispatch<StateUpdater<PanelRow[]>>;
  /** The rows as shown now (for "Send anyway" on a held row). */
  rows(): readonly PanelRow[];
  /** How images added now are compressed. */
  compressionPlan(): Promise<CompressionPlan>;
  /** Where images added now go; null when no destination is usable. */
  destination(): DestinationChoice | null;
}

/** A file ready to go to the queue: compressed, or sent as it is at the user's word. */
interface Sendable {
  id: string;
  originalSize: number;
  file: File;
  width: number;
  height: number;
  destination: DestinationChoice | null;
  /** Its original is stored as waiting (queue/add-original): the compressed file alone completes it. */
  originalKept?: boolean;
}

/**
 * From files to queue items: hands each original over at once (from then on
 * the queue is answerable for it, docs/architecture.md#where-hand-over-begins),
 * compresses (up to the pool's limit at once) and hands each compressed image
 * over as soon as it is ready and every earlier one was, so the queue keeps
 * the order the user chose and uploading starts while the rest compress.
 * Every hand-over is sent again while the worker is away (idempotent by id). `addFiles` and `sendHeld` are the same
 * functions for the panel's whole life (a paste listener set up once and
 * memoized rows call them).
 */
export function useHandOver(sources: HandOverSources): {
  addFiles(files: File[]): void;
  sendHeld(id: string): void;
} {
  const latest = useRef(sources);
  latest.current = sources;
  // Made once: its workers start when the panel opens and live as long as it.
  const [pool] = useState(createCompressorPool);
  // Brings a stopped worker back while work is pending, and tells the background this panel
  // still compresses the originals it handed over (utils/background-link.ts).
  const [link] = useState(() => linkToBackground());
  useEffect(() => {
    // The panel opens to take images: the workers start while the user picks them.
    pool.warm();
    return () => {
      pool.dispose();
      link.close();
    };
  }, []);
  // Every hand-over waits for the one before it: the queue's order is the order of this chain.
  const handingOver = useRef<Promise<void>>(Promise.resolve());
  const inOrder = (step: () => Promise<void>) => {
    handingOver.current = handingOver.current.then(step);
  };
  const update = (id: string, patch: Partial<PanelRow>) =>
    latest.current.setRows((current) => updateRow(current, id, patch));

  /** The one step that gives an image to the background's queue. */
  async function handOver({ id, originalSize, file, width, height, destination, originalKept }: Sendable) {
    if (!destination) {
      update(id, { phase: 'error', error: t('errorHandOver', t('noDestinationChosen')) });
      return;
    }
    try {
      // Sent again while the worker is away (stopped mid-reply, or starting): idempotent by id.
      const item = await sendUntilAnswered(() =>
        originalKept
          ? sendMessage('queue/add-compressed', { id, file, width, height })
          : sendMessage('queue/add', { destination, id, file, originalSize, width, height }),
      );
      latest.current.setRows((current) => keepNewest(current, item));
    } catch (error) {
      update(id, {
        phase: 'error',
        error: describeHandOverFailure(error),
        sendable: { file, width, height, action: 'try-again' },
      });
    }
  }

  /**
   * Hands the original over before it is compressed. False when it could not
   * be kept: the compressed image is then handed over whole (queue/add),
   * which names the refusal in its row.
   */
  async function keepOriginal(
    id: string,
    file: File,
    plan: Promise<CompressionPlan>,
    destination: DestinationChoice | null,
  ): Promise<boolean> {
    if (!destination || file.size === 0) return false;
    try {
      const resolved = await plan;
      await sendUntilAnswered(() =>
        sendMessage('queue/add-original', { id, file, plan: resolved, destination, owner: link.id }),
      );
      return true;
    } catch {
      return false;
    }
  }

  /** This panel keeps the image (held, or unreadable) until the user's word: the queue need not. */
  function dropOriginal(id: string) {
    void sendUntilAnswered(() => sendMessage('queue/drop-original', { id })).catch(() => {});
  }

  async function afterCompression(
    id: string,
    original: File,
    compressed: CompressedImage,
    destination: DestinationChoice | null,
    originalKept: boolean,
  ) {
    const summary = {
      size: compressed.file.size,
      width: compressed.width,
      height: compressed.height,
      keptOriginal: compressed.keptOriginal !== undefined,
      convertedFrom: compressed.convertedFrom,
      note: compressed.keptOriginal,
    };
    if (compressed.overCapBytes !== undefined) {
      // Never sent silently over the cap: the row waits for the user's word.
      if (originalKept) dropOriginal(id);
      update(id, {
        phase: 'held',
        progress: undefined,
        thumbnailUrl: URL.createObjectURL(compressed.file),
        compressed: summary,
        error: t('heldDetail', formatBytes(compressed.file.size), formatBytes(compressed.overCapBytes)),
        sendable: { file: compressed.file, width: compressed.width, height: compressed.height, action: 'send-anyway' },
      });
      return;
    }
    update(id, {
      phase: 'handing-over',
      progress: undefined,
      thumbnailUrl: URL.createObjectURL(compressed.file),
      compressed: summary,
    });
    const { file, width, height } = compressed;
    await handOver({ id, originalSize: original.size, file, width, height, destination, originalKept });
  }

  function showCompressionError(id: string, original: File, error: unknown) {
    // An image the browser cannot read may still be wanted as it is (HEIC from a phone).
    const sendable =
      error instanceof CompressionError && (error.code === 'unsupported-format' || error.code === 'undecodable-heic')
        ? { file: original, width: 0, height: 0, action: 'send-original' as const }
        : undefined;
    update(id, { phase: 'error', progress: undefined, error: describeCompressionError(error), sendable });
  }

  const addFiles = useCallback((files: File[]) => {
    const drafts: PanelRow[] = files.map((file) => ({
      id: crypto.randomUUID(),
      name: file.name,
      originalSize: file.size,
      phase: 'compressing',
      progress: 0,
    }));
    latest.current.setRows((current) => [...current, ...drafts]);
    const plan = latest.current.compressionPlan();
    const destination = latest.current.destination();
    link.ensure();
    drafts.forEach((draft, index) => {
      const original = files[index] as File;
      const originalKept = keepOriginal(draft.id, original, plan, destination);
      const compressed = plan.then((resolved) =>
        pool.compress(original, resolved, (progress) => update(draft.id, { progress })),
      );
      // Settled either way, so one failure never stalls the rows after it.
      const outcome = compressed.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      inOrder(async () => {
        const settled = await outcome;
        const kept = await originalKept;
        if ('error' in settled) {
          // The row shows the problem and what the user can still do; the queue keeps nothing unsendable.
          if (kept) dropOriginal(draft.id);
          showCompressionError(draft.id, original, settled.error);
        } else await afterCompression(draft.id, original, settled.result, destination, kept);
      });
    });
  }, []);

  /** The user's "Send anyway" / "Send the original" on a held or unreadable row. */
  const sendHeld = useCallback((id: string) => {
    const row = latest.current.rows().find((candidate) => candidate.id === id);
    if (!row?.sendable) return;
    const { file, width, height } = row.sendable;
    update(id, { phase: 'handing-over', error: undefined, sendable: undefined });
    // In line after the images already waiting, so the queue's order stays the order of hand-over.
    const destination = latest.current.destination();
    inOrder(() => handOver({ id, originalSize: row.originalSize, file, width, height, destination }));
  }, []);

  return { addFiles, sendHeld };
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
    case 'undecodable-heic':
      return t('errorUndecodableHeic');
  }
}
