import { describe, expect, it } from 'vitest';
import { type SendEffects, sendUpload } from '@/utils/upload/send-request';
import { makeSnapshot } from '../factories/destination';

/** Timers run only when the test says: `fire(ms)` runs every one due by then. */
function manualTimers() {
  let clock = 0;
  const timers: { at: number; callback: () => void }[] = [];
  return {
    setTimer(callback: () => void, ms: number) {
      const timer = { at: clock + ms, callback };
      timers.push(timer);
      return () => {
        const index = timers.indexOf(timer);
        if (index >= 0) timers.splice(index, 1);
      };
    },
    now: () => clock,
    fire(ms: number) {
      clock += ms;
      for (const timer of timers.filter((one) => one.at <= clock)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.callback();
      }
    },
    pending: () => timers.length,
  };
}

/** A server that sends its status and a first chunk, then nothing more, until the reading is cancelled. */
function statusThenSilence(): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"url":'));
    },
  });
  return new Response(stream, { status: 200, headers: { 'content-type': 'application/json' } });
}

const ITEM = { destination: makeSnapshot(), name: 'photo.jpg', idempotencyKey: 'key-1' };
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('sendUpload: one path for the queue and "Test destination"', () => {
  it('a reply that never finishes ends at the reply timeout, before the upload timeout, with what arrived', async () => {
    const timers = manualTimers();
    const effects: SendEffects = { fetch: async () => statusThenSilence(), ...timers };
    const sending = sendUpload(ITEM, new Blob(['x']), effects, {
      uploadTimeoutMs: 30_000,
      replyTimeoutMs: async () => 5_000,
    });
    await settle();
    timers.fire(4_999);
    await settle();
    timers.fire(1);
    const { outcome, reply } = await sending;
    expect(reply).toBeUndefined();
    expect(outcome).toMatchObject({
      ok: false,
      kind: 'timeout',
      httpStatus: 200,
      problem: 'reply-never-finished',
      excerpt: '{"url":',
    });
    expect(outcome.ok || outcome.error).toMatch(/within 5 s/);
    expect(timers.pending()).toBe(0);
  });

  it('no status within the upload timeout: a timeout naming that limit', async () => {
    const timers = manualTimers();
    const effects: SendEffects = {
      ...timers,
      fetch: (request) =>
        new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))),
    };
    const sending = sendUpload(ITEM, new Blob(['x']), effects, {
      uploadTimeoutMs: 30_000,
      replyTimeoutMs: async () => 5_000,
    });
    await settle();
    timers.fire(30_000);
    expect((await sending).outcome).toEqual({ ok: false, kind: 'timeout', error: 'Timed out: no reply within 30 s' });
  });

  it("the user's cancel ends it as cancelled, even when it came before the request was sent", async () => {
    const timers = manualTimers();
    const cancel = new AbortController();
    cancel.abort();
    const effects: SendEffects = {
      ...timers,
      fetch: async (request) => {
        request.signal.throwIfAborted();
        return new Response('{"url":"http://x/1"}');
      },
    };
    const { outcome } = await sendUpload(ITEM, new Blob(['x']), effects, {
      cancel: cancel.signal,
      replyTimeoutMs: async () => 5_000,
    });
    expect(outcome).toEqual({ ok: false, kind: 'cancelled', error: 'Cancelled' });
  });

  it('a whole reply is parsed and returned with the outcome', async () => {
    const timers = manualTimers();
    const effects: SendEffects = {
      ...timers,
      fetch: async () => new Response('{"url":"http://127.0.0.1/i/1.jpg"}', { status: 201 }),
    };
    const { outcome, reply } = await sendUpload(
      { ...ITEM, destination: makeSnapshot({ reply: { ...makeSnapshot().reply, url: '{json:url}' } }) },
      new Blob(['x']),
      effects,
      { replyTimeoutMs: async () => 5_000 },
    );
    expect(outcome).toMatchObject({ ok: true, httpStatus: 201, resultUrl: 'http://127.0.0.1/i/1.jpg' });
    expect(reply?.status).toBe(201);
    expect(timers.pending()).toBe(0);
  });
});
