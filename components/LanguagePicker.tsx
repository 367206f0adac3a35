import { useSetting } from '@/hooks/use-setting';
import { t } from '@/utils/i18n';
import { type LanguageChoice, languageSetting } from '@/utils/settings';

/**
 * Automatic (the browser's language), English or 한국어. Each language is
 * named in itself, so it can be found whatever the page is showing. The
 * options page reloads to draw itself in the new language; the panel, the
 * popup and the context menu follow when they next open.
 */
export function LanguagePicker() {
  const [language, saveLanguage] = useSetting(languageSetting);
  if (language === undefined) return null;
  return (
    <label>
      {t('languageLabel')}
      <select
        name="language"
        value={language}
        onChange={(event) => {
          const next = event.currentTarget.value as LanguageChoice;
          void saveLanguage(next).then(() => window.location.reload());
        }}
      >
        <option value="auto">{t('languageAuto')}</option>
        <option value="en" lang="en">
          English
        </option>
        <option value="ko" lang="ko">
          한국어
        </option>
      </select>
    </label>
  );
}
