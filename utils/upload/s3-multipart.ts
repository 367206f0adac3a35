import type { S3Settings } from '../destinations/s3-settings';
import type { S3UploadState, TransportState } from '../queue/types';
import { type UploadItem, uploadFileName } from './build-request';
import { describeNetworkError, excerpt, parseRetryAfter, type UploadOutcome } from './parse-reply';
import { type ReplyInfo, readReply } from './read-reply';
import { CHUNK_RETRY_DELAY_MS, retriable, STALLED_FAILURES, wait } from './resumable';
import { S3_METHODS, type S3Operation, type S3Signer, SigningRefused, signerFor } from './s3-signing';
import { completeBody, type ListedPart, readCompleteResult, readPartsPage, readS3Error, readUploadId } from './s3-xml';
import { type SendEffects, type SendOptions, type SentUpload, UPLOAD_TIMEOUT_MS } from './send-request';

/**
 * The S3 transport: one PUT when the image fits in one part, else a
 * multipart upload whose parts survive a reset, a worker stop and a browser
 * restart. What it keeps between attempts (`S3UploadState`) is saved after
 * every part; the next attempt asks the server which parts it holds
 * (ListParts) and, where the server cannot list (s3rver, a bucket policy
 * without s3:ListMultipartUploadParts), trusts the ETags it kept.
 * Why and what each server lacks: docs/s3.md.
 */

/** S3 refuses a part under 5 MiB unless it is the last. */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's limit on parts per upload. */
export const S3_MAX_PARTS = 10_000;
/** A first attempt's parts: few requests for a 40 MB photo, a few seconds each on a slow uplink. */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

export type S3StoredPart = S3UploadState['parts'][number];

export interface S3SendOptions extends SendOptions {
  /** The pace's part size (partSizeFor); raised to what S3 allows. @default DEFAULT_PART_BYTES */
  partBytes?: number;
  /** What an earlier attempt saved (QueueItem.transportState); another kind's state is ignored. */
  state?: TransportState;
}

/**
 * The part size the pace chooses: 8 MiB on a first attempt, S3's smallest
 * (5 MiB) once the server failed this item (a reset then costs at most one
 * small part), never so small that the file needs over 10,000 parts.
 */
export function partSizeFor(totalBytes: number, failedAttempts = 0): number {
  const paced = failedAttempts > 0 ? S3_MIN_PART_BYTES : DEFAULT_PART_BYTES;
  return Math.max(paced, Math.ceil(totalBytes / S3_MAX_PARTS));
}

/** The key an item is stored under: the prefix, then the name the destination gives the file (its file-name template). */
export function objectKey(settings: Pick<S3Settings, 'keyPrefix'>, name: string): string {
  return `${settings.keyPrefix}${name}`;
}

function isUploadState(value: unknown): value is S3UploadState {
  // Checked, not trusted: a state stored by an earlier version or another transport starts over.
  if (!value || typeof value !== 'object') return false;
  const state = value as Partial<S3UploadState>;
  return (
    state.kind === 's3-multipart' &&
    typeof state.key === 'string' &&
    typeof state.uploadId === 'string' &&
    typeof state.totalBytes === 'number' &&
    Array.isArray(state.parts)
  );
}

/** Ends one S3 request's life early: the user's cancel, or this request's own time limit. */
class Stop extends Error {
  constructor(readonly outcome: UploadOutcome) {
    super(outcome.ok ? 'stopped' : outcome.error);
  }
}

const CANCELLED: UploadOutcome = { ok: false, kind: 'cancelled', error: 'Cancelled' };

/** What S3 (or the signing endpoint) said, as the row names it. */
export function s3Failure(operation: S3Operation['operation'], reply: ReplyInfo, now: number): UploadOutcome {
  // An error in a 200 body (CompleteMultipartUpload failing after its status went out): S3 asks for a retry.
  const status = reply.status >= 200 && reply.status < 300 ? 500 : reply.status;
  const s3Error = readS3Error(reply.body);
  const retryAfterAt = parseRetryAfter(reply.headers.get('Retry-After'), now);
  const withRetryAfter = retryAfterAt === undefined ? {} : { retryAfterAt };
  if (!s3Error) {
    return {
      ok: false,
      kind: 'http',
      httpStatus: status,
      error: `HTTP ${status} from the storage (${operation})`,
      excerpt: excerpt(reply.body, reply.headers.get('Content-Type') ?? ''),
      ...withRetryAfter,
    };
  }
  const said = `${s3Error.code}: ${s3Error.message}`.slice(0, 300);
  return {
    ok: false,
    // S3's RequestTimeout is a 400 that a later attempt can get past, as a timeout.
    kind: s3Error.code === 'RequestTimeout' ? 'timeout' : 'http',
    httpStatus: status,
    problem: 'storage-refused',
    error: `The storage refused it (${operation}): ${said}`,
    excerpt: said,
    ...withRetryAfter,
  };
}

/**
 * Uploads one item to an S3 bucket. Never rejects: every way it ends is an
 * UploadOutcome, and the state saved along the way says where a later
 * attempt goes on.
 */
export async function sendS3Upload(
  item: UploadItem,
  blob: Blob,
  settings: S3Settings,
  effects: SendEffects,
  options: S3SendOptions,
): Promise<SentUpload> {
  const headers = new Headers(item.destination.headers.map(({ name, value }) => [name, value]));
  const upload = new S3Upload(item, blob, settings, signerFor(settings, headers, effects), effects, options);
  try {
    return { outcome: await upload.run() };
  } catch (error) {
    if (error instanceof Stop) {
      if (error.outcome.ok === false && error.outcome.kind === 'cancelled') await upload.abandon();
      return { outcome: error.outcome };
    }
    return { outcome: { ok: false, kind: 'file', error: `Could not upload: ${String(error)}` } };
  }
}

/**
 * AbortMultipartUpload for an upload nobody will finish (cancelled while
 * waiting for a retry), so the bucket does not keep (and bill) its parts.
 * Best effort: s3rver cannot abort (405), and a lifecycle rule on the bucket
 * is the backstop (docs/s3.md).
 */
export async function abortS3Upload(
  state: unknown,
  settings: S3Settings,
  destinationHeaders: Headers,
  effects: Pick<SendEffects, 'fetch' | 'now' | 'setTimer'>,
): Promise<boolean> {
  if (!isUploadState(state)) return false;
  const controller = new AbortController();
  const stop = effects.setTimer(() => controller.abort(), 30_000);
  try {
    const signer = signerFor(settings, destinationHeaders, effects);
    const signed = await signer({ operation: 'abort', key: state.key, uploadId: state.uploadId }, controller.signal);
    const response = await effects.fetch(
      new Request(signed.url, { method: 'DELETE', headers: signed.headers, signal: controller.signal }),
    );
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  } finally {
    stop();
  }
}

/** S3 compares ETags without their quotes. */
function unquoted(etag: string): string {
  return etag.replace(/"/g, '');
}

/**
 * The parts in part-number order, up to the first one that cannot follow
 * (one under 5 MiB before the end, or past the file): those after it are
 * sent again, and Complete leaves out what it does not list.
 */
function leadingRun(parts: readonly S3StoredPart[], totalBytes: number): S3StoredPart[] {
  const run: S3StoredPart[] = [];
  let offset = 0;
  for (const part of [...parts].sort((a, b) => a.partNumber - b.partNumber)) {
    if (part.size <= 0 || offset + part.size > totalBytes) break;
    const last = offset + part.size === totalBytes;
    if (!last && part.size < S3_MIN_PART_BYTES) break;
    run.push({ partNumber: part.partNumber, etag: part.etag, size: part.size });
    offset += part.size;
    if (last) break;
  }
  return run;
}

class S3Upload {
  private readonly total: number;
  private readonly key: string;
  private state: S3UploadState | undefined;

  constructor(
    private readonly item: UploadItem,
    private readonly blob: Blob,
    private readonly settings: S3Settings,
    private readonly sign: S3Signer,
    private readonly effects: SendEffects,
    private readonly options: S3SendOptions,
  ) {
    this.total = blob.size;
    const saved = isUploadState(options.state) && options.state.totalBytes === blob.size ? options.state : undefined;
    this.state = saved;
    this.key = saved?.key ?? objectKey(settings, uploadFileName(item));
  }

  async run(): Promise<UploadOutcome> {
    if (this.options.cancel?.aborted) throw new Stop(CANCELLED);
    // S3 refuses a part under 5 MiB that is not the last, whoever chose the size.
    const partSize = Math.max(S3_MIN_PART_BYTES, this.options.partBytes ?? partSizeFor(this.total));
    if (!this.state && this.total <= partSize) return this.putWhole();
    let held = this.state ? await this.partsHeld(this.state) : undefined;
    if (!this.state || !held) {
      const uploadId = await this.create();
      this.state = { kind: 's3-multipart', key: this.key, uploadId, totalBytes: this.total, parts: [] };
      held = [];
      await this.save();
    }
    const state = this.state;
    let offset = held.reduce((sum, part) => sum + part.size, 0);
    // Never a number used before: s3rver writes a cut part's late bytes into the file of the same number.
    let partNumber = Math.max(0, ...state.parts.map((part) => part.partNumber), state.sending?.partNumber ?? 0) + 1;
    state.parts = held;
    state.sending = undefined;
    this.progress();
    let size = partSize;
    // As the tus loop does (resumable.ts): a part that fails is sent again within the attempt, smaller,
    // while the server keeps taking parts; only failures in a row without a part gained end the attempt.
    let stalled = 0;
    while (offset < this.total) {
      const end = Math.min(this.total, offset + size);
      const bytes = this.blob.slice(offset, end);
      let etag: string;
      state.sending = { partNumber, size: bytes.size };
      await this.save();
      try {
        etag = await this.putPart(state, partNumber, bytes);
      } catch (error) {
        if (!(error instanceof Stop) || !retriable(error.outcome)) throw error;
        partNumber += 1;
        stalled += 1;
        if (stalled >= STALLED_FAILURES) throw error;
        // S3 keeps nothing of a part cut short: the smallest part it allows loses the least next time.
        size = S3_MIN_PART_BYTES;
        await wait(this.effects, CHUNK_RETRY_DELAY_MS * 2 ** (stalled - 1), this.options.cancel);
        continue;
      }
      stalled = 0;
      state.parts = [...state.parts, { partNumber, etag, size: bytes.size }];
      state.sending = undefined;
      await this.save();
      this.progress();
      offset = end;
      partNumber += 1;
    }
    return this.complete(state);
  }

  /** The cancel came mid-upload: the parts are let go of on the server too. */
  async abandon(): Promise<void> {
    if (!this.state) return;
    const headers = new Headers(this.item.destination.headers.map(({ name, value }) => [name, value]));
    await abortS3Upload(this.state, this.settings, headers, this.effects);
    this.state = undefined;
    await this.save();
  }

  private progress(): void {
    const sent = (this.state?.parts ?? []).reduce((sum, part) => sum + part.size, 0);
    this.options.onProgress?.(sent, this.total);
  }

  private async save(): Promise<void> {
    await this.options.saveState?.(this.state && structuredClone(this.state));
  }

  /**
   * The parts the server holds for a saved upload, as the run of whole parts
   * from byte 0 (what the next part follows): listed when it can list, else
   * the ETags kept; undefined when the upload is gone (expired, aborted): it
   * starts over.
   */
  private async partsHeld(state: S3UploadState): Promise<S3StoredPart[] | undefined> {
    const listed: ListedPart[] = [];
    let marker: string | undefined;
    do {
      const reply = await this.request({
        operation: 'list-parts',
        key: state.key,
        uploadId: state.uploadId,
        ...(marker ? { partNumberMarker: marker } : {}),
      });
      if (reply.status === 404) return undefined;
      const page = reply.status === 200 ? readPartsPage(reply.body) : undefined;
      // A server that cannot list (405 or 501 from s3rver, 403 without the list permission): trust what was kept.
      if (!page) return leadingRun(state.parts, state.totalBytes);
      listed.push(...page.parts);
      marker = page.nextMarker;
    } while (marker);
    // Only parts this upload knows: the kept ones as the server lists them, then the one that was on its way.
    // A listed part with another number is a try whose place is unknown; Complete leaves it out.
    const byNumber = new Map(listed.map((part) => [part.partNumber, part]));
    const known: S3StoredPart[] = [];
    for (const kept of state.parts) {
      const seen = byNumber.get(kept.partNumber);
      if (!seen || seen.size !== kept.size || unquoted(seen.etag) !== unquoted(kept.etag)) break;
      known.push(kept);
    }
    const sending = state.sending && byNumber.get(state.sending.partNumber);
    if (known.length === state.parts.length && sending && sending.size === state.sending?.size) {
      known.push({ partNumber: sending.partNumber, etag: sending.etag, size: sending.size });
    }
    return leadingRun(known, state.totalBytes);
  }

  private async create(): Promise<string> {
    const reply = await this.request({ operation: 'create', key: this.key, contentType: this.blob.type });
    if (reply.status !== 200) throw new Stop(s3Failure('create', reply, this.effects.now()));
    const uploadId = readUploadId(reply.body);
    if (!uploadId) {
      throw new Stop({
        ok: false,
        kind: 'unreadable',
        httpStatus: reply.status,
        error: 'The storage answered CreateMultipartUpload without an UploadId',
        excerpt: excerpt(reply.body),
      });
    }
    return uploadId;
  }

  private async putPart(state: S3UploadState, partNumber: number, bytes: Blob): Promise<string> {
    const reply = await this.request(
      { operation: 'upload-part', key: state.key, uploadId: state.uploadId, partNumber },
      bytes,
    );
    if (reply.status !== 200) throw new Stop(s3Failure('upload-part', reply, this.effects.now()));
    const etag = reply.headers.get('ETag');
    if (!etag) {
      // A cross-origin reply hides ETag unless the bucket's CORS rule exposes it (docs/s3.md).
      throw new Stop({
        ok: false,
        kind: 'unreadable',
        httpStatus: reply.status,
        problem: 'storage-refused',
        error:
          "The storage did not show the part's ETag: expose ETag in the bucket's CORS rule, or allow Cadence the bucket's address",
      });
    }
    return etag;
  }

  private async complete(state: S3UploadState): Promise<UploadOutcome> {
    const reply = await this.request(
      { operation: 'complete', key: state.key, uploadId: state.uploadId },
      completeBody(state.parts),
    );
    const result = reply.status === 200 ? readCompleteResult(reply.body) : undefined;
    if (!result || 'code' in result) {
      const failure = s3Failure('complete', reply, this.effects.now());
      // Kept parts the server does not know (InvalidPart), or an upload gone: the next attempt starts over.
      const code = result && 'code' in result ? result.code : readS3Error(reply.body)?.code;
      if (code === 'InvalidPart' || code === 'NoSuchUpload' || code === 'InvalidPartOrder') {
        this.state = undefined;
        await this.save();
      }
      return failure;
    }
    this.state = undefined;
    await this.save();
    return { ok: true, httpStatus: 200, resultUrl: this.resultUrl(result.location) };
  }

  private async putWhole(): Promise<UploadOutcome> {
    const reply = await this.request({ operation: 'put', key: this.key, contentType: this.blob.type }, this.blob);
    if (reply.status !== 200) return s3Failure('put', reply, this.effects.now());
    this.options.onProgress?.(this.total, this.total);
    return { ok: true, httpStatus: 200, resultUrl: this.resultUrl() };
  }

  /** The link a done row shows: under the public URL when one is set, else the object's own address. */
  private resultUrl(location?: string): string {
    const encodedKey = this.key.split('/').map(encodeURIComponent).join('/');
    if (this.settings.publicUrl) return `${this.settings.publicUrl.replace(/\/+$/, '')}/${encodedKey}`;
    if (location && /^https?:\/\//i.test(location)) return location;
    return this.lastObjectUrl ?? '';
  }

  private lastObjectUrl: string | undefined;

  /**
   * Signs and sends one S3 request and reads its (small) reply, under its
   * own time limit; the user's cancel aborts it. A request that fails
   * without a reply ends the attempt as a reset (the state stays for the next).
   */
  private async request(operation: S3Operation, body?: BodyInit): Promise<ReplyInfo> {
    const controller = new AbortController();
    const { cancel } = this.options;
    const onCancel = () => controller.abort('cancelled');
    if (cancel?.aborted) throw new Stop(CANCELLED);
    cancel?.addEventListener('abort', onCancel, { once: true });
    const timeoutMs = this.options.uploadTimeoutMs ?? UPLOAD_TIMEOUT_MS;
    const stopTimer = this.effects.setTimer(() => controller.abort('timed out'), timeoutMs);
    let url = '';
    try {
      let signed: Awaited<ReturnType<S3Signer>>;
      try {
        signed = await this.sign(operation, controller.signal);
      } catch (error) {
        if (controller.signal.aborted) throw new Stop(this.abortOutcome(controller.signal, timeoutMs));
        if (error instanceof SigningRefused) {
          throw new Stop({
            ok: false,
            kind: error.httpStatus !== undefined && error.httpStatus >= 500 ? 'http' : 'file',
            ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
            problem: 'storage-refused',
            error: `${error.message} (${operation.operation})`,
          });
        }
        throw new Stop({ ok: false, kind: 'reset', error: `The signing endpoint: ${describeNetworkError(error)}` });
      }
      url = signed.url;
      if (operation.operation === 'put' && !signed.headers.has('Content-Type')) {
        signed.headers.set('Content-Type', this.blob.type || 'application/octet-stream');
      }
      const response = await this.effects
        .fetch(
          new Request(signed.url, {
            method: S3_METHODS[operation.operation],
            headers: signed.headers,
            body,
            credentials: 'omit',
            signal: controller.signal,
          }),
        )
        .catch(async (error: unknown) => {
          if (controller.signal.aborted) throw new Stop(this.abortOutcome(controller.signal, timeoutMs));
          if (this.effects.hasOriginAccess && !(await this.effects.hasOriginAccess(url).catch(() => true))) {
            throw new Stop({ ok: false, kind: 'permission', error: `No permission to reach ${new URL(url).origin}` });
          }
          throw new Stop({ ok: false, kind: 'reset', error: describeNetworkError(error) });
        });
      if (operation.operation === 'put' || operation.operation === 'complete') {
        const objectUrl = new URL(signed.url);
        objectUrl.search = '';
        this.lastObjectUrl = objectUrl.href;
      }
      try {
        return await readReply(response, { signal: controller.signal });
      } catch (error) {
        if (controller.signal.aborted) throw new Stop(this.abortOutcome(controller.signal, timeoutMs));
        throw new Stop({ ok: false, kind: 'reset', httpStatus: response.status, error: describeNetworkError(error) });
      }
    } finally {
      stopTimer();
      cancel?.removeEventListener('abort', onCancel);
    }
  }

  private abortOutcome(signal: AbortSignal, timeoutMs: number): UploadOutcome {
    return signal.reason === 'cancelled'
      ? CANCELLED
      : { ok: false, kind: 'timeout', error: `Timed out: no reply from the storage within ${timeoutMs / 1000} s` };
  }
}
