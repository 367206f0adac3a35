import type { DestinationTransport } from '../destinations/model';
import type { TransportItem } from './build-request';
import { cancelIetfResumable, sendIetfResumable } from './ietf-resumable';
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
    // case 's3-multipart': i16-s3 (utils/upload/s3-multipart.ts)
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
  }
}
