import type { CompressionPlan } from '../compress/presets';
import type { DestinationSnapshot } from '../destinations/model';
import type { ItemSource } from './types';

/**
 * An image the user added that is not compressed yet: the panel hands the
 * original over the moment it is added (a File crosses in about 10 ms), so
 * closing the tab while it compresses loses nothing. Whoever compresses it
 * (the panel that added it, or else an extension page: see
 * docs/architecture.md#where-hand-over-begins) hands the result over under
 * the same id, and the original is dropped in the same transaction that
 * stores the compressed image.
 */
export interface WaitingOriginal {
  /** The panel's row id; the queue item made from it keeps it. */
  id: string;
  file: File;
  /** How the user asked for it to be compressed when it was added. */
  plan: CompressionPlan;
  /** Resolved when it was added, as a queue item's: later edits do not change it. */
  destination: DestinationSnapshot;
  source: ItemSource;
  /** The Cadence page compressing it (its background link's id); another takes over once that page is gone. */
  owner: string;
  createdAt: number;
}
