import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import {
  admitMessage,
  type GuardEnvironment,
  guardedReceiver,
  MessageRefusedError,
  senderContext,
} from '@/utils/message-guard';
import { MESSAGE_RULES, type MessageRule, type ReceiverContext, type RulesFor } from '@/utils/message-rules';
import { BACKGROUND_RULES } from '@/utils/message-rules/background';
import type { ProtocolMap } from '@/utils/messages';
import { IDLE_PLAN } from '@/utils/queue/types';
import { makeDestination } from '../factories/destination';
import { makeQueueItem } from '../factories/queue-item';

const id = 'abcdefghijklmnopabcdefghijklmnop';
const base = `chrome-extension://${id}/`;
const claimedDocument = 'claimed-document';
const environment: GuardEnvironment = {
  extensionId: id,
  extensionBaseUrl: base,
  isClaimedPanel: async (sender) => sender.documentId === claimedDocument,
};

type Sender = chrome.runtime.MessageSender;
const tab = (tabId: number) => ({ id: tabId }) as chrome.tabs.Tab;
const senders = {
  background: { id, url: `${base}background.js`, origin: base.slice(0, -1) },
  claimedPanel: { id, url: `${base}panel.html`, tab: tab(3), frameId: 7, documentId: claimedDocument },
  pageFramedPanel: { id, url: `${base}panel.html`, tab: tab(3), frameId: 8, documentId: 'framed-by-the-page' },
  popup: { id, url: `${base}popup.html` },
  offscreen: { id, url: `${base}offscreen.html` },
  options: { id, url: `${base}options.html`, tab: tab(4) },
  contentScript: { id, url: 'https://shop.example/upload', tab: tab(3), frameId: 0 },
  webPage: { url: 'https://evil.example/', tab: tab(3), origin: 'https://evil.example' },
  otherExtension: {
    id: 'zyxwvutsrqponmlkzyxwvutsrqponmlk',
    url: 'chrome-extension://zyxwvutsrqponmlkzyxwvutsrqponmlk/panel.html',
  },
  lookAlikeBase: { id, url: `chrome-extension://${id}x/popup.html` },
  noUrl: { id },
  backgroundInATab: { id, url: `${base}background.js`, tab: tab(9) },
} satisfies Record<string, Sender>;

const image = () => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], 'photo.jpg', { type: 'image/jpeg' });
const handOver = (overrides: Record<string, unknown> = {}) => ({
  id: 'row-1',
  file: image(),
  originalSize: 1234,
  width: 640,
  height: 480,
  destination: { kind: 'saved', id: 'dest-1' },
  ...overrides,
});

const originalHandOver = (overrides: Record<string, unknown> = {}) => ({
  id: 'row-1',
  file: image(),
  plan: {
    kind: 'compress',
    keepMetadata: false,
    transparentAs: 'webp',
    maxSide: 2048,
    maxBytes: 1_000_000,
    format: 'auto',
    quality: 0.8,
  },
  destination: { kind: 'saved', id: 'dest-1' },
  owner: 'page-1',
  ...overrides,
});
const compressedHandOver = { id: 'row-1', file: image(), width: 640, height: 480 };

const admit = (receiver: ReceiverContext, type: string, data: unknown, sender: Sender) =>
  admitMessage(MESSAGE_RULES, receiver, type as keyof ProtocolMap, data, sender, environment);

describe('who sent a message', () => {
  it.each([
    { case: 'the service worker', sender: senders.background, context: 'background' },
    { case: 'a panel that claimed its token', sender: senders.claimedPanel, context: 'panel' },
    { case: 'a panel.html a page framed', sender: senders.pageFramedPanel, context: 'unclaimed-panel' },
    { case: 'the popup', sender: senders.popup, context: 'popup' },
    { case: 'the options page', sender: senders.options, context: 'options' },
    { case: 'the offscreen document', sender: senders.offscreen, context: 'offscreen' },
    { case: 'our content script', sender: senders.contentScript, context: 'content-script' },
    { case: 'a web page', sender: senders.webPage, context: 'foreign' },
    { case: 'another extension', sender: senders.otherExtension, context: 'foreign' },
    { case: 'a look-alike extension base', sender: senders.lookAlikeBase, context: 'foreign' },
    { case: 'a sender without a URL', sender: senders.noUrl, context: 'foreign' },
    { case: 'background.js opened in a tab', sender: senders.backgroundInATab, context: 'foreign' },
    { case: 'panel.html outside any tab', sender: { id, url: `${base}panel.html` }, context: 'foreign' },
    { case: 'an unlisted page of ours', sender: { id, url: `${base}bench.html` }, context: 'foreign' },
  ])('$case: $context', async ({ sender, context }) => {
    expect(await senderContext(sender, environment)).toBe(context);
  });

  it('a panel is unclaimed where no claim can be checked (content script, pages)', async () => {
    expect(await senderContext(senders.claimedPanel, { extensionId: id, extensionBaseUrl: base })).toBe(
      'unclaimed-panel',
    );
  });
});

describe('the background accepts each message only from the contexts meant to send it', () => {
  const queueControl = { kind: 'pause' };
  it.each([
    { type: 'queue/control', data: queueControl, sender: senders.claimedPanel, accepted: true },
    { type: 'queue/control', data: queueControl, sender: senders.popup, accepted: true },
    { type: 'queue/control', data: queueControl, sender: senders.pageFramedPanel, accepted: false },
    { type: 'queue/control', data: queueControl, sender: senders.contentScript, accepted: false },
    { type: 'queue/control', data: queueControl, sender: senders.webPage, accepted: false },
    { type: 'queue/control', data: queueControl, sender: senders.otherExtension, accepted: false },
    { type: 'queue/control', data: queueControl, sender: senders.options, accepted: false },
    { type: 'queue/get', data: undefined, sender: senders.pageFramedPanel, accepted: false },
    { type: 'queue/get', data: undefined, sender: senders.popup, accepted: true },
    { type: 'queue/add', data: handOver(), sender: senders.claimedPanel, accepted: true },
    { type: 'queue/add', data: handOver(), sender: senders.popup, accepted: false },
    { type: 'queue/add', data: handOver(), sender: senders.pageFramedPanel, accepted: false },
    { type: 'queue/add', data: handOver(), sender: senders.webPage, accepted: false },
    { type: 'queue/clear-finished', data: undefined, sender: senders.pageFramedPanel, accepted: false },
    { type: 'queue/clear-finished', data: undefined, sender: senders.options, accepted: true },
    { type: 'queue/add-original', data: originalHandOver(), sender: senders.claimedPanel, accepted: true },
    {
      type: 'queue/add-original',
      data: originalHandOver({ plan: { ...originalHandOver().plan, photosAs: 'webp' } }),
      sender: senders.claimedPanel,
      accepted: true,
    },
    { type: 'queue/add-original', data: originalHandOver(), sender: senders.pageFramedPanel, accepted: false },
    { type: 'queue/add-original', data: originalHandOver(), sender: senders.offscreen, accepted: false },
    { type: 'queue/add-compressed', data: compressedHandOver, sender: senders.claimedPanel, accepted: true },
    { type: 'queue/add-compressed', data: compressedHandOver, sender: senders.offscreen, accepted: true },
    { type: 'queue/add-compressed', data: compressedHandOver, sender: senders.popup, accepted: false },
    { type: 'queue/add-compressed', data: compressedHandOver, sender: senders.contentScript, accepted: false },
    { type: 'queue/drop-original', data: { id: 'row-1' }, sender: senders.pageFramedPanel, accepted: false },
    { type: 'originals/claim', data: { owner: 'o' }, sender: senders.offscreen, accepted: true },
    { type: 'originals/claim', data: { owner: 'o' }, sender: senders.claimedPanel, accepted: false },
    {
      type: 'originals/not-compressed',
      data: { id: 'row-1', problem: 'unreadable', width: 0, height: 0, detail: 'x' },
      sender: senders.popup,
      accepted: false,
    },
    {
      type: 'originals/not-compressed',
      data: { id: 'row-1', problem: 'unreadable', width: 0, height: 0, detail: 'x' },
      sender: senders.offscreen,
      accepted: true,
    },
    { type: 'panel/claim', data: { token: 't' }, sender: senders.pageFramedPanel, accepted: true },
    { type: 'panel/claim', data: { token: 't' }, sender: senders.contentScript, accepted: false },
    { type: 'panel/open', data: { tabId: 3 }, sender: senders.popup, accepted: true },
    { type: 'panel/open', data: { tabId: 3 }, sender: senders.claimedPanel, accepted: false },
    { type: 'panel/close', data: undefined, sender: senders.pageFramedPanel, accepted: false },
    { type: 'page/find-forms', data: undefined, sender: senders.claimedPanel, accepted: true },
    { type: 'page/find-forms', data: undefined, sender: senders.pageFramedPanel, accepted: false },
    { type: 'page/highlight-form', data: { index: 0 }, sender: senders.pageFramedPanel, accepted: false },
    { type: 'destination/test', data: undefined, sender: senders.claimedPanel, accepted: false },
    // Queue news goes out from the background; nothing sends it in.
    { type: 'queue/item-changed', data: undefined, sender: senders.claimedPanel, accepted: false },
  ])('$type from $sender.url in $sender.documentId: $accepted', async ({ type, data, sender, accepted }) => {
    const admitted = admit('background', type, data, sender);
    if (accepted) await expect(admitted).resolves.toEqual(data);
    else await expect(admitted).rejects.toThrow(MessageRefusedError);
  });
});

describe('pages and the content script accept only the background', () => {
  it.each([
    { receiver: 'extension-page', type: 'queue/plan-changed', sender: senders.claimedPanel },
    { receiver: 'extension-page', type: 'queue/items-removed', sender: senders.popup },
    { receiver: 'extension-page', type: 'queue/items-removed', sender: senders.webPage },
    { receiver: 'content-script', type: 'panel/unmount', sender: senders.claimedPanel },
    { receiver: 'content-script', type: 'panel/unmount', sender: senders.pageFramedPanel },
    { receiver: 'content-script', type: 'panel/unmount', sender: senders.contentScript },
    { receiver: 'content-script', type: 'panel/unmount', sender: senders.otherExtension },
    { receiver: 'content-script', type: 'page/find-forms', sender: senders.popup },
    // A receiver no rule names accepts nothing, whoever sends.
    { receiver: 'content-script', type: 'queue/control', sender: senders.background },
  ] as const)('$receiver refuses $type from $sender.url', async ({ receiver, type, sender }) => {
    await expect(admit(receiver, type, [], sender)).rejects.toThrow(MessageRefusedError);
  });

  it.each([
    { receiver: 'extension-page', type: 'queue/items-removed', data: ['a', 'b'] },
    { receiver: 'content-script', type: 'panel/unmount', data: undefined },
    { receiver: 'content-script', type: 'page/find-forms', data: undefined },
    { receiver: 'content-script', type: 'page/highlight-form', data: { index: null } },
  ] as const)('$receiver accepts $type from the background', async ({ receiver, type, data }) => {
    await expect(admit(receiver, type, data, senders.background)).resolves.toEqual(data);
  });
});

describe('data of the wrong shape never reaches a handler', () => {
  const fromPanel = (type: string, data: unknown) => admit('background', type, data, senders.claimedPanel);
  it.each([
    { case: 'a file that arrived as {} (JSON serialization)', data: handOver({ file: {} }), where: 'file' },
    { case: 'a Blob that is not a File', data: handOver({ file: new Blob(['x']) }), where: 'file' },
    { case: 'an empty file', data: handOver({ file: new File([], 'empty.jpg') }), where: 'file' },
    { case: 'base64 text instead of bytes', data: handOver({ file: 'data:image/jpeg;base64,/9j/' }), where: 'file' },
    { case: 'no destination', data: handOver({ destination: undefined }), where: 'destination' },
    {
      case: 'an unknown destination kind',
      data: handOver({ destination: { kind: 'url', url: 'x' } }),
      where: 'destination',
    },
    { case: 'a negative size', data: handOver({ originalSize: -1 }), where: 'originalSize' },
    { case: 'a fractional width', data: handOver({ width: 1.5 }), where: 'width' },
    { case: 'a width beyond any image', data: handOver({ width: 1e9 }), where: 'width' },
    { case: 'a size as text', data: handOver({ originalSize: '1234' }), where: 'originalSize' },
    { case: 'an extra field', data: handOver({ resultUrl: 'https://evil.example/' }), where: 'resultUrl' },
    { case: 'an id of a megabyte', data: handOver({ id: 'x'.repeat(1_000_000) }), where: 'id' },
    { case: 'null', data: null, where: 'data' },
  ])('queue/add: $case', async ({ data, where }) => {
    const refused = fromPanel('queue/add', data);
    await expect(refused).rejects.toThrow(MessageRefusedError);
    await expect(refused).rejects.toThrow(new RegExp(`"queue/add": ${where}`));
  });

  it.each([
    { case: 'a plan of an unknown kind', data: originalHandOver({ plan: { kind: 'shrink' } }), where: 'plan' },
    {
      case: 'a plan with a quality above 1',
      data: originalHandOver({ plan: { ...originalHandOver().plan, quality: 5 } }),
      where: 'plan.quality',
    },
    {
      case: 'a plan asking photos as PNG',
      data: originalHandOver({ plan: { ...originalHandOver().plan, photosAs: 'png' } }),
      where: 'plan.photosAs',
    },
    { case: 'an original that arrived as {}', data: originalHandOver({ file: {} }), where: 'file' },
    { case: 'no owner', data: originalHandOver({ owner: undefined }), where: 'owner' },
  ])('queue/add-original: $case', async ({ data, where }) => {
    await expect(fromPanel('queue/add-original', data)).rejects.toThrow(new RegExp(`"queue/add-original": ${where}`));
  });

  it('a file over the hand-over limit is refused without reading it', async () => {
    const huge = image();
    Object.defineProperty(huge, 'size', { value: 257 * 1024 * 1024 });
    await expect(fromPanel('queue/add', handOver({ file: huge }))).rejects.toThrow(/larger than a hand-over/);
  });

  it.each([
    { type: 'queue/control', data: { kind: 'explode' } },
    { type: 'queue/control', data: { kind: 'cancel' } },
    { type: 'queue/control', data: { kind: 'pause', extra: true } },
    { type: 'queue/control', data: 'pause' },
    { type: 'page/highlight-form', data: { index: 'first' } },
    { type: 'page/highlight-form', data: { index: -1 } },
    { type: 'queue/get', data: { sneak: 1 } },
    { type: 'panel/claim', data: { token: 42 } },
  ])('$type with $data', async ({ type, data }) => {
    await expect(fromPanel(type, data)).rejects.toThrow(MessageRefusedError);
  });

  it.each([
    ['panel/open', { tabId: '3' }],
    ['destination/test', { url: 'https://x.example', method: 'GET' }],
  ])('%s with %j from its own sender', async (type, data) => {
    const sender = type === 'panel/open' ? senders.popup : senders.options;
    await expect(admit('background', type, data, sender)).rejects.toThrow(MessageRefusedError);
  });

  it.each(['page/forms-please', 'constructor', '__proto__', 'toString'])('an unknown type "%s"', async (type) => {
    await expect(fromPanel(type, undefined)).rejects.toThrow(/unknown message/);
  });

  it('a good hand-over passes with the same File', async () => {
    const data = handOver({ destination: { kind: 'page-form', form: pageForm() } });
    const admitted = (await fromPanel('queue/add', data)) as { file: File };
    expect(admitted).toEqual(data);
    expect(admitted.file).toBe(data.file);
  });
});

function pageForm() {
  return {
    index: 0,
    label: 'Upload',
    action: 'https://shop.example/upload',
    method: 'POST',
    enctype: 'multipart/form-data',
    charset: 'utf-8',
    fileField: 'image',
    fileInput: 0,
    parts: [
      { name: 'csrf', value: 'abc' },
      { name: 'image', file: { input: 0, multiple: false, accept: 'image/*' } },
    ],
    fillable: [{ part: 0, label: 'Caption', kind: 'text', options: [], required: true }],
  };
}

describe('state from storage passes as the background sends it', () => {
  it('a queue item written by an earlier version (a dropped field) and a fractional gap reach the panel', async () => {
    const item = { ...makeQueueItem({ status: 'done', resultUrl: 'https://img.example/a.jpg' }), legacyField: 1 };
    const plan = { ...IDLE_PLAN, gapMs: 1234.5 };
    const admitted = await admit('extension-page', 'queue/item-changed', { item, plan }, senders.background);
    const { legacyField: _dropped, ...known } = item;
    expect(admitted).toEqual({ item: known, plan });
  });

  it('every saved destination can be tested from the options page', async () => {
    const destination = makeDestination({ headers: [{ name: 'Authorization', value: 'Bearer x' }] });
    await expect(admit('background', 'destination/test', destination, senders.options)).resolves.toEqual(destination);
  });
});

describe('the rules cover the whole protocol', () => {
  it('has a rule for every message declared in ProtocolMap, and no other', () => {
    // Read from the source: the interface has no run-time form. `tsc` checks the same (see below).
    const source = readFileSync(new URL('../../utils/messages.ts', import.meta.url), 'utf8');
    const body = source.slice(source.indexOf('export interface ProtocolMap'));
    const declared = [...body.slice(0, body.indexOf('\n}')).matchAll(/^ {2}'([^']+)'\(/gm)].map((match) => match[1]);
    expect(declared.length).toBeGreaterThan(10);
    expect(Object.keys(MESSAGE_RULES).sort()).toEqual(declared.sort());
  });

  it('every rule names at least one receiver and sender, and a schema', () => {
    for (const [type, rule] of Object.entries(MESSAGE_RULES)) {
      const senderLists = Object.values(rule.accept);
      expect(senderLists.length, type).toBeGreaterThan(0);
      for (const list of senderLists) expect(list?.length, type).toBeGreaterThan(0);
      expect(rule.data.kind, type).toBe('schema');
    }
  });

  it('a missing rule or a schema of another type is a compile error', () => {
    const { 'queue/add': _dropped, ...withoutOne } = MESSAGE_RULES;
    // @ts-expect-error: queue/add has no rule
    const incomplete: RulesFor = withoutOne;
    // @ts-expect-error: the claim's token is a string, not a number
    const wrongSchema: MessageRule<{ token: string }> = { accept: {}, data: v.object({ token: v.number() }) };
    expect([incomplete, wrongSchema]).toHaveLength(2);
  });
});

describe('the receiver wrapper', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** Registers through the real `onMessage`, with chrome.runtime.onMessage captured to deliver messages by hand. */
  function captureListener() {
    let listener: ((message: unknown, sender: Sender, respond: (reply: unknown) => void) => boolean) | undefined;
    vi.stubGlobal('chrome', {
      runtime: {
        onMessage: { addListener: (added: typeof listener) => (listener = added), removeListener: () => {} },
      },
    });
    return (message: unknown, sender: Sender) =>
      new Promise<{ res?: unknown; err?: { name?: string; message?: string } }>((resolve) => {
        if (!listener?.(message, sender, resolve as (reply: unknown) => void)) resolve({});
      });
  }

  it('runs the handler only for an admitted message; a refused one gets a named error', async () => {
    const deliver = captureListener();
    const handler = vi.fn(() => ({ items: [], plan: {} as never }));
    const stop = guardedReceiver('background', BACKGROUND_RULES).on('queue/control', handler);
    const ownId = browser.runtime.id;
    const popup = { id: ownId, url: browser.runtime.getURL('/popup.html') };
    const message = (data: unknown) => ({ id: 1, type: 'queue/control', data, timestamp: Date.now() });

    const fromWebPage = await deliver(message({ kind: 'cancel-all' }), senders.webPage);
    const badShape = await deliver(message({ kind: 'cancel-all', everything: true }), popup);
    const fromOtherExtension = await deliver(message({ kind: 'pause' }), senders.otherExtension);
    expect(handler).not.toHaveBeenCalled();
    for (const reply of [fromWebPage, badShape, fromOtherExtension]) {
      expect(reply.err?.name).toBe('MessageRefusedError');
    }

    const good = await deliver(message({ kind: 'pause' }), popup);
    expect(handler).toHaveBeenCalledOnce();
    expect(handler).toHaveBeenCalledWith({ data: { kind: 'pause' }, sender: popup });
    expect(good.err).toBeUndefined();
    stop();
  });
});
