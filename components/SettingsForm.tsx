import { useEffect, useState } from 'preact/hooks';
import { t } from '@/utils/i18n';
import {
  destinationUrlSetting,
  fileFieldNameSetting,
  parseDelaySeconds,
  parseDestinationUrl,
  uploadDelayMsSetting,
} from '@/utils/settings';
import { PacingFields } from './PacingFields';

/** Destination URL, file field and pace; shared by the panel and the options page. Saves as you type. */
export function SettingsForm({ onDestinationChange }: { onDestinationChange?: (usable: boolean) => void }) {
  const [destination, setDestination] = useState('');
  const [fieldName, setFieldName] = useState('');
  const [delay, setDelay] = useState('');
  const [errors, setErrors] = useState<{ destination?: string; delay?: string }>({});

  useEffect(() => {
    void Promise.all([
      destinationUrlSetting.getValue(),
      fileFieldNameSetting.getValue(),
      uploadDelayMsSetting.getValue(),
    ]).then(([url, field, delayMs]) => {
      setDestination(url);
      setFieldName(field);
      setDelay(String(delayMs / 1000));
      onDestinationChange?.(!(parseDestinationUrl(url) instanceof Error));
    });
  }, []);

  function saveDestination(text: string) {
    setDestination(text);
    const parsed = parseDestinationUrl(text);
    setErrors((current) => ({ ...current, destination: parsed instanceof Error ? parsed.message : undefined }));
    onDestinationChange?.(!(parsed instanceof Error));
    if (!(parsed instanceof Error)) void destinationUrlSetting.setValue(parsed.href);
  }
  function saveDelay(text: string) {
    setDelay(text);
    const parsed = parseDelaySeconds(text);
    setErrors((current) => ({ ...current, delay: parsed instanceof Error ? parsed.message : undefined }));
    if (!(parsed instanceof Error)) void uploadDelayMsSetting.setValue(parsed);
  }
  function saveFieldName(text: string) {
    setFieldName(text);
    if (text.trim()) void fileFieldNameSetting.setValue(text.trim());
  }

  return (
    <div class="settings">
      <label>
        {t('destinationLabel')}
        <input
          type="url"
          name="destination"
          value={destination}
          placeholder="https://example.com/upload"
          onInput={(event) => saveDestination(event.currentTarget.value)}
          aria-invalid={errors.destination ? true : undefined}
        />
      </label>
      {errors.destination && <p class="field-error">{errors.destination}</p>}
      <div class="settings-row">
        <label>
          {t('delayLabel')}
          <input
            type="number"
            name="delay"
            min={0}
            step="0.1"
            value={delay}
            onInput={(event) => saveDelay(event.currentTarget.value)}
            aria-invalid={errors.delay ? true : undefined}
          />
        </label>
        <label>
          {t('fieldNameLabel')}
          <input
            type="text"
            name="fieldName"
            value={fieldName}
            onInput={(event) => saveFieldName(event.currentTarget.value)}
          />
        </label>
      </div>
      {errors.delay && <p class="field-error">{errors.delay}</p>}
      <PacingFields />
    </div>
  );
}
