import { useState } from 'preact/hooks';
import { downloadText } from '@/utils/download';
import { t } from '@/utils/i18n';
import { languageSetting } from '@/utils/settings';
import { exportSettings, importSettings, SettingsImportError } from '@/utils/settings-transfer';
import { FileButton } from './FileButton';

type Outcome = { kind: 'imported'; missingSecrets: string[] } | { kind: 'refused'; message: string };

/**
 * "Export settings" (secrets only when ticked) and "Import settings" (all or
 * nothing). `onImported` lets the page redraw forms that read their settings
 * once; a file that changes the language reloads the page in it.
 */
export function SettingsTransfer({ onImported }: { onImported: () => void }) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();

  async function download() {
    const file = await exportSettings({ includeSecrets });
    downloadText(
      `${JSON.stringify(file, null, 2)}\n`,
      'application/json',
      `cadence-settings-${file.exportedAt.slice(0, 10)}.json`,
    );
  }

  async function load(file: File) {
    setOutcome(undefined);
    try {
      const languageBefore = await languageSetting.getValue();
      const { missingSecrets } = await importSettings(await file.text());
      if ((await languageSetting.getValue()) !== languageBefore) {
        window.location.reload();
        return;
      }
      setOutcome({ kind: 'imported', missingSecrets });
      onImported();
    } catch (error) {
      setOutcome({ kind: 'refused', message: describeImportError(error) });
    }
  }

  return (
    <div class="settings-transfer">
      <label class="checkbox">
        <input
          type="checkbox"
          name="includeSecrets"
          checked={includeSecrets}
          onChange={(event) => setIncludeSecrets(event.currentTarget.checked)}
        />
        {t('includeSecrets')}
      </label>
      {includeSecrets && (
        <p class="warning" data-testid="secrets-warning">
          {t('includeSecretsWarning')}
        </p>
      )}
      <div class="footer-row">
        <button type="button" data-testid="export-settings" onClick={() => void download()}>
          {t('exportSettings')}
        </button>
        <FileButton
          label={t('importSettings')}
          accept=".json,application/json"
          testId="import-settings"
          onFile={(file) => void load(file)}
        />
      </div>
      {outcome?.kind === 'imported' && (
        <p class="ok" role="status" data-testid="settings-imported">
          {outcome.missingSecrets.length > 0
            ? t('importSettingsMissingSecrets', outcome.missingSecrets.join(', '))
            : t('importSettingsDone')}
        </p>
      )}
      {outcome?.kind === 'refused' && (
        <p class="field-error" role="alert" data-testid="settings-import-error">
          {outcome.message}
        </p>
      )}
    </div>
  );
}

function describeImportError(error: unknown): string {
  if (!(error instanceof SettingsImportError)) return t('settingsErrorBadField', String(error));
  switch (error.code) {
    case 'bad-json':
      return t('settingsErrorBadJson');
    case 'not-settings':
      return t('settingsErrorNotSettings');
    case 'wrong-version':
      return t('settingsErrorWrongVersion');
    case 'bad-field':
      return t('settingsErrorBadField', error.field);
  }
}
