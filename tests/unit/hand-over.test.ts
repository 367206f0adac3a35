import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { describeHandOverFailure } from '@/entrypoints/panel/hand-over-failure';
import { DELIVERY_WAITS_MS, DeliveryFailedError, HandOverRefusedError, sendUntilAnswered } from '@/utils/hand-over';
import { formatMessage, type LocaleMessages } from '@/utils/i18n';

/** Chrome's own words when the worker stopped while a message waited for its reply. */
const CHANNEL_CLOSED = new Error(
  'A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received',
);

/** A refusal as the page receives it: the messaging library rebuilds it as a plain Error with its name and fields. */
function asReceived(error: Error): Error {
  const received = new Error(error.message);
  Object.assign(received, { ...error, name: error.name });
  return received;
}

function sender<T>(outcomes: (T | Error)[]) {
  let calls = 0;
  return {
    send: async () => {
      const outcome = outcomes[Math.min(calls, outcomes.length - 1)];
      calls += 1;
      if (outcome instanceof Error) throw outcome;
      return outcome as T;
    },
    calls: () => calls,
  };
}

describe('a hand-over is sent until the background answers', () => {
  it('sends again when the worker went away, with short waits first', async () => {
    const waits: number[] = [];
    const { send, calls } = sender([CHANNEL_CLOSED, new Error('Receiving end does not exist.'), 'stored']);
    await expect(sendUntilAnswered(send, async (ms) => void waits.push(ms))).resolves.toBe('stored');
    expect(calls()).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it('a refusal is final at once', async () => {
    const { send, calls } = sender([asReceived(new HandOverRefusedError('storage-full', 'storage is full'))]);
    await expect(sendUntilAnswered(send, async () => {})).rejects.toMatchObject({ reason: 'storage-full' });
    expect(calls()).toBe(1);
  });

  it('gives up after every wait with a named error, not the browser text', async () => {
    const waits: number[] = [];
    const { send, calls } = sender<string>([CHANNEL_CLOSED]);
    await expect(sendUntilAnswered(send, async (ms) => void waits.push(ms))).rejects.toThrow(DeliveryFailedError);
    expect(calls()).toBe(DELIVERY_WAITS_MS.length + 1);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThan(10_000);
  });
});

describe('a failed hand-over in words a person understands', () => {
  beforeEach(() => {
    const english = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../public/_locales/en/messages.json'), 'utf8'),
    ) as LocaleMessages;
    browser.i18n.getMessage = vi.fn((key: string, substitutions?: string | string[]) => {
      const entry = english[key];
      return entry ? formatMessage(entry, [substitutions ?? []].flat()) : '';
    }) as typeof browser.i18n.getMessage;
  });

  it.each([
    {
      case: 'the worker never answered',
      error: new DeliveryFailedError(CHANNEL_CLOSED.message),
      words: /did not answer/,
    },
    {
      case: 'storage is full',
      error: asReceived(new HandOverRefusedError('storage-full', 'x')),
      words: /storage is full/,
    },
    {
      case: 'the destination is gone',
      error: asReceived(new HandOverRefusedError('destination', 'The chosen destination no longer exists')),
      words: /no longer exists/,
    },
    { case: 'the original is gone', error: asReceived(new HandOverRefusedError('gone', 'x')), words: /Add it again/ },
    {
      case: 'the guard refused it',
      error: Object.assign(new Error('Refused "queue/add": file: the image is empty'), { name: 'MessageRefusedError' }),
      words: /refused this image/,
    },
  ])('$case', ({ error, words }) => {
    const text = describeHandOverFailure(error);
    expect(text).toMatch(words);
    expect(text).not.toMatch(/listener|message channel|Receiving end/);
  });
});
