import { useEffect, useState } from 'preact/hooks';
import { tl } from '@/utils/i18n';
import { DEFAULT_PACE, type Pace, type PaceMode, paceProblems } from '@/utils/pacing/pace';
import { readPace, updatePace } from '@/utils/settings';
import { type PacingInputField, PacingInputs } from './PacingInputs';

/** Seconds or a count as typed; NaN when not a number, for the pace's one check to name. */
const secondsToMs = (text: string) => (text.trim() === '' ? Number.NaN : Math.round(Number(text) * 1000));
const wholeNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/** Mode, cap, adaptive floor and retries. Saves as you type, like the rest of the settings form. */
export function PacingFields() {
  const [pace, setPace] = useState<Pace>(DEFAULT_PACE);
  const [floor, setFloor] = useState('');
  const [error, setError] = useState<string>();

  useEffect(() => {
    void readPace().then((stored) => {
      setPace(stored);
      setFloor(String(stored.adaptiveFloorMs / 1000));
    });
  }, []);

  /** Saves the change when the changed field passes the pace's one check; shows what is wrong otherwise. */
  function save(patch: Partial<Pace>) {
    const problem = paceProblems({ ...pace, ...patch }).find(({ key }) => key in patch);
    if (problem) return setError(tl(problem.text));
    setError(undefined);
    setPace((current) => ({ ...current, ...patch }));
    void updatePace(patch);
  }

  function onInput(field: PacingInputField, text: string) {
    if (field === 'mode') return save({ mode: text as PaceMode });
    if (field === 'concurrency') return save({ concurrency: wholeNumber(text) });
    if (field === 'retries') return save({ maxRetries: wholeNumber(text) });
    setFloor(text);
    save({ adaptiveFloorMs: secondsToMs(text) });
  }

  return (
    <>
      <PacingInputs
        mode={pace.mode}
        concurrency={pace.concurrency}
        floor={floor}
        retries={pace.maxRetries}
        names={{ mode: 'mode', concurrency: 'concurrency', floor: 'adaptiveFloor', retries: 'maxRetries' }}
        onInput={onInput}
      />
      {error && <p class="field-error">{error}</p>}
    </>
  );
}
