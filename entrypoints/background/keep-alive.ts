import { browser } from 'wxt/browser';

export const WAKE_ALARM = 'cadence-wake';

/** Chrome stops an idle worker after 30 s; an extension API call resets that clock. */
const KEEP_ALIVE_INTERVAL_MS = 25_000;
/**
 * Backstop for a worker that was stopped anyway: the alarm wakes it and it
 * resumes. 30 s is the shortest period Chrome allows a packed MV3 extension.
 */
const BACKSTOP_PERIOD_MINUTES = 0.5;

/**
 * While uploads are pending, keep the worker alive the way Chrome's guidance
 * allows and arm an alarm that wakes a stopped worker. When the queue is
 * empty, let the worker sleep.
 */
export function createKeepAlive() {
  let interval: ReturnType<typeof setInterval> | undefined;
  return {
    update(pending: boolean, wakeAt: number | null): void {
      if (!pending) {
        if (interval !== undefined) clearInterval(interval);
        interval = undefined;
        void browser.alarms.clear(WAKE_ALARM);
        return;
      }
      interval ??= setInterval(() => void browser.runtime.getPlatformInfo(), KEEP_ALIVE_INTERVAL_MS);
      void browser.alarms.create(WAKE_ALARM, {
        when: wakeAt ?? Date.now() + BACKSTOP_PERIOD_MINUTES * 60_000,
        periodInMinutes: BACKSTOP_PERIOD_MINUTES,
      });
    },
  };
}
