import type { ComponentChildren } from 'preact';
import { useSetting } from '@/hooks/use-setting';
import type { PresetId } from '@/utils/compress/presets';
import { formatSeconds } from '@/utils/format';
import { type MessageKey, t } from '@/utils/i18n';
import { paceSetting, panelSettingsOpenSetting } from '@/utils/settings';

/** The presets' names without their limits: the fold's line has room for the name only. */
const PRESET_SHORT_TEXT: Record<PresetId, MessageKey> = {
  original: 'presetOriginalShort',
  large: 'presetLargeShort',
  balanced: 'presetBalancedShort',
  small: 'presetSmallShort',
  custom: 'presetCustom',
};

/**
 * Where, how small and how fast, folded into one line ("To: host · Large · 0.3 s
 * between uploads") that opens on the pickers and the pace. Open until the user
 * folds it once (remembered): a new user sees where to choose.
 */
export function BatchSetupFold({
  destinationName,
  preset,
  children,
}: {
  /** Undefined while nothing usable is chosen. */
  destinationName: string | undefined;
  preset: PresetId | null;
  children: ComponentChildren;
}) {
  const [open, saveOpen] = useSetting(panelSettingsOpenSetting);
  // Watched: the line follows the pace field as the user types in it.
  const delayMs = useSetting(paceSetting, { watch: true })[0]?.delayMs;
  const parts = [destinationName === undefined ? t('foldNoDestination') : t('foldTo', destinationName)];
  if (preset) parts.push(t(PRESET_SHORT_TEXT[preset]));
  if (delayMs !== undefined) parts.push(t('foldPace', formatSeconds(delayMs)));
  // Shown once the setting is read: it opens as the user left it, never flipping under a click.
  if (open === undefined) return null;
  return (
    <details
      class="panel-settings"
      data-testid="panel-settings"
      open={open}
      onToggle={(event) => {
        const next = event.currentTarget.open;
        if (next !== open) void saveOpen(next);
      }}
    >
      {/* A long destination name is cut with an ellipsis; the title has the whole line. */}
      <summary data-testid="fold-summary" title={parts.join(' · ')}>
        {parts.join(' · ')}
      </summary>
      <div class="fold-body">{children}</div>
    </details>
  );
}
