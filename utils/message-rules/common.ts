import type { GetDataType } from '@webext-core/messaging';
import * as v from 'valibot';
import type { ProtocolMap } from '../messages';

// The shared vocabulary of the message rules: who sends, who receives, and
// the bounded shapes every receiver's schemas are built from.

/** Who sent a message, as the receiver can tell from `runtime.MessageSender` (see `senderContext`). */
export type SenderContext =
  /** The service worker. */
  | 'background'
  /** The in-page panel iframe whose document claimed its one-time token. */
  | 'panel'
  /** A panel.html document that did not claim a token: framed by a web page, or opened on its own. */
  | 'unclaimed-panel'
  | 'popup'
  | 'options'
  /** The offscreen document that compresses images whose panel went away (Chrome). */
  | 'offscreen'
  /** Our content script, running in a web page. */
  | 'content-script'
  /** A web page, another extension, or any page of ours not listed above. */
  | 'foreign';

/** Where a message is received: the service worker, an extension page (panel, popup, options), or our content script. */
export type ReceiverContext = 'background' | 'extension-page' | 'content-script';

export type DataOf<K extends keyof ProtocolMap> = GetDataType<ProtocolMap[K]>;

export interface MessageRule<Data> {
  /** For each receiver that handles this message, the senders it accepts. A receiver not listed accepts none. */
  accept: Partial<Record<ReceiverContext, readonly SenderContext[]>>;
  data: v.GenericSchema<unknown, Data>;
}

export type RulesFor = { [K in keyof ProtocolMap]: MessageRule<DataOf<K>> };

/** The rules one receiver holds: only the messages it handles. */
export type ReceiverRules = { [K in keyof ProtocolMap]?: MessageRule<DataOf<K>> };

/** Largest image a hand-over carries: a phone's original HEIC or PNG sent as it is fits with room to spare. */
export const MAX_HANDOVER_BYTES = 256 * 1024 * 1024;
/** Larger than any real image side; the panel sends 0 for an original it could not decode. */
export const MAX_IMAGE_SIDE = 100_000;
/** A right-clicked image's URL may be a whole data: image. */
export const MAX_IMAGE_URL_LENGTH = 150 * 1024 * 1024;

export { amount, count, list, shortText, text, time } from '../bounded-schemas';

/** A message without data: `sendMessage(type, undefined)`. */
export const noData = v.undefined();
