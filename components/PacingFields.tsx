import { useEffect, useState } from 'preact/hooks';
import { t } from '@/utils/i18n';
import type { PacingMode } from '@/utils/queue/types';
import {
  DEFAULT_PACING,
  PACING_LIMITS,
  type PacingOptions,
  parseDelaySeconds,
  parseWholeNumber,
  readPacingOptions,
  updatePacingOptions,
} from '@/utils/settings';

/** Mode, cap, adaptive floor and retries. Saves as you type, like the rest of the settings form. */
export function PacingFields() {
  const [options, setOptions] = useState<PacingOptions>(DEFAULT_PACING);
  const [floor, setFloor] = useState('');
  const [error, setError] = useState<string>();

  useEffect(() => {
    void readPacingOptions().then((stored) => {
      setOptions(stored);
      setFloor(String(stored.adaptiveFloorMs / 1000));
    });
  }, []);

  function save(patch: Partial<PacingOptions> | Error) {
    if (patch instanceof Error) return setError(patch.message);
    setError(undefined);
    setOptions((current) => ({ ...current, ...patch }));
    void updatePacingOptions(patch);
  }
  function whole(text: string, key: 'concurrency' | 'maxRetries'): Partial<PacingOptions> | Error {
    const { min, max } = PACING_LIMITS[key];
    const value = parseWholeNumber(text, min, max);
    return value instanceof Error ? value : { [key]: value };
  }

  return (
    <>
      <div class="settings-row">
        <label>
          {t('modeLabel')}
          <select
            name="mode"
            value={options.mode}
            onChange={(event) => save({ mode: event.currentTarget.value as PacingMode })}
          >
            <option value="sequential">{t('modeSequentialOption')}</option>
            <option value="staggered">{t('modeStaggeredOption')}</option>
            <option value="adaptive">{t('modeAdaptiveOption')}</option>
          </select>
        </label>
      </div>
      <div class="settings-row">
        <label>
          {t('concurrencyLabel')}
          <input
            type="number"
            name="concurrency"
            min={PACING_LIMITS.concurrency.min}
            max={PACING_LIMITS.concurrency.max}
            value={options.concurrency}
            disabled={options.mode === 'sequential'}
            onInput={(event) => save(whole(event.currentTarget.value, 'concurrency'))}
          />
        </label>
        <label>
          {t('floorLabel')}
          <input
            type="number"
            name="adaptiveFloor"
            min={0}
            step="0.1"
            value={floor}
            disabled={options.mode !== 'adaptive'}
            onInput={(event) => {
              setFloor(event.currentTarget.value);
              const ms = parseDelaySeconds(event.currentTarget.value);
              save(
                ms instanceof Error || ms > PACING_LIMITS.adaptiveFloorMs.max
                  ? new Error('0-60 s')
                  : { adaptiveFloorMs: ms },
              );
            }}
          />
        </label>
        <label>
          {t('retriesLabel')}
          <input
            type="number"
            name="maxRetries"
            min={PACING_LIMITS.maxRetries.min}
            max={PACING_LIMITS.maxRetries.max}
            value={options.maxRetries}
            onInput={(event) => save(whole(event.currentTarget.value, 'maxRetries'))}
          />
        </label>
      </div>
      {error && <p class="field-error">{error}</p>}
    </>
  );
}
