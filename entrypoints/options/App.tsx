import { CompressionSettingsForm } from '@/components/CompressionSettingsForm';
import { SettingsForm } from '@/components/SettingsForm';
import { t } from '@/utils/i18n';

export function App() {
  return (
    <main style={{ maxWidth: '560px', margin: '24px auto' }}>
      <header class="bar">
        <h1>{t('optionsTitle')}</h1>
      </header>
      <div class="section">
        <SettingsForm />
      </div>
      <div class="section">
        <h2>{t('compressionLabel')}</h2>
        <CompressionSettingsForm />
      </div>
    </main>
  );
}
