/**
 * The one piece of Cadence that runs in the page's own JavaScript world
 * (`scripting.executeScript({ world: 'MAIN' })`): a page's uploader sends
 * with its own XMLHttpRequest or fetch, which the content script cannot see.
 * Injected only after the user handed a batch to the page's uploader, only
 * into that tab; removed when the batch ends (the `${channel}:stop` event).
 *
 * It reports, for each request whose body carries a File, the files' names
 * and sizes, then the status and the start of the reply. The page can read
 * and forge these reports: the content script treats them as claims about
 * the page's own uploads and nothing more (see follow-upload.ts).
 *
 * Serialized by executeScript: it must not use anything from outside its body.
 */
export function installUploadWatcher(channel: string): void {
  const EXCERPT_CHARS = 2000;
  const report = (detail: Record<string, unknown>) =>
    // A string crosses between the page's world and the content script's; an object would not.
    window.dispatchEvent(new CustomEvent(channel, { detail: JSON.stringify(detail) }));
  const filesIn = (body: unknown): { name: string; size: number }[] => {
    if (body instanceof File) return [{ name: body.name, size: body.size }];
    if (!(body instanceof FormData)) return [];
    const files: { name: string; size: number }[] = [];
    for (const [, value] of body) if (value instanceof File) files.push({ name: value.name, size: value.size });
    return files;
  };
  let nextId = 0;
  let stopped = false;
  const proto = XMLHttpRequest.prototype;
  const originalOpen = proto.open;
  const originalSend = proto.send;
  const originalFetch = window.fetch;
  const urls = new WeakMap<XMLHttpRequest, string>();

  const open = function (this: XMLHttpRequest, ...args: unknown[]) {
    urls.set(this, String(args[1] ?? ''));
    return (originalOpen as (...rest: unknown[]) => void).apply(this, args);
  };
  const send = function (this: XMLHttpRequest, body?: XMLHttpRequestBodyInit | null) {
    const files = stopped ? [] : filesIn(body);
    if (files.length > 0) {
      const id = `xhr-${++nextId}`;
      let error = '';
      report({ kind: 'start', id, files, url: urls.get(this) ?? '' });
      this.addEventListener('error', () => {
        error = 'network';
      });
      this.addEventListener('abort', () => {
        error = 'abort';
      });
      this.addEventListener('timeout', () => {
        error = 'timeout';
      });
      this.addEventListener('loadend', () => {
        let excerpt = '';
        try {
          if (this.responseType === '' || this.responseType === 'text') excerpt = this.responseText;
          else if (this.responseType === 'json') excerpt = JSON.stringify(this.response);
        } catch {
          // An unreadable reply leaves the excerpt empty.
        }
        report({ kind: 'end', id, status: this.status, excerpt: excerpt.slice(0, EXCERPT_CHARS), error });
      });
    }
    return originalSend.call(this, body);
  };
  const fetchWatched = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
    const files = stopped ? [] : filesIn(init?.body);
    const pending = originalFetch.call(this ?? window, input, init);
    if (files.length === 0) return pending;
    const id = `fetch-${++nextId}`;
    const url = input instanceof Request ? input.url : String(input);
    report({ kind: 'start', id, files, url });
    pending.then(
      (response) =>
        response
          .clone()
          .text()
          .then(
            (text) =>
              report({ kind: 'end', id, status: response.status, excerpt: text.slice(0, EXCERPT_CHARS), error: '' }),
            () => report({ kind: 'end', id, status: response.status, excerpt: '', error: '' }),
          ),
      () => report({ kind: 'end', id, status: 0, excerpt: '', error: 'network' }),
    );
    return pending;
  };
  proto.open = open as typeof proto.open;
  proto.send = send;
  window.fetch = fetchWatched as typeof window.fetch;

  const stop = () => {
    window.removeEventListener(`${channel}:stop`, stop);
    stopped = true;
    // Put back only what is still ours: a page that wrapped them after us keeps its wrappers.
    if (proto.open === (open as unknown)) proto.open = originalOpen;
    if (proto.send === send) proto.send = originalSend;
    if (window.fetch === (fetchWatched as unknown)) window.fetch = originalFetch;
  };
  window.addEventListener(`${channel}:stop`, stop);
}
