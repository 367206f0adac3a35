import { type Destination, type DestinationSnapshot, newDestination, snapshotOf } from '@/utils/destinations/model';

let counter = 0;

/** A saved destination with sensible values; override what the test is about. */
export function makeDestination(overrides: Partial<Destination> = {}): Destination {
  counter += 1;
  return newDestination({
    id: `destination-${counter}`,
    name: `Destination ${counter}`,
    url: 'http://127.0.0.1:9/upload',
    ...overrides,
  });
}

export function makeSnapshot(overrides: Partial<Destination> = {}): DestinationSnapshot {
  return snapshotOf(makeDestination(overrides));
}
