import { useState } from 'preact/hooks';
import { useSetting } from '@/hooks/use-setting';
import { t, tl } from '@/utils/i18n';
import { LocalizedError } from '@/utils/localized';
import { paceSetting, parseDelaySeconds, updatePace } from '@/utils/settings';
import { PacingFields } from './PacingFields';

/** The pace (pause between uploads); shared by the panel and the options page. Saves as you type. */
export function SettingsForm() {
  // The delay is one field of the pace; updatePace keeps the others as they are.
  const storedMs = useSetting(paceSetting)[0]?.delayMs;
  // Kept as typed once the user types, so a half-typed number is not rewritten.
  const [typed, setTyped] = useState<string | undefined>();
  const delay = typed ?? (storedMs === undefined ? '' : String(storedMs / 1000));
  const [error, setError] = useState<string | undefined>();

  function saveDelay(text: string) {
    setTyped(text);
    const parsed = parseDelaySeconds(text);
    setError(parsed instanceof LocalizedError ? tl(parsed.localized) : undefined);
    if (!(parsed instanceof Error)) void updatePace({ delayMs: parsed });
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
