import type * as v from 'valibot';
import type { ProtocolMap } from '../messages';
import { BACKGROUND_RULES } from './background';
import type { DataOf, MessageRule, ReceiverContext, RulesFor, SenderContext } from './common';
import { CONTENT_SCRIPT_RULES } from './content-script';
import { EXTENSION_PAGE_RULES } from './extension-page';

export type { MessageRule, ReceiverContext, ReceiverRules, RulesFor, SenderContext } from './common';
export { MAX_HANDOVER_BYTES } from './common';

/**
 * Run-time rules for every message of the protocol: who may send it to whom,
 * and the shape its data must have, one table per receiver (background.ts,
 * extension-page.ts, content-script.ts) so each bundle carries only its own.
 * The guard (utils/message-guard.ts) applies a receiver's table before any
 * handler runs. This file joins the tables, for the checks below and tests.
 */
const TABLES = [BACKGROUND_RULES, EXTENSION_PAGE_RULES, CONTENT_SCRIPT_RULES] as const;

type Joined = typeof BACKGROUND_RULES & typeof EXTENSION_PAGE_RULES & typeof CONTENT_SCRIPT_RULES;

function join(): RulesFor {
  const joined: Record<
    string,
    { accept: Partial<Record<ReceiverContext, readonly SenderContext[]>>; data: v.GenericSchema }
  > = {};
  for (const table of TABLES) {
    for (const [type, rule] of Object.entries(table) as [string, MessageRule<unknown>][]) {
      const before = joined[type];
      joined[type] = { accept: { ...before?.accept, ...rule.accept }, data: rule.data };
    }
  }
  return joined as unknown as RulesFor;
}

/**
 * Each table only checks that its schemas' outputs fit the data types; this
 * checks every message has a rule and its output is exactly the data type, so a field added to a
 * payload type without its schema (or the reverse) fails `tsc`.
 */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** The messages whose schema output is not exactly their data type; `never` when all match. */
type MismatchedSchemas = {
  [K in keyof ProtocolMap]: K extends keyof Joined
    ? Equals<v.InferOutput<Joined[K]['data']>, DataOf<K>> extends true
      ? never
      : K
    : K;
}[keyof ProtocolMap];
/** A type error here names the message whose schema drifted from its data type. */
export const schemasMatchProtocol: [MismatchedSchemas] extends [never] ? true : `schema differs: ${MismatchedSchemas}` =
  true;

/** The rules of every receiver, joined: one entry per message. */
export const MESSAGE_RULES: RulesFor = join();
