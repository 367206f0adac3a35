import { describe, expectTypeOf, it } from 'vitest';
import { type DestinationChoice, type ProtocolMap, sendMessage } from '@/utils/messages';
import type { QueueItem, QueueSnapshot } from '@/utils/queue/types';

/** The message protocol is typed end to end: `tsc` fails if a wrong call below stops being an error. */
describe('the message protocol', () => {
  it('refuses an unknown message name', () => {
    // @ts-expect-error: no such message
    void sendMessage('page/forms-please', undefined);
  });

  it('refuses wrong payloads', () => {
    // @ts-expect-error: a hand-over must say where it goes
    void sendMessage('queue/add', { id: 'x', file: new File([], 'x'), originalSize: 0, width: 0, height: 0 });
    // @ts-expect-error: the highlight takes an index or null
    void sendMessage('page/highlight-form', { index: 'first' });
    // @ts-expect-error: a command names its kind
    void sendMessage('queue/control', { kind: 'explode' });
  });

  it('types each reply', () => {
    expectTypeOf(sendMessage('queue/get', undefined)).resolves.toEqualTypeOf<QueueSnapshot>();
    expectTypeOf<ReturnType<ProtocolMap['queue/add']>>().toEqualTypeOf<QueueItem>();
  });

  it('a destination choice is a discriminated union', () => {
    expectTypeOf<{ kind: 'saved'; id: string }>().toExtend<DestinationChoice>();
    expectTypeOf<{ kind: 'page-form'; id: string }>().not.toExtend<DestinationChoice>();
  });
});
