import { describe, expect, it } from 'vitest';
import { parseDelaySeconds, parseDestinationUrl, parseWholeNumber } from '@/utils/settings';

describe('settings parsing', () => {
  it.each([
    ['20', 20_000],
    ['0.4', 400],
    [' 0 ', 0],
    ['600', 600_000],
  ])('delay %j is %d ms', (text, ms) => expect(parseDelaySeconds(text)).toBe(ms));

  it.each(['', 'abc', '-1', '601', 'Infinity'])('delay %j is refused with a reason', (text) => {
    expect(parseDelaySeconds(text)).toBeInstanceOf(Error);
  });

  it.each(['http://127.0.0.1:8787/upload', 'https://img.example/api?key=1'])('destination %s is accepted', (text) => {
    expect(parseDestinationUrl(text)).toBeInstanceOf(URL);
  });

  it.each([
    ['not a url', 'not a URL'],
    ['javascript:alert(1)', 'only http and https destinations are supported'],
    ['file:///etc/passwd', 'only http and https destinations are supported'],
  ])('destination %j is refused: %s', (text, reason) => {
    expect((parseDestinationUrl(text) as Error).message).toBe(reason);
  });
});

describe('pacing settings', () => {
  it.each([
    ['2', 1, 6, 2],
    [' 0 ', 0, 3, 0],
    ['3', 0, 3, 3],
  ])('%j within %i-%i is %i', (text, min, max, value) => expect(parseWholeNumber(text, min, max)).toBe(value));

  it.each(['', '4', '-1', '1.5', 'two'])('%j is refused for 0-3', (text) => {
    expect(parseWholeNumber(text, 0, 3)).toBeInstanceOf(Error);
  });
});
