import { useState } from 'preact/hooks';
import { t } from '@/utils/i18n';
import type { Pace, PaceMode } from '@/utils/pacing/pace';
import { readPace } from '@/utils/settings';
import { type PacingInputField, PacingInputs } from './PacingInputs';

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
  value: Pace | null;
  onChange: (pacing: Pace | null) => void;
}) {
  // Kept as typed, so "1." or an empty field is not rewritten under the cursor.
  const [delayText, setDelayText] = useState(value ? String(value.delayMs / 1000) : '');
  const [floorText, setFloorText] = useState(value ? String(value.adaptiveFloorMs / 1000) : '');

  function chooseOwn(own: boolean) {
    if (!own) return onChange(null);
    void readPace().then((pacing) => {
      setDelayText(String(pacing.delayMs / 1000));
      setFloorText(String(pacing.adaptiveFloorMs / 1000));
      onChange(pacing);
    });
  }
  const patch = (change: Partial<Pace>) => value && onChange({ ...value, ...change });
  function onInput(field: PacingInputField, text: string) {
    if (field === 'mode') return patch({ mode: text as PaceMode });
    if (field === 'concurrency') return patch({ concurrency: wholeNumber(text) });
    if (field === 'retries') return patch({ maxRetries: wholeNumber(text) });
    setFloorText(text);
    patch({ adaptiveFloorMs: secondsToMs(text) });
  }

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
        <PacingInputs
          mode={value.mode}
          concurrency={Number.isNaN(value.concurrency) ? '' : value.concurrency}
          floor={floorText}
          retries={Number.isNaN(value.maxRetries) ? '' : value.maxRetries}
          names={{
            mode: 'destinationMode',
            concurrency: 'destinationConcurrency',
            floor: 'destinationFloor',
            retries: 'destinationRetries',
          }}
          onInput={onInput}
        >
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
        </PacingInputs>
      )}
    </fieldset>
  );
}
