import { describe, expect, it } from 'vitest';
import { MAX_REPLY_BYTES, ReplyBroken, readReply } from '@/utils/upload/read-reply';

/** A Response whose body is these chunks, then (optionally) an error or nothing ever again. */
function streamedResponse(chunks: string[], end: 'close' | 'error' | 'never' = 'close', status = 200): Response {
  const encoder = new TextEncoder();
  let cancelled = false;
  const queue = [...chunks];
  const body = new ReadableStream<Uint8Array>({
    // One chunk per read, so an error comes after the chunks were read (an error drops what is still queued).
    pull(controller) {
      const chunk = queue.shift();
      if (chunk !== undefined) return controller.enqueue(encoder.encode(chunk));
      if (end === 'close') controller.close();
      if (end === 'error') controller.error(new TypeError('network error'));
      // 'never': no more data, no end.
      return new Promise(() => {});
    },
    cancel() {
      cancelled = true;
    },
  });
  const response = new Response(body, { status, headers: { 'content-type': 'application/json' } });
  return Object.assign(response, { wasCancelled: () => cancelled });
}

describe('readReply: at most MAX_REPLY_BYTES, and what arrived before a failure', () => {
  it('reads a small reply whole', async () => {
    expect((await readReply(streamedResponse(['{"url":', '"https://x/1"}']))).body).toBe('{"url":"https://x/1"}');
  });

  it('a 50 MB reply: stops at the limit and cancels the rest unread', async () => {
    const megabyte = 'x'.repeat(1024 * 1024);
    let pulled = 0;
    const response = new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          if (pulled > 50) controller.close();
          else controller.enqueue(new TextEncoder().encode(megabyte));
        },
      }),
    );
    const error = await readReply(response).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReplyBroken);
    expect((error as ReplyBroken).reason).toBe('too-large');
    expect((error as ReplyBroken).partial.length).toBe(MAX_REPLY_BYTES);
    // One chunk read (plus what the stream queued ahead), never the 50.
    expect(pulled).toBeLessThan(4);
  });

  it('a connection closed mid-reply: the start that arrived is kept', async () => {
    const error = await readReply(streamedResponse(['{"url":"https://x'], 'error')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'closed', partial: '{"url":"https://x' });
  });

  it('a reply that never ends: the signal stops the reading and cancels the stream', async () => {
    const response = streamedResponse(['{"url":'], 'never') as Response & { wasCancelled(): boolean };
    const controller = new AbortController();
    const reading = readReply(response, { signal: controller.signal }).catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort('reply timed out');
    expect(await reading).toMatchObject({ reason: 'aborted', partial: '{"url":' });
    expect(response.wasCancelled()).toBe(true);
  });
});
