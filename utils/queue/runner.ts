import {
  buildUploadRequest,
  describeNetworkError,
  parseUploadResponse,
  readReply,
  type UploadOutcome,
} from '../upload/request';
import { decideNext } from './scheduler';
import type { QueueStore } from './store';
import type { QueueItem } from './types';

/** A stalled server must not hold the queue forever. */
export const UPLOAD_TIMEOUT_MS = 5 * 60_000;

export interface RunnerEffects {
  store: QueueStore;
  now(): number;
  /** Returns a cancel function. */
  setTimer(callback: () => void, ms: number): () => void;
  readDelayMs(): Promise<number>;
  fetch(request: Request): Promise<Response>;
  /** Called the moment an item changes state. */
  notify(item: QueueItem, nextStartAt: number | null): void;
  /** Work is pending (keep the worker alive, arm a wake-up) or not. */
  onPendingChange(pending: boolean, wakeAt: number | null): void;
}

/**
 * Performs what the pure scheduler decides: starts uploads, arms the timer
 * for the next start, records outcomes. Holds no state that matters across a
 * worker restart: the store does.
 */
export class QueueRunner {
  private readonly inFlight = new Set<string>();
  private cancelTimer: (() => void) | undefined;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private announce: QueueItem[] = [];
  nextStartAt: number | null = null;

  constructor(private readonly effects: RunnerEffects) {}

  /**
   * Called once when the worker starts. An item still marked uploading was
   * caught by the previous worker's death: it is queued again and will be
   * sent with the same Idempotency-Key.
   */
  async resume(): Promise<void> {
    for (const item of await this.effects.store.list()) {
      if (item.status === 'uploading' && !this.inFlight.has(item.id)) {
        await this.effects.store.update(item.id, { status: 'queued' });
      }
    }
    await this.pump();
  }

  /** Re-reads the store and acts on it. Calls made while one runs are folded into one more run. */
  pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.pumpAgain = false;
          await this.step();
        } while (this.pumpAgain);
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }

  private async step(): Promise<void> {
    const { store, now } = this.effects;
    const items = await store.list();
    const decision = decideNext(items, now(), { delayMs: await this.effects.readDelayMs() });
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.nextStartAt = decision.kind === 'wait' ? decision.at : null;
    if (decision.kind === 'wait') {
      this.cancelTimer = this.effects.setTimer(() => void this.pump(), decision.at - now());
    }
    this.effects.onPendingChange(decision.kind !== 'idle', this.nextStartAt);
    // Completions are announced after the next start is planned, so the
    // message carries the countdown, and before that start happens.
    for (const item of this.announce.splice(0)) this.effects.notify(item, this.nextStartAt);
    if (decision.kind === 'start') {
      const started = await store.update(decision.itemId, {
        status: 'uploading',
        startedAt: now(),
        attempts: (items.find((item) => item.id === decision.itemId)?.attempts ?? 0) + 1,
      });
      this.inFlight.add(started.id);
      this.effects.notify(started, null);
      void this.upload(started);
    }
  }

  private async upload(item: QueueItem): Promise<void> {
    const { store, now } = this.effects;
    let outcome: UploadOutcome;
    try {
      const blob = await store.getBlob(item.id);
      outcome = blob ? await this.send(item, blob) : { ok: false, error: 'The image data is missing from storage' };
    } catch (error) {
      outcome = { ok: false, error: `Could not upload: ${String(error)}` };
    }
    const finished = await store.update(item.id, {
      status: outcome.ok ? 'done' : 'failed',
      finishedAt: now(),
      httpStatus: outcome.httpStatus,
      resultUrl: outcome.ok ? outcome.resultUrl : undefined,
      thumbnailUrl: outcome.ok ? outcome.thumbnailUrl : undefined,
      deletionUrl: outcome.ok ? outcome.deletionUrl : undefined,
      error: outcome.ok ? undefined : outcome.error,
    });
    if (outcome.ok) await store.deleteBlob(item.id);
    this.inFlight.delete(item.id);
    this.announce.push(finished);
    await this.pump();
  }

  private async send(item: QueueItem, blob: Blob): Promise<UploadOutcome> {
    const request = await buildUploadRequest(item, blob);
    let response: Response;
    try {
      response = await this.effects.fetch(new Request(request, { signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) }));
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        return { ok: false, error: `Timed out: no reply within ${UPLOAD_TIMEOUT_MS / 1000} s` };
      }
      return { ok: false, error: describeNetworkError(error) };
    }
    let reply: Awaited<ReturnType<typeof readReply>>;
    try {
      reply = await readReply(response);
    } catch (error) {
      return { ok: false, httpStatus: response.status, error: `The reply broke off: ${String(error)}` };
    }
    return parseUploadResponse(item.destination, reply, item.name);
  }
}
