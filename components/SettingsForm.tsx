import { useEffect, useState } from 'preact/hooks';
import { t } from '@/utils/i18n';
import { parseDelaySeconds, uploadDelayMsSetting } from '@/utils/settings';
import { PacingFields } from './PacingFields';

/** The pace (pause between uploads); shared by the panel and the options page. Saves as you type. */
export function SettingsForm() {
  const [delay, setDelay] = useState('');
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    void uploadDelayMsSetting.getValue().then((delayMs) => setDelay(String(delayMs / 1000)));
  }, []);

  function saveDelay(text: string) {
    setDelay(text);
    const parsed = parseDelaySeconds(text);
    setError(parsed instanceof Error ? parsed.message : undefined);
    if (!(parsed instanceof Error)) void uploadDelayMsSetting.setValue(parsed);
  }

  return (
    <div class="settings">
      <label>
        {t('delayLabel')}
        <input
          type="number"
          name="delay"
          min={0}
          step="0.1"
          value={delay}
          onInput={(event) => saveDelay(event.currentTarget.value)}
          aria-invalid={error ? true : undefined}
        />
      </label>
      {error && <p class="field-error">{error}</p>}
      <PacingFields />
    </div>
  );
}
