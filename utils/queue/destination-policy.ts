import type { DestinationPacing } from '../destinations/model';
import type { PacingOptions } from '../settings';
import { ADAPTIVE_DEFAULTS } from './adaptive-gap';
import type { Pacing, PacingPolicy, SchedulerItem } from './scheduler';
import type { QueueItem } from './types';

/** The global pace as stored: the options, the delay and the user's pause. */
export interface PacingSettings extends PacingOptions {
  delayMs: number;
  paused: boolean;
  /** How long the rest of a reply may take once its status arrived (global only). */
  replyTimeoutMs?: number;
}

export function toPolicy(settings: PacingSettings): PacingPolicy {
  return {
    mode: settings.mode,
    delayMs: settings.delayMs,
    concurrency: settings.concurrency,
    paused: settings.paused,
    adaptive: { ...ADAPTIVE_DEFAULTS, floorMs: settings.adaptiveFloorMs },
  };
}

/**
 * What paces one item: its destination's own pace as the item's snapshot
 * holds it (so editing the destination later does not change queued items),
 * or the global settings. The pause is always the global one.
 */
export function settingsFor(global: PacingSettings, override: DestinationPacing | null | undefined): PacingSettings {
  return override ? { ...override, paused: global.paused } : global;
}

/** The scheduler's view: a policy per item, looked up from the snapshots of `items`. */
export function pacingFor(global: PacingSettings, items: readonly Pick<QueueItem, 'id' | 'destination'>[]): Pacing {
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
