import type { GetDataType, GetReturnType } from '@webext-core/messaging';
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import type { ReceiverContext, ReceiverRules, SenderContext } from './message-rules/common';
import { onMessage, type ProtocolMap } from './messages';

/** A message was not let through to its handler: wrong sender, or data of the wrong shape. */
export class MessageRefusedError extends Error {
  override name = 'MessageRefusedError';
}

export interface GuardEnvironment {
  /** `runtime.id`. */
  extensionId: string;
  /** `runtime.getURL('/')`. */
  extensionBaseUrl: string;
  /**
   * Only the background can tell a claimed panel from one a web page framed;
   * without this every panel.html sender counts as unclaimed.
   */
  isClaimedPanel?(sender: chrome.runtime.MessageSender): Promise<boolean>;
}

/** The extension's own pages, by path; any other page of ours (the bench page) is 'foreign'. */
const PAGE_CONTEXTS: Record<string, SenderContext> = {
  '/background.js': 'background',
  '/popup.html': 'popup',
  '/options.html': 'options',
  '/panel.html': 'unclaimed-panel',
  '/offscreen.html': 'offscreen',
};

/**
 * Where a message came from, as far as `sender` tells. Another extension, a
 * web page (through `externally_connectable`, which Cadence does not declare)
 * or a sender without a URL is 'foreign'. The panel counts as 'panel' only
 * after `isClaimedPanel` says so.
 */
export async function senderContext(
  sender: chrome.runtime.MessageSender,
  environment: GuardEnvironment,
): Promise<SenderContext> {
  const { extensionId, extensionBaseUrl } = environment;
  if (sender.id !== extensionId || typeof sender.url !== 'string') return 'foreign';
  if (!sender.url.startsWith(extensionBaseUrl)) {
    // Our content script: same id, the web page's URL, and the page's tab.
    return sender.tab === undefined ? 'foreign' : 'content-script';
  }
  const page = PAGE_CONTEXTS[new URL(sender.url).pathname] ?? 'foreign';
  // The service worker is in no tab; a background.js "page" in a tab is not it.
  if (page === 'background' && sender.tab !== undefined) return 'foreign';
  if (page === 'unclaimed-panel') {
    // The panel is always framed into a tab; the claim is per document.
    if (sender.tab === undefined) return 'foreign';
    return (await environment.isClaimedPanel?.(sender)) ? 'panel' : 'unclaimed-panel';
  }
  return page;
}

/**
 * Lets a message through only when `receiver`'s `rules` accept its sender's context
 * for this message type and its data matches the message's schema. Returns
 * the parsed data, or throws `MessageRefusedError` naming what was wrong.
 */
export async function admitMessage<K extends keyof ProtocolMap>(
  rules: ReceiverRules,
  receiver: ReceiverContext,
  type: K,
  data: unknown,
  sender: chrome.runtime.MessageSender,
  environment: GuardEnvironment,
): Promise<GetDataType<ProtocolMap[K]>> {
  // A type the protocol does not know has no rule; `Object.hasOwn` so "constructor" is not one.
  const rule = Object.hasOwn(rules, type) ? rules[type] : undefined;
  if (!rule) throw new MessageRefusedError(`Refused "${String(type)}": unknown message`);
  const from = await senderContext(sender, environment);
  const accepted = rule.accept[receiver] ?? [];
  if (!accepted.includes(from)) {
    throw new MessageRefusedError(`Refused "${type}": not accepted from ${from} by ${receiver}`);
  }
  const parsed = v.safeParse(rule.data, data);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((step) => String(step.key)).join('.') || 'data';
    throw new MessageRefusedError(`Refused "${type}": ${where}: ${issue.message}`);
  }
  return parsed.output;
}

/** What a guarded handler receives: the data, already checked, and who sent it. */
export interface GuardedMessage<K extends keyof ProtocolMap> {
  data: GetDataType<ProtocolMap[K]>;
  sender: chrome.runtime.MessageSender;
}

/** Registers handlers for one receiving context, each behind the guard. */
export interface GuardedReceiver<R extends ReceiverRules> {
  /**
   * `onMessage` with the guard in front: the handler runs only for a message
   * `admitMessage` lets through; any other is answered with a
   * `MessageRefusedError` and has no effect. Returns the listener's remover.
   */
  on<K extends keyof R & keyof ProtocolMap>(
    type: K,
    handler: (message: GuardedMessage<K>) => GetReturnType<ProtocolMap[K]> | Promise<GetReturnType<ProtocolMap[K]>>,
  ): () => void;
}

/**
 * `rules` is the receiver's own table (utils/message-rules/), so a bundle
 * carries only the schemas of the messages it handles.
 */
export function guardedReceiver<R extends ReceiverRules>(
  receiver: ReceiverContext,
  rules: R,
  options: Pick<GuardEnvironment, 'isClaimedPanel'> = {},
): GuardedReceiver<R> {
  const environment: GuardEnvironment = {
    extensionId: browser.runtime.id,
    extensionBaseUrl: browser.runtime.getURL('/'),
    ...options,
  };
  return {
    on: (type, handler) =>
      onMessage(type, async ({ data, sender }) => {
        const admitted = await admitMessage(rules, receiver, type, data, sender, environment);
        return handler({ data: admitted, sender });
      }),
  };
}
