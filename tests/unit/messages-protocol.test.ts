import { describe, expect, it } from 'vitest';
import { type DestinationChoice, sendMessage } from '@/utils/messages';

/** Compile-time checks of the protocol map: `tsc` fails if a wrong call below stops being an error. */
describe('the message protocol is typed end to end', () => {
  it('refuses unknown messages and wrong payloads at compile time', () => {
    const calls = () => {
      // @ts-expect-error: no such message
      void sendMessage('page/forms-please', undefined);
      // @ts-expect-error: a hand-over must say where it goes
      void sendMessage('queue/add', { id: 'x', file: new File([], 'x'), originalSize: 0, width: 0, height: 0 });
      // @ts-expect-error: the highlight takes an index or null
      void sendMessage('page/highlight-form', { index: 'first' });
    };
    expect(typeof calls).toBe('function');
  });

  it('a destination choice is a discriminated union', () => {
    const saved: DestinationChoice = { kind: 'saved', id: 'a' };
    // @ts-expect-error: a page form choice carries the form
    const broken: DestinationChoice = { kind: 'page-form', id: 'a' };
    expect([saved.kind, broken.kind]).toEqual(['saved', 'page-form']);
  });
});
