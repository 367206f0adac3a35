import type { ComponentChildren } from 'preact';
import { t } from '@/utils/i18n';
import { PACE_LIMITS, type PaceMode } from '@/utils/pacing/pace';

export type PacingInputField = 'mode' | 'concurrency' | 'floor' | 'retries';

/**
 * The mode select and the cap, floor and retries inputs, as the user sees
 * them both in the global settings and in a destination's own pace. The
 * callers keep their own state and validation: the global form saves as you
 * type, a destination's editor lists problems before saving.
 */
export function PacingInputs({
  mode,
  concurrency,
  floor,
  retries,
  names,
  onInput,
  children,
}: {
  mode: PaceMode;
  concurrency: string | number;
  floor: string;
  retries: string | number;
  /** Form field names, kept distinct between the two forms. */
  names: Record<PacingInputField, string>;
  onInput: (field: PacingInputField, text: string) => void;
  /** Inputs shown before the cap (a destination's own delay). */
  children?: ComponentChildren;
}) {
  return (
    <>
      <div class="settings-row">
        <label>
          {t('modeLabel')}
          <select name={names.mode} value={mode} onChange={(event) => onInput('mode', event.currentTarget.value)}>
            <option value="sequential">{t('modeSequentialOption')}</option>
            <option value="staggered">{t('modeStaggeredOption')}</option>
            <option value="adaptive">{t('modeAdaptiveOption')}</option>
          </select>
        </label>
      </div>
      <div class="settings-row">
        {children}
        <label>
          {t('concurrencyLabel')}
          <input
            type="number"
            name={names.concurrency}
            min={PACE_LIMITS.concurrency.min}
            max={PACE_LIMITS.concurrency.max}
            value={concurrency}
            disabled={mode === 'sequential'}
            onInput={(event) => onInput('concurrency', event.currentTarget.value)}
          />
        </label>
        <label>
          {t('floorLabel')}
          <input
            type="number"
            name={names.floor}
            min={0}
            step="0.1"
            value={floor}
            disabled={mode !== 'adaptive'}
            onInput={(event) => onInput('floor', event.currentTarget.value)}
          />
        </label>
        <label>
          {t('retriesLabel')}
          <input
            type="number"
            name={names.retries}
            min={PACE_LIMITS.maxRetries.min}
            max={PACE_LIMITS.maxRetries.max}
            value={retries}
            onInput={(event) => onInput('retries', event.currentTarget.value)}
          />
        </label>
      </div>
    </>
  );
}
