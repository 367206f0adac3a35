/// <reference lib="webworker" />
/**
 * The compression worker: decoding and encoding big photos takes hundreds of
 * milliseconds each, which would stall the panel's own clicks and progress
 * bars if it ran on the panel's thread. Bundled with the extension (no remote
 * code); the panel starts two (see compressor-pool.ts).
 */
import { CompressionError, compressImage } from './compress-image';
import type { CompressJob, CompressReply } from './worker-protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const reply = (message: CompressReply) => scope.postMessage(message);

scope.onmessage = async ({ data: job }: MessageEvent<CompressJob>) => {
  const started = performance.now();
  try {
    const result = await compressImage(job.file, job.plan, (fraction) =>
      reply({ jobId: job.jobId, kind: 'progress', fraction }),
    );
    reply({ jobId: job.jobId, kind: 'done', result, ms: performance.now() - started });
  } catch (error) {
    const known = error instanceof CompressionError;
    reply({
      jobId: job.jobId,
      kind: 'failed',
      code: known ? error.code : 'undecodable',
      detail: known ? error.detail : String(error),
    });
  }
};
