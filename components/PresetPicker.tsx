import { PRESET_IDS, type PresetId } from '@/utils/compress/presets';
import type { MessageKey } from '@/utils/i18n';
import { t } from '@/utils/i18n';

export const PRESET_TEXT: Record<PresetId, MessageKey> = {
  original: 'presetOriginal',
  large: 'presetLarge',
  balanced: 'presetBalanced',
  small: 'presetSmall',
  custom: 'presetCustom',
};

/** A preset select; the panel's applies to the images added next, the options page's is the default. */
export function PresetPicker({
  value,
  onChange,
  label = 'compressionLabel',
}: {
  value: PresetId;
  onChange: (preset: PresetId) => void;
  label?: MessageKey;
}) {
  return (
    <label>
      {t(label)}
      <select name="preset" value={value} onChange={(event) => onChange(event.currentTarget.value as PresetId)}>
        <PresetOptions />
      </select>
    </label>
  );
}

/** One option per preset, in the presets' order; shared by every preset select. */
export function PresetOptions() {
  return (
    <>
      {PRESET_IDS.map((id) => (
        <option key={id} value={id}>
          {t(PRESET_TEXT[id])}
        </option>
      ))}
    </>
  );
}
