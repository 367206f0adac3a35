import {
  buildUploadRequest,
  describeNetworkError,
  excerpt,
  MAX_REPLY_BYTES,
  PROBLEM_NAMES,
  parseUploadResponse,
  ReplyBroken,
  type ReplyInfo,
  readReply,
  type UploadOutcome,
} from '../upload/request';
import { type PacingSettings, pacingFor, settingsFor, toPolicy } from './destination-policy';
import { describePlan } from './plan';
import { planRetry } from './retry';
import { currentGapMs, decideNext } from './scheduler';
import type { QueueStore } from './store';
import { type AttemptRecord, IDLE_PLAN, type QueueCommand, type QueueItem, type QueuePlan } from './types';

/** A stalled server must not hold a slot forever. */
export const UPLOAD_TIMEOUT_MS = 5 * 60_000;

/** How long the rest of a reply may take once its status arrived, unless the user set another (replyTimeoutMsSetting). */
export const DEFAULT_REPLY_TIMEOUT_MS = 30_000;

export type { PacingSettings } from './destination-policy';

/** `RunnerEffects.setTimer` over the global `setTimeout` (the worker's, or a test's fake timers). */
export function setTimeoutTimer(callback: () => void, ms: number): () => void {
  const handle = setTimeout(callback, ms);
  return () => clearTimeout(handle);
}

export interface RunnerEffects {
  store: QueueStore;
  now(): number;
  /** Returns a cancel function. */
  setTimer(callback: () => void, ms: number): () => void;
  readPacing(): Promise<PacingSettings>;
  /** Stores the user's pause; the next `readPacing` returns it. */
  setPaused(paused: boolean): Promise<void>;
  /** In [0, 1): spreads retries in time. */
  random(): number;
  fetch(request: Request): Promise<Response>;
  /**
   * Whether the extension may reach this URL's origin. Asked only after a
   * fetch failed without a reply: a missing permission looks like a reset.
   */
  hasOriginAccess(url: string): Promise<boolean>;
  /** Called the moment an item changes state. */
  notify(item: QueueItem, plan: QueuePlan): void;
  /** Called when the plan changed without an item changing (pause, a hold ending, a slot freed). */
  onPlanChange(plan: QueuePlan): void;
  /** Work is pending (keep the worker alive, arm a wake-up) or not. */
  onPendingChange(pending: boolean, wakeAt: number | null): void;
}

/** Abort reasons, told apart when the fetch rejects. */
const CANCELLED = 'cancelled by the user';
const TIMED_OUT = 'upload timed out';
const REPLY_TIMED_OUT = 'reply timed out';
const MAX_REPLY_KB = MAX_REPLY_BYTES / 1024;

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
    }
    await this.pump();
  }

  private async cancel(id: string): Promise<void> {
    const { store } = this.effects;
    const item = await store.get(id);
    if (!item) return;
    if (item.status === 'uploading') {
      // In flight here: abort it, and upload() records the cancel. In flight
      // but past its reply: let it finish, it is already sent.
      const controller = this.controllers.get(id);
      if (controller) controller.abort(CANCELLED);
      if (this.inFlight.has(id)) return;
    } else if (item.status !== 'queued') {
      return;
    }
    // Not started (or orphaned by a dead worker): nothing to abort.
    const cancelled = await store.update(id, {
      status: 'cancelled',
      failureKind: 'cancelled',
      error: undefined,
      retryAt: undefined,
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

  private async step(): Promise<void> {
    const { store, now } = this.effects;
    const items = await store.list();
    // Read fresh at every step: the global settings may have changed; each item's own override is in its snapshot.
    const pacing = pacingFor(await this.effects.readPacing(), items);
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
      const started = await store.update(decision.itemId, {
        status: 'uploading',
        startedAt: now(),
        finishedAt: undefined,
        retryAt: undefined,
        attempts: (previous?.attempts ?? 0) + 1,
      });
      this.inFlight.add(started.id);
      this.effects.notify(started, this.plan);
      void this.upload(started);
      // Staggered and adaptive may start another, or must arm the timer for it.
      this.pumpAgain = true;
    }
  }

  private async upload(item: QueueItem): Promise<void> {
    const { store } = this.effects;
    const controller = new AbortController();
    this.controllers.set(item.id, controller);
    // The timeout runs on the injected timer, so fake clocks drive it too.
    const stopTimeout = this.effects.setTimer(() => controller.abort(TIMED_OUT), UPLOAD_TIMEOUT_MS);
    let outcome: UploadOutcome;
    try {
      const blob = await store.getBlob(item.id);
      outcome = blob
        ? await this.send(item, blob, controller)
        : { ok: false, kind: 'file', error: 'The image data is missing from storage' };
    } catch (error) {
      outcome = { ok: false, kind: 'file', error: `Could not upload: ${String(error)}` };
    } finally {
      stopTimeout();
      this.controllers.delete(item.id);
    }
    try {
      this.announce.push(await this.record(item, outcome));
    } finally {
      this.inFlight.delete(item.id);
    }
    await this.pump();
  }

  /** Stores how the attempt ended: done, cancelled, queued again for a retry, or failed. */
  private async record(item: QueueItem, outcome: UploadOutcome): Promise<QueueItem> {
    const { store } = this.effects;
    const finishedAt = this.effects.now();
    const attempt: AttemptRecord = {
      startedAt: item.startedAt ?? finishedAt,
      finishedAt,
      result: outcome.ok ? 'ok' : outcome.kind,
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
    const current = (await store.get(item.id)) ?? item;
    const attemptLog = [...(current.attemptLog ?? []), attempt];
    const common = {
      finishedAt,
      httpStatus: outcome.httpStatus,
      attemptLog,
      problem: outcome.ok ? undefined : outcome.problem,
      // excerpt() already keeps it within EXCERPT_LENGTH.
      excerpt: outcome.ok ? undefined : outcome.excerpt,
    };

    if (outcome.ok) {
      const done = await store.update(item.id, {
        ...common,
        status: 'done',
        resultUrl: outcome.resultUrl,
        thumbnailUrl: outcome.thumbnailUrl,
        deletionUrl: outcome.deletionUrl,
        error: undefined,
        failureKind: undefined,
      });
      await store.deleteBlob(item.id);
      return done;
    }
    if (outcome.kind === 'cancelled') {
      const cancelled = await store.update(item.id, { ...common, status: 'cancelled', failureKind: 'cancelled' });
      await store.deleteBlob(item.id);
      return cancelled;
    }
    // The item's own destination decides how often and how soon it is tried again.
    const settings = settingsFor(await this.effects.readPacing(), item.destination.pacing);
    const items = (await store.list()).map((other) => (other.id === item.id ? { ...other, attemptLog } : other));
    const retryAt = planRetry({
      failure: outcome,
      retriesDone: current.autoRetries ?? 0,
      maxRetries: settings.maxRetries,
      finishedAt,
      retryAfterAt: outcome.retryAfterAt,
      gapMs: currentGapMs(items, item.destinationKey, toPolicy(settings)),
      random: this.effects.random(),
    });
    return store.update(item.id, {
      ...common,
      status: retryAt === null ? 'failed' : 'queued',
      error: outcome.error,
      failureKind: outcome.kind,
      retryAt: retryAt ?? undefined,
      autoRetries: (current.autoRetries ?? 0) + (retryAt === null ? 0 : 1),
    });
  }

  private async send(item: QueueItem, blob: Blob, controller: AbortController): Promise<UploadOutcome> {
    const { signal } = controller;
    let request: Request;
    try {
      request = await buildUploadRequest(item, blob);
    } catch (error) {
      // A broken template in the destination snapshot: no retry can fix it.
      return { ok: false, kind: 'file', error: `Could not build the request: ${String(error)}` };
    }
    let response: Response;
    try {
      response = await this.effects.fetch(new Request(request, { signal }));
    } catch (error) {
      const aborted = abortOutcome(signal);
      if (aborted) return aborted;
      if (!(await this.effects.hasOriginAccess(request.url).catch(() => true))) {
        // Not retried automatically: no later attempt can succeed until the user allows the origin.
        return { ok: false, kind: 'permission', error: `No permission to reach ${new URL(request.url).origin}` };
      }
      return { ok: false, kind: 'reset', error: describeNetworkError(error) };
    }
    // The status is in; the rest of the reply gets its own, shorter limit.
    const replyTimeoutMs = (await this.effects.readPacing()).replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
    const stopReplyTimeout = this.effects.setTimer(() => controller.abort(REPLY_TIMED_OUT), replyTimeoutMs);
    let reply: ReplyInfo;
    try {
      reply = await readReply(response, { signal });
    } catch (error) {
      return brokenReplyOutcome(error, response.status, signal, replyTimeoutMs);
    } finally {
      stopReplyTimeout();
    }
    return parseUploadResponse(item.destination, reply, item.name, this.effects.now());
  }
}

/**
 * A reply that arrived with a status and then failed. Retry policy (retry.ts):
 * - never finished: a timeout, retried like one (a stuck server may recover;
 *   the resend carries the same Idempotency-Key so the server can drop a repeat);
 * - closed mid-reply, or too large to read: 'unreadable', never retried by
 *   itself, because the server answered and so probably stored the upload,
 *   and a resend could store it twice on a server that ignores the key. The
 *   user may retry by hand.
 */
function brokenReplyOutcome(
  error: unknown,
  httpStatus: number,
  signal: AbortSignal,
  replyTimeoutMs: number,
): UploadOutcome {
  const partial = error instanceof ReplyBroken ? excerpt(error.partial) : '';
  const withExcerpt = partial ? { excerpt: partial } : {};
  if (signal.aborted && signal.reason === REPLY_TIMED_OUT) {
    return {
      ok: false,
      kind: 'timeout',
      httpStatus,
      problem: 'reply-never-finished',
      error: `${PROBLEM_NAMES['reply-never-finished']}: HTTP ${httpStatus}, then nothing more within ${replyTimeoutMs / 1000} s`,
      ...withExcerpt,
    };
  }
  const aborted = abortOutcome(signal);
  if (aborted) return aborted;
  if (error instanceof ReplyBroken && error.reason === 'too-large') {
    return {
      ok: false,
      kind: 'unreadable',
      httpStatus,
      problem: 'reply-too-large',
      error: `${PROBLEM_NAMES['reply-too-large']}: HTTP ${httpStatus}, over ${MAX_REPLY_KB} KB, the rest was not read`,
      ...withExcerpt,
    };
  }
  return {
    ok: false,
    kind: 'unreadable',
    httpStatus,
    problem: 'closed-mid-reply',
    error: `${PROBLEM_NAMES['closed-mid-reply']}: HTTP ${httpStatus}, ${error instanceof ReplyBroken && error.cause !== undefined ? String(error.cause) : String(error)}`,
    ...withExcerpt,
  };
}

function abortOutcome(signal: AbortSignal): UploadOutcome | undefined {
  if (!signal.aborted) return undefined;
  if (signal.reason === CANCELLED) return { ok: false, kind: 'cancelled', error: 'Cancelled' };
  return { ok: false, kind: 'timeout', error: `Timed out: no reply within ${UPLOAD_TIMEOUT_MS / 1000} s` };
}
