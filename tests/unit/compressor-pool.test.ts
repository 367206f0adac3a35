import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CompressionError } from '@/utils/compress/compress-image';
import { COMPRESS_MEASURE, createCompressorPool } from '@/utils/compress/compressor-pool';
import { planFor } from '@/utils/compress/presets';
import type { CompressJob, CompressReply } from '@/utils/compress/worker-protocol';

/** Stands in for the browser's Worker: records jobs, and the test answers them. */
class FakeWorker {
  static all: FakeWorker[] = [];
  onmessage: ((event: MessageEvent<CompressReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  jobs: CompressJob[] = [];
  terminated = false;
  constructor(readonly url: URL) {
    FakeWorker.all.push(this);
  }
  postMessage(job: CompressJob) {
    this.jobs.push(job);
  }
  terminate() {
    this.terminated = true;
  }
  reply(message: CompressReply) {
    this.onmessage?.({ data: message } as MessageEvent<CompressReply>);
  }
  crash() {
    this.onerror?.({ message: 'out of memory', preventDefault() {} } as ErrorEvent);
  }
  get current(): CompressJob {
    return this.jobs.at(-1) as CompressJob;
  }
}

const plan = planFor('large', { maxSide: 1, maxBytes: 1, format: 'auto', quality: 1 }, false);
const file = (name: string) => new File([name], name, { type: 'image/jpeg' });
const done = (job: CompressJob): CompressReply => ({
  jobId: job.jobId,
  kind: 'done',
  result: { file: job.file, width: 1, height: 1 },
  ms: 5,
});
const running = () => FakeWorker.all.filter((worker) => !worker.terminated && worker.onmessage !== null);

describe('compressor pool', () => {
  beforeEach(() => {
    FakeWorker.all = [];
    vi.stubGlobal('Worker', FakeWorker);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('runs two at a time in the order given; the third starts when one finishes, on a reused worker', async () => {
    const pool = createCompressorPool(2);
    const results = ['a', 'b', 'c'].map((name) => pool.compress(file(name), plan, () => {}));
    expect(FakeWorker.all).toHaveLength(2);
    expect(FakeWorker.all.map((worker) => worker.current.file.name)).toEqual(['a', 'b']);
    expect(FakeWorker.all[0]?.url.pathname).toMatch(/compress\.worker\.ts$/);

    const second = FakeWorker.all[1] as FakeWorker;
    second.reply(done(second.current));
    expect(await results[1]).toMatchObject({ width: 1 });
    expect(FakeWorker.all).toHaveLength(2);
    expect(second.current.file.name).toBe('c');
    expect(running()).toHaveLength(2);
  });

  it('warm starts its workers before any image, and the first images use them without starting more', async () => {
    const pool = createCompressorPool(2);
    pool.warm();
    expect(FakeWorker.all).toHaveLength(2);
    expect(FakeWorker.all.every((worker) => worker.jobs.length === 0)).toBe(true);
    pool.warm();
    expect(FakeWorker.all).toHaveLength(2);
    const results = ['a', 'b', 'c'].map((name) => pool.compress(file(name), plan, () => {}));
    expect(FakeWorker.all).toHaveLength(2);
    expect(FakeWorker.all.flatMap((worker) => worker.jobs.map((job) => job.file.name)).sort()).toEqual(['a', 'b']);
    const first = FakeWorker.all.find((worker) => worker.current?.file.name === 'a') as FakeWorker;
    first.reply(done(first.current));
    expect(await results[0]).toMatchObject({ width: 1 });
    expect(first.current.file.name).toBe('c');
  });

  it('leaves a User Timing entry per finished image: hand-off to result, with the time inside the worker', async () => {
    performance.clearMeasures(COMPRESS_MEASURE);
    const pool = createCompressorPool(1);
    const result = pool.compress(file('timed.jpg'), plan, () => {});
    const worker = FakeWorker.all[0] as FakeWorker;
    worker.reply(done(worker.current));
    await result;
    const [entry] = performance.getEntriesByName(COMPRESS_MEASURE) as PerformanceMeasure[];
    expect(entry?.detail).toEqual({ name: 'timed.jpg', workerMs: 5 });
    expect(entry?.duration).toBeGreaterThanOrEqual(0);
  });

  it('passes progress through and turns a failure into a named CompressionError', async () => {
    const pool = createCompressorPool(2);
    const progress: number[] = [];
    const result = pool.compress(file('cut.jpg'), plan, (fraction) => progress.push(fraction));
    const worker = FakeWorker.all[0] as FakeWorker;
    worker.reply({ jobId: worker.current.jobId, kind: 'progress', fraction: 0.5 });
    worker.reply({ jobId: worker.current.jobId, kind: 'failed', code: 'truncated', detail: 'JPEG' });
    await expect(result).rejects.toEqual(new CompressionError('truncated', 'JPEG'));
    expect(progress).toEqual([0.5]);
  });

  it('a worker that dies fails only its own job and is replaced', async () => {
    const pool = createCompressorPool(1);
    const huge = pool.compress(file('huge.png'), plan, () => {});
    const next = pool.compress(file('next.jpg'), plan, () => {});
    const first = FakeWorker.all[0] as FakeWorker;
    first.crash();
    await expect(huge).rejects.toMatchObject({ code: 'undecodable' });
    expect(first.terminated).toBe(true);
    const replacement = FakeWorker.all[1] as FakeWorker;
    expect(replacement.current.file.name).toBe('next.jpg');
    replacement.reply(done(replacement.current));
    await expect(next).resolves.toMatchObject({ width: 1 });
  });
});
