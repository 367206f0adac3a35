import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMessage, type LocaleMessages } from '@/utils/i18n';
import type { Localized } from '@/utils/localized';
import type { PlanQuota } from '@/utils/queue/types';
import { clockFor, quotaWords } from '@/utils/queue-view/quota-words';

const messages = (language: 'en' | 'ko') =>
  JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, `../../public/_locales/${language}/messages.json`), 'utf8'),
  ) as LocaleMessages;

/** The words as a page shows them in `language` (substitutions are plain strings here). */
function say(words: Localized, language: 'en' | 'ko'): string {
  const entry = messages(language)[words.key];
  if (!entry) throw new Error(`no message ${words.key}`);
  return formatMessage(entry, (words.substitutions ?? []).map(String));
}

const clock = (time: number) => `T${time}`;
const quota = (overrides: Partial<PlanQuota>): PlanQuota => ({ source: 'ietf', left: 0, resetAt: 900, ...overrides });

describe('the words for a rate limit, in English and Korean', () => {
  it('a quota per hour: "Host allows 50 an hour: next at 14:05"', () => {
    const words = quotaWords(quota({ source: 'host', limit: 50, windowMs: 3_600_000 }), 500, clock);
    expect(say(words, 'en')).toBe('Host allows 50 an hour: next at T500');
    expect(say(words, 'ko')).toBe('호스트 허용량 시간당 50개: 다음 업로드 T500');
  });

  it('a minute, a day, and any other window in seconds', () => {
    expect(say(quotaWords(quota({ limit: 5, windowMs: 60_000 }), 1, clock), 'en')).toBe(
      'Host allows 5 a minute: next at T1',
    );
    expect(say(quotaWords(quota({ limit: 1000, windowMs: 86_400_000 }), 1, clock), 'en')).toBe(
      'Host allows 1000 a day: next at T1',
    );
    const twoSeconds = quotaWords(quota({ limit: 2, windowMs: 2_000 }), 1, clock);
    expect(say(twoSeconds, 'en')).toBe('Host allows 2 every 2 s: next at T1');
    expect(say(twoSeconds, 'ko')).toBe('호스트 허용량 2초마다 2개: 다음 업로드 T1');
  });

  it('without a window, what is left until the reset; a body, that the host refused', () => {
    const left = quotaWords(quota({ source: 'x-ratelimit', left: 3, limit: 10 }), 400, clock);
    expect(say(left, 'en')).toBe('Host allows 3 more until T900: next at T400');
    expect(say(left, 'ko')).toBe('호스트가 T900까지 3개 더 허용: 다음 업로드 T400');
    expect(say(quotaWords(quota({ source: 'body' }), 900, clock), 'en')).toBe(
      'Host says too many uploads: next at T900',
    );
    expect(say(quotaWords(quota({ source: 'retry-after' }), 900, clock), 'ko')).toBe(
      '호스트가 기다려 달라고 했습니다: 다음 업로드 T900',
    );
  });

  it('the clock shows seconds only for a wait under an hour', () => {
    const now = Date.UTC(2026, 0, 1, 13, 0, 0);
    const write = clockFor('en-GB', now);
    expect(write(now + 65_000)).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(write(now + 2 * 3_600_000)).toMatch(/^\d\d:\d\d$/);
  });
});
