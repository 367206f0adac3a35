import { type CompressedImage, CompressionError } from './compress-image';
import type { CompressionPlan } from './presets';
import type { CompressJob, CompressReply } from './worker-protocol';

/** Two images at once: a 2-core machine stays responsive, and the next image is ready while one uploads. */
export const PARALLEL_COMPRESSIONS = 2;

interface Pending {
  job: CompressJob;
  onProgress: (fraction: number) => void;
  resolve: (result: CompressedImage) => void;
  reject: (error: unknown) => void;
}

export interface CompressorPool {
  compress(file: File, plan: CompressionPlan, onProgress: (fraction: number) => void): Promise<CompressedImage>;
  /**
   * Starts the workers before the first image: a module worker takes tens of
   * milliseconds (more on a loaded machine) to load the compressor's bundle,
   * which the first image would otherwise wait for.
   */
  warm(): void;
  dispose(): void;
}

/**
 * The User Timing entry each finished compression leaves (visible in
 * DevTools' Performance panel; scripts/bench-compress.ts reads them): from
 * the job's hand-off to the worker to its result, with the time spent inside
 * the compressor in `detail.workerMs`; the difference is the hand-off.
 */
export const COMPRESS_MEASURE = 'cadence:compress';

/**
 * Runs compressions in bundled module workers, at most `size` at a time, the
 * rest waiting in order. A worker that dies (e.g. out of memory on a huge
 * image) fails only its own job and is replaced.
 */
export function createCompressorPool(size = PARALLEL_COMPRESSIONS): CompressorPool {
  const waiting: Pending[] = [];
  const idle: Worker[] = [];
  let running = 0;
  let nextJobId = 1;
  const workers: Worker[] = [];

  function startWorker(): Worker {
    const worker = new Worker(new URL('./compress.worker.ts', import.meta.url), { type: 'module' });
    workers.push(worker);
    return worker;
  }

  function pump() {
    while (waiting.length > 0 && running < size) {
      const pending = waiting.shift() as Pending;
      running += 1;
      run(idle.pop() ?? startWorker(), pending);
    }
  }

  function run(worker: Worker, pending: Pending) {
    const finish = (healthy: boolean) => {
      worker.onmessage = null;
      worker.onerror = null;
      running -= 1;
      if (healthy) idle.push(worker);
      else {
        worker.terminate();
        workers.splice(workers.indexOf(worker), 1);
      }
      pump();
    };
    const posted = performance.now();
    worker.onmessage = ({ data }: MessageEvent<CompressReply>) => {
      if (data.jobId !== pending.job.jobId) return;
      if (data.kind === 'progress') pending.onProgress(data.fraction);
      else if (data.kind === 'done') {
        finish(true);
        performance.measure(COMPRESS_MEASURE, {
          start: posted,
          end: performance.now(),
          detail: { name: pending.job.file.name, workerMs: data.ms },
        });
        pending.resolve(data.result);
      } else {
        finish(true);
        pending.reject(new CompressionError(data.code, data.detail));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish(false);
      pending.reject(new CompressionError('undecodable', event.message || 'the compression worker stopped'));
    };
    worker.postMessage(pending.job);
  }

  return {
    compress(file, plan, onProgress) {
      return new Promise((resolve, reject) => {
        waiting.push({ job: { jobId: nextJobId++, file, plan }, onProgress, resolve, reject });
        pump();
      });
    },
    warm() {
      while (workers.length < size) idle.push(startWorker());
    },
    dispose() {
      for (const worker of workers) worker.terminate();
      workers.length = 0;
    },
  };
}
