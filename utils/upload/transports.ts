import type { DestinationTransport } from '../destinations/model';
import type { TransportItem } from './build-request';
import { cancelIetfResumable, sendIetfResumable } from './ietf-resumable';
import { abortS3Upload, partSizeFor, sendS3Upload } from './s3-multipart';
import { type SendEffects, type SendOptions, type SentUpload, sendUpload } from './send-request';
import { sendTus, terminateTus } from './tus';

/** The destination's transport; absent means today's whole-file request. */
export function transportOf(destination: { transport?: DestinationTransport }): DestinationTransport {
  return destination.transport ?? { kind: 'post' };
}

/**
 * Sends one attempt the way the item's destination says (the runner's only
 * way to upload). Never rejects, like sendUpload.
 */
export async function sendThroughTransport(
  item: TransportItem,
  blob: Blob,
  effects: SendEffects,
  options: SendOptions,
): Promise<SentUpload> {
  const transport = transportOf(item.destination);
  switch (transport.kind) {
    case 'post':
      return sendUpload(item, blob, effects, options);
    case 'tus':
      return sendTus(item, blob, transport, effects, options);
    case 'ietf-resumable':
      return sendIetfResumable(item, blob, effects, options);
    case 's3-multipart':
      // The pace: 5 MiB parts once the server failed this item, so a reset costs at most one small part.
      return sendS3Upload(item, blob, transport, effects, {
        ...options,
        state: item.transportState,
        partBytes: partSizeFor(blob.size, item.autoRetries ?? 0),
      });
  }
}

/** The item was cancelled between attempts while the server holds part of it: ask the server to drop it. */
export async function abandonUpload(item: TransportItem, effects: SendEffects): Promise<void> {
  const state = item.transportState;
  if (!state) return;
  switch (state.kind) {
    case 'tus':
      return terminateTus(item, state, effects);
    case 'ietf-resumable':
      return cancelIetfResumable(item, state, effects);
    case 's3-multipart': {
      const transport = item.destination.transport;
      if (transport?.kind !== 's3-multipart') return;
      const headers = new Headers(item.destination.headers.map(({ name, value }) => [name, value]));
      await abortS3Upload(state, transport, headers, effects);
      return;
    }
  }
}
