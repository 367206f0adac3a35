import { useState } from 'preact/hooks';
import { PresetPicker } from '@/components/PresetPicker';
import { useSetting } from '@/hooks/use-setting';
import {
  type CompressionTarget,
  CUSTOM_LIMITS,
  OUTPUT_FORMATS,
  type OutputFormat,
  parseCustomTarget,
} from '@/utils/compress/presets';
import type { MessageKey } from '@/utils/i18n';
import { t } from '@/utils/i18n';
import { customTargetSetting, defaultPresetSetting, keepJpegMetadataSetting } from '@/utils/settings';

const FORMAT_TEXT: Record<OutputFormat, MessageKey> = {
  auto: 'formatAuto',
  jpeg: 'formatJpeg',
  webp: 'formatWebp',
  png: 'formatPng',
  avif: 'formatAvif',
  keep: 'formatKeep',
};

type CustomFields = { maxSide: string; maxKilobytes: string; format: string; quality: string };

function fieldsOf(target: CompressionTarget): CustomFields {
  return {
    maxSide: String(target.maxSide),
    maxKilobytes: String(target.maxBytes / 1000),
    format: target.format,
    quality: String(target.quality),
  };
}

const RANGE_TEXT: Record<keyof CustomFields, [string, string]> = {
  maxSide: [String(CUSTOM_LIMITS.maxSide.min), String(CUSTOM_LIMITS.maxSide.max)],
  maxKilobytes: [String(CUSTOM_LIMITS.maxKilobytes.min), String(CUSTOM_LIMITS.maxKilobytes.max)],
  quality: [String(CUSTOM_LIMITS.quality.min), String(CUSTOM_LIMITS.quality.max)],
  format: ['', ''],
};

/** The default preset, Custom's numbers and the metadata choice, on the options page. Saves as you type. */
export function CompressionSettingsForm() {
  const [preset, savePreset] = useSetting(defaultPresetSetting);
  const [custom, saveCustom] = useSetting(customTargetSetting);
  const [keepMetadata, saveKeepMetadata] = useSetting(keepJpegMetadataSetting);
  // Kept as typed once the user types, so a half-typed number is not rewritten.
  const [typed, setFields] = useState<CustomFields | null>(null);
  const fields = typed ?? (custom && fieldsOf(custom));
  const [invalid, setInvalid] = useState<keyof CustomFields | null>(null);

  if (!preset || !fields || keepMetadata === undefined) return null;

  function saveField(name: keyof CustomFields, value: string) {
    const next = { ...(fields as CustomFields), [name]: value };
    setFields(next);
    const parsed = parseCustomTarget(next);
    if ('field' in parsed) {
      setInvalid(parsed.field);
      return;
    }
    setInvalid(null);
    void saveCustom(parsed);
  }

  const numberInput = (name: 'maxSide' | 'maxKilobytes' | 'quality', label: MessageKey, step: string) => (
    <label>
      {t(label)}
      <input
        type="number"
        name={name}
        step={step}
        value={fields[name]}
        onInput={(event) => saveField(name, event.currentTarget.value)}
        aria-invalid={invalid === name ? true : undefined}
      />
    </label>
  );

  return (
    <div class="settings" data-testid="compression-settings">
      <PresetPicker
        value={preset}
        label="defaultPresetLabel"
        onChange={(next) => {
          void savePreset(next);
        }}
      />
      <fieldset class="custom-preset">
        <legend>{t('customTitle')}</legend>
        <div class="settings-row">
          {numberInput('maxSide', 'customMaxSideLabel', '1')}
          {numberInput('maxKilobytes', 'customMaxKilobytesLabel', '1')}
        </div>
        <div class="settings-row">
          <label>
            {t('customFormatLabel')}
            <select
              name="format"
              value={fields.format}
              onChange={(event) => saveField('format', event.currentTarget.value)}
            >
              {OUTPUT_FORMATS.map((format) => (
                <option key={format} value={format}>
                  {t(FORMAT_TEXT[format])}
                </option>
              ))}
            </select>
          </label>
          {numberInput('quality', 'customQualityLabel', '0.05')}
        </div>
        {invalid && (
          <p class="field-error" data-testid="custom-error">
            {t('fieldRange', ...RANGE_TEXT[invalid])}
          </p>
        )}
      </fieldset>
      <label class="checkbox">
        <input
          type="checkbox"
          name="keepMetadata"
          checked={keepMetadata}
          onChange={(event) => {
            void saveKeepMetadata(event.currentTarget.checked);
          }}
        />
        {t('keepMetadataLabel')}
      </label>
    </div>
  );
}
