import { useEffect, useState } from 'preact/hooks';
import { CompressionSettingsForm } from '@/components/CompressionSettingsForm';
import { DestinationEditor } from '@/components/DestinationEditor';
import { FileButton } from '@/components/FileButton';
import { HostGallery } from '@/components/HostGallery';
import { LanguagePicker } from '@/components/LanguagePicker';
import { ReplyTimeoutField } from '@/components/ReplyTimeoutField';
import { SettingsForm } from '@/components/SettingsForm';
import { SettingsTransfer } from '@/components/SettingsTransfer';
import { StorageSection } from '@/components/StorageSection';
import { UploadHistory } from '@/components/UploadHistory';
import { useSetting } from '@/hooks/use-setting';
import { hasAccess, originLabel } from '@/utils/destinations/access';
import { type Destination, newDestination } from '@/utils/destinations/model';
import { exportedCredentials, exportSxcu, importSxcu } from '@/utils/destinations/sxcu';
import { downloadText } from '@/utils/download';
import { t } from '@/utils/i18n';
import { activeDestinationIdSetting, destinationsSetting } from '@/utils/settings';

/** One array for "none yet", so effects that depend on the list do not rerun on every render. */
const NO_DESTINATIONS: Destination[] = [];

interface Editing {
  destination: Destination;
  notes: string[];
  credentials: string[];
}

export function App() {
  const [destinations = NO_DESTINATIONS] = useSetting(destinationsSetting, { watch: true });
  const [activeId = '', saveActiveId] = useSetting(activeDestinationIdSetting, { watch: true });
  const [access, setAccess] = useState<Record<string, boolean>>({});
  const [editing, setEditing] = useState<Editing | undefined>();
  const [importError, setImportError] = useState<string | undefined>();
  // Bumped by "Import settings": the forms below read their settings once, so they are drawn afresh.
  const [settingsImports, setSettingsImports] = useState(0);

  useEffect(() => {
    void Promise.all(
      destinations.map(async (destination) => [destination.id, await hasAccess(destination.url)] as const),
    ).then((entries) => setAccess(Object.fromEntries(entries)));
  }, [destinations, editing]);

  async function save(destination: Destination) {
    const current = await destinationsSetting.getValue();
    const exists = current.some((candidate) => candidate.id === destination.id);
    await destinationsSetting.setValue(
      exists
        ? current.map((candidate) => (candidate.id === destination.id ? destination : candidate))
        : [...current, destination],
    );
    const activeId = await activeDestinationIdSetting.getValue();
    if (!exists && !current.some((candidate) => candidate.id === activeId)) {
      await activeDestinationIdSetting.setValue(destination.id);
    }
  }

  async function remove(id: string) {
    const rest = (await destinationsSetting.getValue()).filter((candidate) => candidate.id !== id);
    await destinationsSetting.setValue(rest);
    if ((await activeDestinationIdSetting.getValue()) === id)
      await activeDestinationIdSetting.setValue(rest[0]?.id ?? '');
  }

  async function importFile(file: File) {
    setImportError(undefined);
    try {
      const imported = importSxcu(await file.text());
      setEditing({ destination: imported.destination, notes: imported.notes, credentials: imported.credentials });
    } catch (error) {
      setImportError(error instanceof Error ? error.message : String(error));
    }
  }

  function exportFile(destination: Destination) {
    const credentials = exportedCredentials(destination);
    if (credentials.length > 0 && !window.confirm(t('exportCredentialsWarning', credentials.join(', ')))) return;
    downloadText(
      `${JSON.stringify(exportSxcu(destination), null, 2)}\n`,
      'application/json',
      `${destination.name.replace(/[^\w.-]+/g, '_') || 'destination'}.sxcu`,
    );
  }

  return (
    <main style={{ maxWidth: '640px', margin: '24px auto' }}>
      <header class="bar">
        <h1>{t('optionsTitle')}</h1>
      </header>
      <div class="section" key={`general-${settingsImports}`}>
        <LanguagePicker />
        <SettingsForm />
        <ReplyTimeoutField />
      </div>
      <div class="section" key={`compression-${settingsImports}`}>
        <h2>{t('compressionLabel')}</h2>
        <CompressionSettingsForm />
      </div>
      <section class="section" data-testid="destinations">
        <h2>{t('destinationsTitle')}</h2>
        {destinations.length === 0 && <p class="muted">{t('noDestinations')}</p>}
        <ul class="destination-list">
          {destinations.map((destination) => (
            <li key={destination.id} data-testid="destination-row" data-destination-id={destination.id}>
              <label class="checkbox">
                <input
                  type="radio"
                  name="active-destination"
                  checked={destination.id === activeId}
                  onChange={() => void saveActiveId(destination.id)}
                />
                <strong>{destination.name}</strong>
              </label>
              <span class="muted">
                {destination.method} {originLabel(destination.url)}
              </span>
              {access[destination.id] === false && (
                <span class="warning" data-testid="no-access">
                  {t('noAccessShort')}
                </span>
              )}
              <span class="row-actions">
                <button type="button" onClick={() => setEditing({ destination, notes: [], credentials: [] })}>
                  {t('edit')}
                </button>
                <button type="button" onClick={() => exportFile(destination)}>
                  {t('exportSxcu')}
                </button>
                <button type="button" onClick={() => void remove(destination.id)}>
                  {t('delete')}
                </button>
              </span>
            </li>
          ))}
        </ul>
        <div class="footer-row">
          <button
            type="button"
            class="primary"
            data-testid="new-destination"
            onClick={() => setEditing({ destination: newDestination(), notes: [], credentials: [] })}
          >
            {t('newDestination')}
          </button>
          <FileButton
            label={t('importSxcu')}
            accept=".sxcu,application/json"
            testId="import-sxcu"
            onFile={(file) => void importFile(file)}
          />
        </div>
        {importError && (
          <p class="field-error" role="alert" data-testid="import-error">
            {importError}
          </p>
        )}
        <HostGallery
          onFill={(destination, preset) =>
            setEditing({ destination, notes: [t('hostFilledNote', preset.name)], credentials: [] })
          }
        />
      </section>
      <section class="section" data-testid="settings-file">
        <h2>{t('settingsFileTitle')}</h2>
        <SettingsTransfer onImported={() => setSettingsImports((count) => count + 1)} />
      </section>
      <section class="section" data-testid="history">
        <h2>{t('historyTitle')}</h2>
        <UploadHistory />
      </section>
      <section class="section" data-testid="storage">
        <h2>{t('storageTitle')}</h2>
        <StorageSection />
      </section>
      {editing && (
        <section class="section">
          <DestinationEditor
            key={editing.destination.id}
            initial={editing.destination}
            notes={editing.notes}
            credentials={editing.credentials}
            onSave={save}
            onCancel={() => setEditing(undefined)}
          />
        </section>
      )}
    </main>
  );
}
