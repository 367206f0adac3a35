/** What the reply parser needs from a Response, so it stays a pure function. */
export interface ReplyInfo {
  status: number;
  headers: Headers;
  /** The URL the reply came from (after redirects); '' when unknown. */
  url: string;
  /** The request was redirected on the way (fetch follows redirects). */
  redirected?: boolean;
  body: string;
}

/**
 * An upload reply is a few hundred bytes of JSON or a URL. More than this is
 * not a reply to read: the rest is cancelled unread, so a 50 MB or endless
 * body cannot eat the worker's memory.
 */
export const MAX_REPLY_BYTES = 256 * 1024;
/** A reply that could not be read whole; `partial` is the start of what did arrive. */
export class ReplyBroken extends Error {
  override name = 'ReplyBroken';
  constructor(
    readonly reason: 'too-large' | 'closed' | 'aborted',
    readonly partial: string,
    cause?: unknown,
  ) {
    super(reason === 'closed' ? `the reply broke off: ${String(cause)}` : `reply ${reason}`, { cause });
  }
}

/**
 * Reads a fetch Response into what the parser needs, at most `maxBytes` of
 * it: beyond that the rest is cancelled unread. `signal` stops the reading
 * (the reply timeout, the user's cancel). Rejects with ReplyBroken.
 * Read by hand with a stream reader: `response.text()` has no limit and no
 * way to keep what arrived before a failure.
 */
export async function readReply(
  response: Response,
  { maxBytes = MAX_REPLY_BYTES, signal }: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<ReplyInfo> {
  const info = {
    status: response.status,
    headers: response.headers,
    url: response.url,
    redirected: response.redirected,
  };
  if (!response.body) return { ...info, body: '' };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let body = '';
  let total = 0;
  const stop = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw new ReplyBroken('aborted', body);
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new ReplyBroken(signal?.aborted ? 'aborted' : 'closed', body, error);
      }
      // A cancel from the signal ends the stream as if it were done.
      if (signal?.aborted) throw new ReplyBroken('aborted', body);
      if (chunk.done) break;
      total += chunk.value.byteLength;
      if (total > maxBytes) {
        body += decoder.decode(chunk.value.subarray(0, Math.max(0, maxBytes - (total - chunk.value.byteLength))));
        stop();
        throw new ReplyBroken('too-large', body);
      }
      body += decoder.decode(chunk.value, { stream: true });
    }
    return { ...info, body: body + decoder.decode() };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
