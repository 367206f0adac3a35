import { DEFAULT_PACE } from '@/utils/pacing/pace';
import type { RunnerEffects } from '@/utils/queue/runner';
import type { QueueStore } from '@/utils/queue/store';
import { setTimeoutTimer } from '@/utils/upload/send-request';

/** What a server that kept the file answers with the default reply template (`{json:url}`). */
export function okReply(): Response {
  return new Response(JSON.stringify({ url: 'https://cdn.example/x.jpg' }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * A runner's effects over a real store and the global (fake) clock: every
 * upload succeeds at once, the pace is the default one, and nothing is
 * listened to. Override what the test is about.
 */
export function makeRunnerEffects(store: QueueStore, overrides: Partial<RunnerEffects> = {}): RunnerEffects {
  return {
    store,
    now: () => Date.now(),
    setTimer: setTimeoutTimer,
    readPacing: async () => ({ ...DEFAULT_PACE, paused: false }),
    setPaused: async () => {},
    random: () => 0,
    hasOriginAccess: async () => true,
    fetch: async () => okReply(),
    notify: () => {},
    onPlanChange: () => {},
    onPendingChange: () => {},
    ...overrides,
  };
}
