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
  /** `ms`: the time compressImage took inside the worker, for the panel's User Timing. */
  | { jobId: number; kind: 'done'; result: CompressedImage; ms: number }
  | { jobId: number; kind: 'failed'; code: CompressionErrorCode; detail: string };
