import { secondsUntil } from '@/utils/format';
import { t, uiLocale } from '@/utils/i18n';
import { useNow } from './use-now';

/** A countdown to the next start, and its clock time. */
export function NextStart({ at }: { at: number | null }) {
  const now = useNow(at !== null);
  if (at === null || at <= now) return null;
  return (
    <p class="next-start" data-testid="next-start" data-at={at}>
      {t('nextStartIn', String(secondsUntil(at, now)))}
      <span class="muted"> · {t('nextStartAt', new Date(at).toLocaleTimeString(uiLocale()))}</span>
    </p>
  );
}
