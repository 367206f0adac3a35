import { useEffect, useState } from 'preact/hooks';
import { t } from '@/utils/i18n';
import { parseWholeNumber, REPLY_TIMEOUT_LIMITS, replyTimeoutMsSetting } from '@/utils/settings';

/**
 * How long a reply may take once the server answered: a server that sends
 * its status and then nothing more frees the slot after this. Saves as you type.
 */
export function ReplyTimeoutField() {
  const [seconds, setSeconds] = useState('');
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    void replyTimeoutMsSetting.getValue().then((ms) => setSeconds(String(ms / 1000)));
  }, []);

  function save(text: string) {
    setSeconds(text);
    const parsed = parseWholeNumber(text, REPLY_TIMEOUT_LIMITS.minSeconds, REPLY_TIMEOUT_LIMITS.maxSeconds);
    setError(parsed instanceof Error ? parsed.message : undefined);
    if (!(parsed instanceof Error)) void replyTimeoutMsSetting.setValue(parsed * 1000);
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
