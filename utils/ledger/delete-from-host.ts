import { isHttpUrl } from '../destinations/model';
import type { LedgerStore } from './store';
import type { HostDeletion } from './types';

/** A host that never answers a deletion is reported, not waited on forever. */
const DELETION_TIMEOUT_MS = 30_000;

/**
 * "Delete from host": opens the entry's deletion URL from the background
 * (the page that asked never holds the request), as the host's deletion
 * links expect (a GET, without cookies). A 2xx answer removes the entry, so
 * the image may be uploaded again; any other answer keeps it and says why.
 */
export async function deleteFromHost(
  ledger: LedgerStore,
  id: string,
  fetchFn: (request: Request) => Promise<Response>,
): Promise<HostDeletion> {
  const entry = await ledger.get(id);
  if (!entry?.deletionUrl) return { ok: false, error: 'no deletion URL for this upload' };
  if (!isHttpUrl(entry.deletionUrl)) return { ok: false, error: 'the deletion URL is not an http(s) URL' };
  let response: Response;
  try {
    response = await fetchFn(
      new Request(entry.deletionUrl, {
        method: 'GET',
        credentials: 'omit',
        signal: AbortSignal.timeout(DELETION_TIMEOUT_MS),
      }),
    );
  } catch (error) {
    return { ok: false, error: `could not reach the host: ${error instanceof Error ? error.message : String(error)}` };
  }
  // Only the status matters; the body is not read.
  response.body?.cancel().catch(() => {});
  if (!response.ok) return { ok: false, status: response.status, error: `the host answered ${response.status}` };
  await ledger.remove(id);
  return { ok: true, status: response.status };
}
