import { useState } from 'preact/hooks';
import { HOST_PRESETS } from '@/utils/destinations/hosts';
import { answerProblems, fillPreset, type HostAnswers, type HostPreset } from '@/utils/destinations/hosts/preset';
import type { Destination } from '@/utils/destinations/model';
import { t, tl } from '@/utils/i18n';

/**
 * Ready-made hosts (utils/destinations/hosts/): pick one, type only the key
 * or address it asks for, and the destination form opens filled in. Nothing
 * is saved here: the editor saves, and asks for the host permission then.
 */
export function HostGallery({ onFill }: { onFill(destination: Destination, preset: HostPreset): void }) {
  const [chosen, setChosen] = useState<HostPreset | undefined>();
  return (
    <div class="host-gallery" data-testid="host-gallery">
      <h3>{t('hostsTitle')}</h3>
      <p class="muted">{t('hostsIntro')}</p>
      <ul class="host-list">
        {HOST_PRESETS.map((preset) => (
          <li key={preset.id}>
            <button
              type="button"
              data-testid="host-preset"
              data-host-id={preset.id}
              aria-pressed={chosen?.id === preset.id}
              title={t(preset.summaryKey)}
              onClick={() => setChosen(chosen?.id === preset.id ? undefined : preset)}
            >
              {preset.name}
            </button>
          </li>
        ))}
      </ul>
      {chosen && <HostAsks key={chosen.id} preset={chosen} onFill={(destination) => onFill(destination, chosen)} />}
    </div>
  );
}

function HostAsks({ preset, onFill }: { preset: HostPreset; onFill(destination: Destination): void }) {
  const [answers, setAnswers] = useState<HostAnswers>(
    Object.fromEntries(preset.asks.map((ask) => [ask.key, ask.default ?? ''])),
  );
  const [tried, setTried] = useState(false);
  const problems = answerProblems(preset, answers);
  return (
    <form
      class="host-asks"
      data-testid="host-asks"
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (problems.length === 0) onFill(fillPreset(preset, answers));
      }}
    >
      <p>
        <strong>{preset.name}</strong>: {t(preset.summaryKey)}{' '}
        <a href={preset.docs} target="_blank" rel="noopener noreferrer">
          {t('hostDocs')}
        </a>
      </p>
      {preset.asks.map((ask) => (
        <label key={ask.key}>
          {t(ask.labelKey)}
          <input
            name={`ask-${ask.key}`}
            type={ask.kind === 'secret' ? 'password' : ask.kind === 'url' ? 'url' : 'text'}
            autocomplete="off"
            value={answers[ask.key] ?? ''}
            placeholder={ask.placeholder}
            onInput={(event) => setAnswers({ ...answers, [ask.key]: event.currentTarget.value })}
          />
        </label>
      ))}
      {tried && problems.length > 0 && (
        <ul class="field-error" data-testid="host-ask-problems">
          {problems.map((problem) => (
            <li key={problem.message}>{tl(problem.localized)}</li>
          ))}
        </ul>
      )}
      <button type="submit" class="primary" data-testid="host-fill">
        {t('hostUse')}
      </button>
    </form>
  );
}
