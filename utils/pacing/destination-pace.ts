import {
  type AdaptiveMemory,
  adaptiveFor,
  type Pacing,
  type PacingPolicy,
  type SchedulerItem,
} from '../queue/scheduler';
import type { QueueItem } from '../queue/types';
import {
  ADAPTIVE_MAX_GAP_MS,
  ADAPTIVE_START_GAP_MS,
  destinationTarget,
  type HeldLevel,
  heldLevelApplies,
} from './adaptive-controller';
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
    adaptive: { startGapMs: ADAPTIVE_START_GAP_MS, maxGapMs: ADAPTIVE_MAX_GAP_MS, floorMs: pace.adaptiveFloorMs },
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

/**
 * The scheduler's view: a policy per item, looked up from the snapshots of
 * `items`, and with `remembered` (the adaptive levels kept per destination)
 * the adaptive memory.
 */
export function pacingFor(
  global: GlobalPace,
  items: readonly Pick<QueueItem, 'id' | 'seq' | 'destination' | 'destinationKey'>[],
  remembered?: { levels: Readonly<Record<string, HeldLevel>>; now: number },
): Pacing {
  const overrides = new Map(items.map((item) => [item.id, item.destination.pacing]));
  const globalPolicy = toPolicy(global);
  return {
    paused: global.paused,
    global: globalPolicy,
    policyFor: (item: SchedulerItem) => {
      const override = overrides.get(item.id);
      return override ? toPolicy(settingsFor(global, override)) : globalPolicy;
    },
    ...(remembered ? { memory: adaptiveMemory(items, remembered.levels, remembered.now) } : {}),
  };
}

/**
 * A destination's current URL is the one in its latest item's snapshot: the
 * remembered level, and the attempts of earlier items, count only when they
 * were measured on that URL.
 */
function adaptiveMemory(
  items: readonly Pick<QueueItem, 'id' | 'seq' | 'destination' | 'destinationKey'>[],
  levels: Readonly<Record<string, HeldLevel>>,
  now: number,
): AdaptiveMemory {
  const targets = new Map(items.map((item) => [item.id, destinationTarget(item.destination)]));
  const current = new Map<string, { seq: number; target: string }>();
  for (const item of items) {
    const latest = current.get(item.destinationKey);
    if (!latest || item.seq > latest.seq)
      current.set(item.destinationKey, { seq: item.seq, target: targets.get(item.id) as string });
  }
  return {
    held: (destinationKey) => {
      const level = levels[destinationKey];
      const target = current.get(destinationKey)?.target;
      return target !== undefined && heldLevelApplies(level, target, now) ? level : undefined;
    },
    counts: (item) => targets.get(item.id) === current.get(item.destinationKey)?.target,
  };
}

/** The level to remember for one destination, or undefined when it does not use the adaptive pace. */
export function levelToRemember(
  pacing: Pacing,
  items: readonly (SchedulerItem & Pick<QueueItem, 'destination'>)[],
  item: SchedulerItem & Pick<QueueItem, 'destination'>,
): HeldLevel | undefined {
  const policy = pacing.policyFor(item);
  if (policy.mode !== 'adaptive') return undefined;
  const { state, through } = adaptiveFor(items, item.destinationKey, policy, pacing.memory);
  return Number.isFinite(through) ? { state, through, target: destinationTarget(item.destination) } : undefined;
}
