import type { AdaptiveState, HeldLevel } from '../pacing/adaptive-controller';
import { type GlobalPace, levelToRemember, pacingFor, settingsFor } from '../pacing/destination-pace';
import type { QuotaReading } from '../pacing/rate-limit-quota';
import { rebindPageUploader } from '../page-uploaders/snapshot';
import type { UploadOutcome } from '../upload/parse-reply';
import { DEFAULT_REPLY_TIMEOUT_MS, type SendEffects, UPLOAD_TIMEOUT_MS } from '../upload/send-request';
import { abandonUpload, sendThroughTransport } from '../upload/transports';
import { describePlan } from './plan';
import { planRetry } from './retry';
import { adaptiveFor, currentGapMs, decideNext, type Pacing } from './scheduler';
import type { QueueStore } from './store';
import {
  type AttemptRecord,
  IDLE_PLAN,
  type PageGone,
  type QueueCommand,
  type QueueItem,
  type QueuePlan,
  type TransportState,
} from './types';

/**
 * Byte progress reaches the rows at most this often: each report is a
 * store write and a message to every open panel and popup.
 */
export const PROGRESS_INTERVAL_MS = 250;

export interface RunnerEffects extends SendEffects {
  store: QueueStore;
  /**
   * Whether a tab's page is gone (closed, or a new document in it) since its
   * items were bound to it: an item handed over after that (compressed once
   * the panel had closed) waits too. Undefined: the page is there.
   */
  pageGoneFor?(tabId: number): PageGone | undefined;
  readPacing(): Promise<GlobalPace>;
  /** Stores the user's pause; the next `readPacing` returns it. */
  setPaused(paused: boolean): Promise<void>;
  /** In [0, 1): spreads retries in time. */
  random(): number;
  /**
   * The transport of "this page's uploader" (item.destination.pageUploader):
   * hands the file to the page in its tab and resolves with what the page
   * did. `signal` aborts with 'cancelled' or 'timed out'.
   */
  handToPage?(item: QueueItem, blob: Blob, signal: AbortSignal): Promise<UploadOutcome>;
  /** Called once an item is stored as Done (the ledger records what its destination received). */
  onDone?(item: QueueItem): Promise<void>;
  /** Called the moment an item changes state. */
  notify(item: QueueItem, plan: QueuePlan): void;
  /** Called when the plan changed without an item changing (pause, a hold ending, a slot freed). */
  onPlanChange(plan: QueuePlan): void;
  /** Work is pending (keep the worker alive, arm a wake-up) or not. */
  onPendingChange(pending: boolean, wakeAt: number | null): void;
  /** The adaptive levels remembered per destination; without it, every batch starts from scratch. */
  adaptiveMemory?: {
    read(): Promise<Record<string, HeldLevel>>;
    remember(destinationKey: string, level: HeldLevel): Promise<void>;
  };
  /**
   * The latest rate-limit reading per destination, kept apart from the items:
   * a long hold (an hour) outlives a cleared list and holds the next batch.
   */
  rateLimitMemory?: {
    read(): Promise<Record<string, QuotaReading>>;
    remember(destinationKey: string, reading: QuotaReading): Promise<void>;
  };
}

/**
 * Performs what the pure scheduler decides: starts uploads, arms the timer
 * for the next start, records outcomes and plans retries. Holds no state
 * that matters across a worker restart: the store does.
 */
export class QueueRunner {
  private readonly inFlight = new Set<string>();
  private readonly controllers = new Map<string, AbortController>();
  private cancelTimer: (() => void) | undefined;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private announce: QueueItem[] = [];
  private lastPlanJson = '';
  plan: QueuePlan = IDLE_PLAN;

  constructor(private readonly effects: RunnerEffects) {}

  /**
   * Called once when the worker starts. An item still marked uploading was
   * caught by the previous worker's death: it is queued again and will be
   * sent with the same Idempotency-Key. That resend is not a retry: the
   * server never answered.
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

  /** The user's pause, resume, cancel and retry. */
  async control(command: QueueCommand): Promise<void> {
    const { store } = this.effects;
    switch (command.kind) {
      case 'pause':
      case 'resume':
        await this.effects.setPaused(command.kind === 'pause');
        break;
      case 'cancel':
        await this.cancel(command.itemId);
        break;
      case 'cancel-all':
        for (const item of await store.list()) {
          if (item.status === 'queued' || item.status === 'uploading') await this.cancel(item.id);
        }
        break;
      case 'retry':
        await this.retryByHand(command.itemId);
        break;
      case 'retry-failed':
        for (const item of await store.list()) if (item.status === 'failed') await this.retryByHand(item.id);
        break;
      case 'send-again':
        await this.sendAgain(command.itemId);
        break;
      case 'go-on-here':
        // Needs the panel's tab: the background calls goOnHere with it.
        break;
    }
    await this.pump();
  }

  /**
   * The tab a page-bound item is sent through was closed or went elsewhere:
   * its queued items wait by name. An upload in flight through a form finishes
   * (the worker sends it); one in the page's own uploader breaks with the page
   * and waits too (record). Other destinations' items go on.
   */
  async pageGone(tabId: number, why: PageGone): Promise<void> {
    const { store } = this.effects;
    for (const item of await store.list()) {
      // Already waiting for the same reason: nothing to say. 'left' then 'closed' (the cut-off hand-over
      // was recorded before the tab's removal was heard): the later, truer reason.
      if (item.status !== 'queued' || !item.destination.page || item.source?.tabId !== tabId) continue;
      if (item.pageGone === why) continue;
      this.announce.push(await store.update(item.id, { pageGone: why }));
    }
    await this.pump();
  }

  /** Sends the waiting page-bound items of `origin` through `tabId` (a panel open on that site). Returns how many. */
  async goOnHere(tabId: number, origin: string): Promise<number> {
    const { store } = this.effects;
    let count = 0;
    for (const item of await store.list()) {
      if (!item.pageGone || item.source?.origin !== origin) continue;
      this.announce.push(
        await store.update(item.id, {
          pageGone: undefined,
          source: { ...item.source, tabId },
          ...rebindPageUploader(item, tabId),
        }),
      );
      count += 1;
    }
    await this.pump();
    return count;
  }

  private async cancel(id: string): Promise<void> {
    const { store } = this.effects;
    const item = await store.get(id);
    if (!item) return;
    if (this.inFlight.has(id)) {
      // In flight here (its row may not say so yet): abort it, and upload() records the cancel.
      // Past its reply (no controller left): let it finish, it is already sent.
      this.controllers.get(id)?.abort();
      return;
    }
    if (item.status !== 'queued' && item.status !== 'uploading') return;
    // Not started (or orphaned by a dead worker): nothing to abort. A partial
    // upload an earlier attempt left on the server is dropped there too.
    if (item.transportState) void abandonUpload(item, this.effects).catch(() => {});
    const cancelled = await store.update(id, {
      status: 'cancelled',
      failureKind: 'cancelled',
      error: undefined,
      retryAt: undefined,
      transportState: undefined,
      bytesSent: undefined,
    });
    await store.deleteBlob(id);
    this.announce.push(cancelled);
  }

  private async retryByHand(id: string): Promise<void> {
    const { store } = this.effects;
    const item = await store.get(id);
    if (item?.status !== 'failed' || !(await store.getBlob(id))) return;
    this.announce.push(
      await store.update(id, {
        status: 'queued',
        retryAt: undefined,
        autoRetries: 0,
        error: undefined,
        failureKind: undefined,
        httpStatus: undefined,
        problem: undefined,
        excerpt: undefined,
      }),
    );
  }

  /** "Send again anyway" on an item its destination already received: queued like a new one. */
  private async sendAgain(id: string): Promise<void> {
    const { store } = this.effects;
    const item = await store.get(id);
    if (item?.status !== 'done' || !item.alreadyUploaded || !(await store.getBlob(id))) return;
    this.announce.push(
      await store.update(id, {
        status: 'queued',
        alreadyUploaded: undefined,
        finishedAt: undefined,
        resultUrl: undefined,
        thumbnailUrl: undefined,
        deletionUrl: undefined,
      }),
    );
  }

  private async step(): Promise<void> {
    const { store, now } = this.effects;
    // Read fresh at every step: the global settings may have changed; each item's own override is in its snapshot.
    const [listed, settings, levels, rateLimits] = await Promise.all([
      store.list(),
      this.effects.readPacing(),
      this.effects.adaptiveMemory?.read(),
      this.effects.rateLimitMemory?.read(),
    ]);
    // A page-bound item whose page went away since it was handed over waits by name (runner.pageGone).
    const items = await Promise.all(
      listed.map(async (item) => {
        const tabId = item.source?.tabId;
        if (item.status !== 'queued' || !item.destination.page || item.pageGone || tabId === undefined) return item;
        const why = this.effects.pageGoneFor?.(tabId);
        if (!why) return item;
        const waiting = await store.update(item.id, { pageGone: why });
        this.announce.push(waiting);
        return waiting;
      }),
    );
    const pacing = { ...pacingFor(settings, items, levels && { levels, now: now() }), rateLimits };
    const decision = decideNext(items, now(), pacing);
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.plan = describePlan(decision, items, pacing);
    if (decision.kind === 'wait') {
      this.cancelTimer = this.effects.setTimer(() => void this.pump(), decision.at - now());
    }
    // Paused with nothing in flight: nothing will happen until the user acts, so the worker may sleep.
    const pending = decision.kind !== 'idle' && !(decision.kind === 'paused' && decision.inFlight === 0);
    this.effects.onPendingChange(pending, this.plan.nextStartAt);
    // Completions are announced after the next start is planned, so the
    // message carries the countdown, and before that start happens.
    const announced = this.announce.splice(0);
    for (const item of announced) this.effects.notify(item, this.plan);
    const planJson = JSON.stringify(this.plan);
    if (announced.length === 0 && planJson !== this.lastPlanJson) this.effects.onPlanChange(this.plan);
    this.lastPlanJson = planJson;
    if (decision.kind === 'start') {
      const previous = items.find((item) => item.id === decision.itemId);
      // Read the bytes while the row is marked: both lie between one upload and the next.
      const blob = store.getBlob(decision.itemId);
      blob.catch(() => {});
      const patch = {
        status: 'uploading' as const,
        startedAt: now(),
        finishedAt: undefined,
        retryAt: undefined,
        attempts: (previous?.attempts ?? 0) + 1,
      };
      // The upload leaves while the row is marked: the next step reads the store only once this write landed
      // (it is awaited below), and the outcome's writes are queued after it (one object store, in order).
      const marking = store.update(decision.itemId, patch);
      marking.catch(() => {});
      const started: QueueItem = { ...(previous as QueueItem), ...patch };
      this.inFlight.add(started.id);
      this.effects.notify(started, this.plan);
      void this.upload(started, blob, marking);
      await marking;
      // Staggered and adaptive may start another, or must arm the timer for it.
      this.pumpAgain = true;
    }
    if (levels) void this.rememberLevels(items, pacing, levels).catch(() => {});
  }

  /**
   * Stores the level the adaptive pace reached for each destination whose
   * level moved, so the next batch starts there. After the start, from what
   * this step already read: it is for the next batch, never worth a delay now.
   */
  private async rememberLevels(
    items: readonly QueueItem[],
    pacing: Pacing,
    levels: Readonly<Record<string, HeldLevel>>,
  ): Promise<void> {
    const memory = this.effects.adaptiveMemory;
    if (!memory) return;
    const latest = new Map(items.map((item) => [item.destinationKey, item]));
    for (const [destinationKey, item] of latest) {
      const level = levelToRemember(pacing, items, item);
      const stored = levels[destinationKey];
      if (!level || level.through === stored?.through) continue;
      // A write per upload would be storage work between one upload and the next: only when the level
      // moved, or once the destination has nothing left to send (the state then carries every attempt).
      const moved = !stored || !sameLevel(level.state, stored.state) || level.target !== stored.target;
      const idle = !items.some(
        (other) =>
          other.destinationKey === destinationKey && (other.status === 'queued' || other.status === 'uploading'),
      );
      if (moved || idle) await memory.remember(destinationKey, level);
    }
  }

  private async upload(
    item: QueueItem,
    blobRead: Promise<Blob | undefined>,
    marked: Promise<unknown> = Promise.resolve(),
  ): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(item.id, controller);
    // Read while the upload runs: after the status it would lie between one upload and the next.
    const replyTimeoutMs = this.effects.readPacing().then((pace) => pace.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS);
    replyTimeoutMs.catch(() => {});
    let outcome: UploadOutcome;
    // When the request left: the adaptive pace counts overlap from here, not from the reads before it.
    let sentAt: number | undefined;
    const effects: SendEffects = {
      ...this.effects,
      fetch: (request) => {
        sentAt = this.effects.now();
        return this.effects.fetch(request);
      },
    };
    const progress = this.progressWriter(item);
    try {
      const blob = await blobRead;
      outcome = !blob
        ? { ok: false, kind: 'file', error: 'The image data is missing from storage' }
        : item.destination.pageUploader
          ? await this.handToPage(item, blob, controller)
          : (
              await sendThroughTransport(item, blob, effects, {
                cancel: controller.signal,
                replyTimeoutMs: () => replyTimeoutMs,
                onProgress: progress.report,
                saveState: progress.saveState,
              })
            ).outcome;
    } catch (error) {
      outcome = { ok: false, kind: 'file', error: `Could not upload: ${String(error)}` };
    } finally {
      this.controllers.delete(item.id);
      // A progress write still under way must land before the outcome's, not after it.
      await progress.close();
    }
    try {
      // A row marked uploading after its outcome was recorded would be wrong: the mark lands first.
      await marked.catch(() => {});
      this.announce.push(await this.record(item, outcome, sentAt));
    } finally {
      this.inFlight.delete(item.id);
    }
    await this.pump();
  }

  /**
   * The attempt's byte progress and resume state, written in order (one
   * write at a time, each after the last), progress at most every
   * PROGRESS_INTERVAL_MS; `close` waits for the last write and stops the rest.
   */
  private progressWriter(item: QueueItem) {
    const { store, now } = this.effects;
    let writes: Promise<unknown> = Promise.resolve();
    let closed = false;
    let lastAt = Number.NEGATIVE_INFINITY;
    const write = (patch: Partial<QueueItem>, announce: boolean) => {
      writes = writes.then(async () => {
        if (closed) return;
        const updated = await store.update(item.id, patch);
        if (announce) this.effects.notify(updated, this.plan);
      });
      writes.catch(() => {});
      return writes.then(() => {});
    };
    return {
      report: (sentBytes: number, _totalBytes: number) => {
        if (closed || now() - lastAt < PROGRESS_INTERVAL_MS) return;
        lastAt = now();
        void write({ bytesSent: sentBytes }, true);
      },
      saveState: (state: TransportState | undefined) => write({ transportState: state }, false),
      close: async () => {
        await writes.catch(() => {});
        closed = true;
      },
    };
  }

  /** The same attempt through the page's own uploader, under the same upload timeout. */
  private async handToPage(item: QueueItem, blob: Blob, controller: AbortController): Promise<UploadOutcome> {
    if (!this.effects.handToPage) return { ok: false, kind: 'file', error: "No way to reach the page's uploader" };
    const stopTimeout = this.effects.setTimer(() => controller.abort('timed out'), UPLOAD_TIMEOUT_MS);
    try {
      return await this.effects.handToPage(item, blob, controller.signal);
    } finally {
      stopTimeout();
    }
  }

  /** The scheduler's view of the stored settings, snapshots and remembered adaptive levels. */
  private async pacingOver(items: readonly QueueItem[]): Promise<Pacing> {
    const levels = await this.effects.adaptiveMemory?.read();
    return pacingFor(await this.effects.readPacing(), items, levels && { levels, now: this.effects.now() });
  }

  /** Stores how the attempt ended: done, cancelled, queued again for a retry, or failed. */
  private async record(item: QueueItem, outcome: UploadOutcome, sentAt?: number): Promise<QueueItem> {
    const { store } = this.effects;
    const finishedAt = this.effects.now();
    const attempt: AttemptRecord = {
      startedAt: item.startedAt ?? finishedAt,
      finishedAt,
      result: outcome.ok ? 'ok' : outcome.kind,
      bytes: item.size,
      ...(sentAt === undefined ? {} : { sentAt }),
      ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
      ...(!outcome.ok && outcome.problem ? { problem: outcome.problem } : {}),
    };
    if (
      !outcome.ok &&
      outcome.retryAfterAt !== undefined &&
      (outcome.httpStatus === 429 || outcome.httpStatus === 503)
    ) {
      // The whole destination waits, not only this item.
      attempt.holdUntil = outcome.retryAfterAt;
    }
    if (outcome.rateLimit) attempt.rateLimit = outcome.rateLimit;
    // A plain Retry-After is kept per destination too: an hour's hold must outlive the items that met it.
    const reading =
      outcome.rateLimit ??
      (attempt.holdUntil === undefined
        ? undefined
        : { source: 'retry-after' as const, remaining: 0, resetAt: attempt.holdUntil });
    if (reading) {
      // Kept before the row changes: a worker stopped right after still holds the next batch.
      await this.effects.rateLimitMemory
        ?.remember(item.destinationKey, { ...reading, startedAt: attempt.startedAt, answeredAt: finishedAt })
        .catch(() => {});
    }
    const current = (await store.get(item.id)) ?? item;
    const attemptLog = [...(current.attemptLog ?? []), attempt];
    const common = {
      finishedAt,
      httpStatus: outcome.httpStatus,
      attemptLog,
      bytesSent: undefined,
      problem: outcome.ok ? undefined : outcome.problem,
      // excerpt() already keeps it within EXCERPT_LENGTH.
      excerpt: outcome.ok ? undefined : outcome.excerpt,
    };

    if (outcome.ok) {
      const done = await store.update(item.id, {
        ...common,
        status: 'done',
        resultUrl: outcome.resultUrl,
        unconfirmed: outcome.unconfirmed,
        thumbnailUrl: outcome.thumbnailUrl,
        deletionUrl: outcome.deletionUrl,
        error: undefined,
        failureKind: undefined,
        transportState: undefined,
      });
      // The row says done first; dropping the bytes need not hold up the next start.
      void store.deleteBlob(item.id).catch(() => {});
      // Nor does writing what the destination received into the ledger (another database).
      void this.effects.onDone?.(done).catch(() => {});
      return done;
    }
    if (!outcome.ok && outcome.problem === 'page-unreachable' && item.destination.page) {
      // The page is the uploader and it went away during the hand-over: the file waits by name with the rest
      // of its batch (never failed, never lost), until "Go on here" from a panel on the same site.
      const tabId = item.source?.tabId;
      const why = (tabId === undefined ? undefined : this.effects.pageGoneFor?.(tabId)) ?? 'left';
      return store.update(item.id, {
        ...common,
        status: 'queued',
        pageGone: why,
        problem: undefined,
        excerpt: undefined,
      });
    }
    if (outcome.kind === 'cancelled') {
      const cancelled = await store.update(item.id, {
        ...common,
        status: 'cancelled',
        failureKind: 'cancelled',
        transportState: undefined,
      });
      await store.deleteBlob(item.id);
      return cancelled;
    }
    // The item's own destination decides how often and how soon it is tried again.
    // This attempt is over: the pace must see it recorded, not still in flight.
    const items = (await store.list()).map((other) =>
      other.id === item.id ? { ...other, attemptLog, status: 'failed' as const } : other,
    );
    const pacing = await this.pacingOver(items);
    const policy = pacing.policyFor(item);
    const answered =
      policy.mode === 'adaptive' && adaptiveFor(items, item.destinationKey, policy, pacing.memory).answered;
    // A refusal for the host's limit is no failure of the upload: it waits for the quota, not for a retry.
    const rateLimited = outcome.problem === 'rate-limited';
    const retryAt = planRetry({
      failure: outcome,
      retriesDone: current.autoRetries ?? 0,
      rateLimitedWaits: attemptLog.filter((attempt) => attempt.problem === 'rate-limited').length - 1,
      maxRetries: settingsFor(await this.effects.readPacing(), item.destination.pacing).maxRetries,
      finishedAt,
      retryAfterAt: outcome.retryAfterAt,
      gapMs: currentGapMs(items, item.destinationKey, policy, pacing.memory),
      random: this.effects.random(),
      ...(answered ? { minWaitMs: 0 } : {}),
    });
    return store.update(item.id, {
      ...common,
      status: retryAt === null ? 'failed' : 'queued',
      error: outcome.error,
      failureKind: outcome.kind,
      retryAt: retryAt ?? undefined,
      autoRetries: (current.autoRetries ?? 0) + (retryAt === null || rateLimited ? 0 : 1),
    });
  }
}

/** The parts of an adaptive state that change what the next batch starts with. */
function sameLevel(a: AdaptiveState, b: AdaptiveState): boolean {
  return (
    a.concurrency === b.concurrency && a.ceiling === b.ceiling && a.full === b.full && a.gapFloorMs === b.gapFloorMs
  );
}
