import { createCompressorPool, PARALLEL_COMPRESSIONS } from '../compress/compressor-pool';
import type { ClaimedOriginal, CompressedHandOver, NotCompressed } from '../messages';

export interface CompressWaitingEffects {
  /** The next orphaned original, now this page's; null when none is left. */
  claim(): Promise<ClaimedOriginal | null>;
  deliver(compressed: CompressedHandOver): Promise<unknown>;
  /** It could not be made ready to send without a person (over the cap, unreadable). */
  notCompressed(report: NotCompressed): Promise<unknown>;
}

/**
 * Compresses waiting originals whose panel went away, with the same pool and
 * plan the panel would have used, until none is left. Runs in an extension
 * page: the offscreen document (Chrome) or the event page (Firefox).
 */
export async function compressWaiting(effects: CompressWaitingEffects): Promise<void> {
  const pool = createCompressorPool();
  async function lane(): Promise<void> {
    for (let original = await effects.claim(); original; original = await effects.claim()) {
      try {
        const result = await pool.compress(original.file, original.plan, () => {});
        const { file, width, height } = result;
        // Never sent silently over the cap: without a person to ask, it waits as a failed item.
        if (result.overCapBytes === undefined) await effects.deliver({ id: original.id, file, width, height });
        else {
          const detail = `${file.size} bytes, the cap is ${result.overCapBytes} bytes`;
          await effects.notCompressed({ id: original.id, problem: 'over-cap', file, width, height, detail });
        }
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        await effects.notCompressed({ id: original.id, problem: 'unreadable', width: 0, height: 0, detail });
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: PARALLEL_COMPRESSIONS }, lane));
  } finally {
    pool.dispose();
  }
}
