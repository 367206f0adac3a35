import { useState } from 'preact/hooks';
import type { DestinationPacing } from '@/utils/destinations/model';
import { t } from '@/utils/i18n';
import type { PacingMode } from '@/utils/queue/types';
import { DEFAULT_PACING, PACING_LIMITS, readPacingOptions, uploadDelayMsSetting } from '@/utils/settings';

/** Seconds as typed; NaN when not a number, for the editor's problem list to name. */
const secondsToMs = (text: string) => (text.trim() === '' ? Number.NaN : Math.round(Number(text) * 1000));
const wholeNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/**
 * A destination's pace: the global settings, or its own mode, delay, cap,
 * floor and retries (the same fields as the global PacingFields). Choosing
 * "its own" starts from the current global values.
 */
export function DestinationPacingFields({
  value,
  onChange,
}: {
  value: DestinationPacing | null;
  onChange: (pacing: DestinationPacing | null) => void;
}) {
  // Kept as typed, so "1." or an empty field is not rewritten under the cursor.
  const [delayText, setDelayText] = useState(value ? String(value.delayMs / 1000) : '');
  const [floorText, setFloorText] = useState(value ? String(value.adaptiveFloorMs / 1000) : '');

  function chooseOwn(own: boolean) {
    if (!own) return onChange(null);
    void Promise.all([readPacingOptions(), uploadDelayMsSetting.getValue()]).then(([options, delayMs]) => {
      const pacing: DestinationPacing = { ...DEFAULT_PACING, ...options, delayMs };
      setDelayText(String(pacing.delayMs / 1000));
      setFloorText(String(pacing.adaptiveFloorMs / 1000));
      onChange(pacing);
    });
  }
  const patch = (change: Partial<DestinationPacing>) => value && onChange({ ...value, ...change });

  return (
    <fieldset class="destination-pacing" data-testid="destination-pacing">
      <label>
        {t('destinationPacingLabel')}
        <select
          name="destinationPacing"
          value={value ? 'own' : 'global'}
          onChange={(event) => chooseOwn(event.currentTarget.value === 'own')}
        >
          <option value="global">{t('destinationPacingGlobal')}</option>
          <option value="own">{t('destinationPacingOwn')}</option>
        </select>
      </label>
      {value && (
        <div class="settings-row">
          <label>
            {t('modeLabel')}
            <select
              name="destinationMode"
              value={value.mode}
              onChange={(event) => patch({ mode: event.currentTarget.value as PacingMode })}
            >
              <option value="sequential">{t('modeSequentialOption')}</option>
              <option value="staggered">{t('modeStaggeredOption')}</option>
              <option value="adaptive">{t('modeAdaptiveOption')}</option>
            </select>
          </label>
        </div>
      )}
      {value && (
        <div class="settings-row">
          <label>
            {t('delayLabel')}
            <input
              type="number"
              name="destinationDelay"
              min={0}
              step="0.1"
              value={delayText}
              onInput={(event) => {
                setDelayText(event.currentTarget.value);
                patch({ delayMs: secondsToMs(event.currentTarget.value) });
              }}
            />
          </label>
          <label>
            {t('concurrencyLabel')}
            <input
              type="number"
              name="destinationConcurrency"
              min={PACING_LIMITS.concurrency.min}
              max={PACING_LIMITS.concurrency.max}
              value={Number.isNaN(value.concurrency) ? '' : value.concurrency}
              disabled={value.mode === 'sequential'}
              onInput={(event) => patch({ concurrency: wholeNumber(event.currentTarget.value) })}
            />
          </label>
          <label>
            {t('floorLabel')}
            <input
              type="number"
              name="destinationFloor"
              min={0}
              step="0.1"
              value={floorText}
              disabled={value.mode !== 'adaptive'}
              onInput={(event) => {
                setFloorText(event.currentTarget.value);
                patch({ adaptiveFloorMs: secondsToMs(event.currentTarget.value) });
              }}
            />
          </label>
          <label>
            {t('retriesLabel')}
            <input
              type="number"
              name="destinationRetries"
              min={PACING_LIMITS.maxRetries.min}
              max={PACING_LIMITS.maxRetries.max}
              value={Number.isNaN(value.maxRetries) ? '' : value.maxRetries}
              onInput={(event) => patch({ maxRetries: wholeNumber(event.currentTarget.value) })}
            />
          </label>
        </div>
      )}
    </fieldset>
  );
}
