import type { Pacing, PacingPolicy, SchedulerItem } from '../queue/scheduler';
import type { QueueItem } from '../queue/types';
import { ADAPTIVE_DEFAULTS } from './adaptive-gap';
import type { Pace } from './pace';

/** The global pace as stored, with the user's pause of the whole queue. */
export interface GlobalPace extends Pace {
  paused: boolean;
  /** How long the rest of a reply may take once its status arrived (global only). */
  replyTimeoutMs?: number;
}

export function toPolicy(pace: GlobalPace): PacingPolicy {
  return {
    mode: pace.mode,
    delayMs: pace.delayMs,
    concurrency: pace.concurrency,
    paused: pace.paused,
    adaptive: { ...ADAPTIVE_DEFAULTS, floorMs: pace.adaptiveFloorMs },
  };
}

/**
 * What paces one item: its destination's own pace as the item's snapshot
 * holds it (so editing the destination later does not change queued items),
 * or the global pace. The pause is always the global one.
 */
export function settingsFor(global: GlobalPace, own: Pace | null | undefined): GlobalPace {
  return own ? { ...own, paused: global.paused } : global;
}

/** The scheduler's view: a policy per item, looked up from the snapshots of `items`. */
export function pacingFor(global: GlobalPace, items: readonly Pick<QueueItem, 'id' | 'destination'>[]): Pacing {
  const overrides = new Map(items.map((item) => [item.id, item.destination.pacing]));
  const globalPolicy = toPolicy(global);
  return {
    paused: global.paused,
    global: globalPolicy,
    policyFor: (item: SchedulerItem) => {
      const override = overrides.get(item.id);
      return override ? toPolicy(settingsFor(global, override)) : globalPolicy;
    },
  };
}
