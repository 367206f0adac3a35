import type { CompressedImage, CompressionErrorCode } from './compress-image';
import type { CompressionPlan } from './presets';

/** Panel -> compression worker: one job. */
export interface CompressJob {
  jobId: number;
  file: File;
  plan: CompressionPlan;
}

/** Compression worker -> panel: progress, then exactly one result or failure per job. */
export type CompressReply =
  | { jobId: number; kind: 'progress'; fraction: number }
  | { jobId: number; kind: 'done'; result: CompressedImage }
  | { jobId: number; kind: 'failed'; code: CompressionErrorCode; detail: string };
