import { createCompressorPool, PARALLEL_COMPRESSIONS } from '../compress/compressor-pool';
import type { ClaimedOriginal, CompressedHandOver } from '../messages';

export interface CompressWaitingEffects {
  /** The next orphaned original, now this page's; null when none is left. */
  claim(): Promise<ClaimedOriginal | null>;
  deliver(compressed: CompressedHandOver): Promise<unknown>;
  /** It could not be made ready to send (over the cap, unreadable): kept unsent. */
  setAside(id: string, reason: string): Promise<unknown>;
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
        // Never sent silently over the cap: without a person to ask, it waits unsent.
        if (result.overCapBytes !== undefined) await effects.setAside(original.id, 'over-cap');
        else await effects.deliver({ id: original.id, file: result.file, width: result.width, height: result.height });
      } catch (error) {
        await effects.setAside(original.id, error instanceof Error ? error.message : String(error));
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: PARALLEL_COMPRESSIONS }, lane));
  } finally {
    pool.dispose();
  }
}
