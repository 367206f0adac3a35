import type { DestinationSpec, TokenRequest } from '../destinations/model';
import { parseTemplate, renderTemplate, TemplateError } from '../destinations/template';
import { parseReply, type UploadOutcome } from './parse-reply';
import { readReply } from './read-reply';

/**
 * The token step of a destination (model.ts TokenRequest), run in the
 * background before each upload: GET the token URL with the destination's
 * headers and cookies choice, and read the token from the reply. The reply is
 * judged by the upload's own reply reader (parseReply), so a sign-in page or
 * broken JSON gets the same named problem an upload reply would.
 *
 * Returns the token, or the outcome that ends this upload (nothing was sent).
 * Rejects like fetch when no reply arrives, so the caller names it once for both requests.
 */
export async function fetchToken(
  spec: DestinationSpec & { tokenRequest: TokenRequest },
  fetch: (request: Request) => Promise<Response>,
  signal: AbortSignal,
): Promise<string | UploadOutcome> {
  const render = (source: string, escapeValue?: (value: string) => string) => {
    const parsed = parseTemplate(source, 'request');
    if (parsed instanceof TemplateError) throw parsed;
    return renderTemplate(parsed, {}, { escape: escapeValue });
  };
  let request: Request;
  try {
    const headers = new Headers();
    for (const header of spec.headers) headers.set(header.name, render(header.value));
    request = new Request(render(spec.tokenRequest.url, encodeURIComponent), {
      method: 'GET',
      headers,
      credentials: spec.sendCookies ? 'include' : 'omit',
      signal,
    });
  } catch (error) {
    return { ok: false, kind: 'file', error: `Could not build the token request: ${String(error)}` };
  }
  const response = await fetch(request);
  const reply = await readReply(response, { signal });
  const outcome = parseReply(
    {
      ...spec,
      successStatuses: '2xx',
      reply: { url: spec.tokenRequest.token, thumbnailUrl: '', deletionUrl: '', errorMessage: spec.reply.errorMessage },
    },
    reply,
  );
  if (outcome.ok) return outcome.resultUrl ?? '';
  return { ...outcome, error: `${TOKEN_STEP}: ${outcome.error}` };
}

/** Prefixes what went wrong while fetching the token, so a row says which request failed. */
export const TOKEN_STEP = 'Token step';
