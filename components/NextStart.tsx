import { useEffect, useState } from 'preact/hooks';
import { secondsUntil } from '@/utils/format';
import { t, uiLocale } from '@/utils/i18n';

/** The visible pace: a countdown to the next start, and its clock time. */
export function NextStart({ at }: { at: number | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const tick = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(tick);
  }, [at]);
  if (at === null || at <= now) return null;
  return (
    <p class="next-start" data-testid="next-start" data-at={at}>
      {t('nextStartIn', String(secondsUntil(at, now)))}
      <span class="muted"> · {t('nextStartAt', new Date(at).toLocaleTimeString(uiLocale()))}</span>
    </p>
  );
}
