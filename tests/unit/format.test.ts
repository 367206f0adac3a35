import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, secondsUntil } from '@/utils/format';

describe('formatting', () => {
  it.each([
    [999, '999 B'],
    [1_500, '1.5 KB'],
    [480_000, '480 KB'],
    [5_769_084, '5.8 MB'],
  ])('%d bytes is %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [31, '31 ms'],
    [999, '999 ms'],
    [12_345, '12.3 s'],
  ])('%d ms reads %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('counts whole seconds up and never below zero', () => {
    expect(secondsUntil(10_001, 0)).toBe(11);
    expect(secondsUntil(0, 5_000)).toBe(0);
  });
});
