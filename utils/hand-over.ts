/**
 * Why the background refused a hand-over: something a person can act on,
 * never a delivery failure. A hand-over that failed because the worker went
 * away is no refusal; the page sends it again (it is idempotent by id).
 */
export type HandOverRefusal =
  /** Browser storage is full: nothing was stored. */
  | 'storage-full'
  /** The destination is gone, unusable, or Cadence has no access to it. */
  | 'destination'
  /** The compressed image's original is no longer waiting (cleared, or dropped). */
  | 'gone';

export class HandOverRefusedError extends Error {
  override name = 'HandOverRefusedError';
  constructor(
    readonly reason: HandOverRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** The store's QueueFullError as a refusal the page can word. */
export function refuseWhenFull(error: unknown): never {
  if (error instanceof Error && error.name === 'QueueFullError') {
    throw new HandOverRefusedError('storage-full', error.message);
  }
  throw error;
}

/** Error names that mean the background decided, so sending again cannot help. */
const REFUSAL_NAMES: ReadonlySet<string> = new Set(['HandOverRefusedError', 'MessageRefusedError']);

/**
 * A refusal as it arrives in the page: the messaging library rebuilds the
 * background's error as a plain Error carrying its name and fields.
 */
export function refusalOf(error: unknown): { reason: HandOverRefusal | 'refused'; detail: string } | undefined {
  if (!(error instanceof Error) || !REFUSAL_NAMES.has(error.name)) return undefined;
  const reason = (error as Partial<HandOverRefusedError>).reason;
  return { reason: reason ?? 'refused', detail: error.message };
}

/** A hand-over that never reached a running background after every try. */
export class DeliveryFailedError extends Error {
  override name = 'DeliveryFailedError';
}

/** Waits between tries: short first (a stopped worker starts again in well under a second), then up to 2 s. */
export const DELIVERY_WAITS_MS: readonly number[] = [100, 200, 400, 800, 1_500, 2_000, 2_000, 2_000, 2_000, 2_000];

/**
 * Sends until the background answers. A message whose worker went away
 * mid-reply ("the message channel closed before a response was received",
 * "Receiving end does not exist") is sent again: every hand-over is
 * idempotent by its id, so a repeat never queues twice. A refusal is
 * final at once.
 */
export async function sendUntilAnswered<T>(
  send: () => Promise<T>,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (const waitMs of [...DELIVERY_WAITS_MS, null]) {
    try {
      return await send();
    } catch (error) {
      if (refusalOf(error)) throw error;
      if (waitMs === null) {
        throw new DeliveryFailedError(error instanceof Error ? error.message : String(error), { cause: error });
      }
      await wait(waitMs);
    }
  }
  throw new DeliveryFailedError('unreachable');
}
