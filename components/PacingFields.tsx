import { useEffect, useState } from 'preact/hooks';
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
import { type PacingInputField, PacingInputs } from './PacingInputs';

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

  function onInput(field: PacingInputField, text: string) {
    if (field === 'mode') return save({ mode: text as PacingMode });
    if (field === 'concurrency') return save(whole(text, 'concurrency'));
    if (field === 'retries') return save(whole(text, 'maxRetries'));
    setFloor(text);
    const ms = parseDelaySeconds(text);
    save(ms instanceof Error || ms > PACING_LIMITS.adaptiveFloorMs.max ? new Error('0-60 s') : { adaptiveFloorMs: ms });
  }

  return (
    <>
      <PacingInputs
        mode={options.mode}
        concurrency={options.concurrency}
        floor={floor}
        retries={options.maxRetries}
        names={{ mode: 'mode', concurrency: 'concurrency', floor: 'adaptiveFloor', retries: 'maxRetries' }}
        onInput={onInput}
      />
      {error && <p class="field-error">{error}</p>}
    </>
  );
}
