import { useState } from 'preact/hooks';
import { useSetting } from '@/hooks/use-setting';
import { t, tl } from '@/utils/i18n';
import { LocalizedError } from '@/utils/localized';
import { parseWholeNumber, REPLY_TIMEOUT_LIMITS, replyTimeoutMsSetting } from '@/utils/settings';

/**
 * How long a reply may take once the server answered: a server that sends
 * its status and then nothing more frees the slot after this. Saves as you type.
 */
export function ReplyTimeoutField() {
  const [storedMs, saveMs] = useSetting(replyTimeoutMsSetting);
  // Kept as typed once the user types, so a half-typed number is not rewritten.
  const [typed, setTyped] = useState<string | undefined>();
  const seconds = typed ?? (storedMs === undefined ? '' : String(storedMs / 1000));
  const [error, setError] = useState<string | undefined>();

  function save(text: string) {
    setTyped(text);
    const parsed = parseWholeNumber(text, REPLY_TIMEOUT_LIMITS.minSeconds, REPLY_TIMEOUT_LIMITS.maxSeconds);
    setError(parsed instanceof LocalizedError ? tl(parsed.localized) : undefined);
    if (!(parsed instanceof Error)) void saveMs(parsed * 1000);
  }

  return (
    <div class="settings-row">
      <label title={t('replyTimeoutHint')}>
        {t('replyTimeoutLabel')}
        <input
          type="number"
          name="replyTimeout"
          min={REPLY_TIMEOUT_LIMITS.minSeconds}
          max={REPLY_TIMEOUT_LIMITS.maxSeconds}
          value={seconds}
          onInput={(event) => save(event.currentTarget.value)}
          aria-invalid={error ? true : undefined}
        />
      </label>
      {error && <p class="field-error">{error}</p>}
    </div>
  );
}
