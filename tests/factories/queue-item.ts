import type { QueueItem } from '@/utils/queue/types';
import { makeSnapshot } from './destination';

let counter = 0;

/** A stored queue item with sensible values; override what the test is about. */
export function makeQueueItem(overrides: Partial<QueueItem> = {}): QueueItem {
  counter += 1;
  return {
    id: `item-${counter}`,
    seq: counter,
    name: `image-${counter}.jpg`,
    type: 'image/jpeg',
    originalSize: 4_000_000,
    size: 400_000,
    width: 2048,
    height: 1536,
    destination: makeSnapshot(),
    destinationKey: 'destination-1',
    idempotencyKey: `key-${counter}`,
    status: 'queued',
    attempts: 0,
    createdAt: 1_000,
    ...overrides,
  };
}

export function withoutSeq({ seq: _seq, ...rest }: QueueItem): Omit<QueueItem, 'seq'> {
  return rest;
}
