import { t } from '@/utils/i18n';

/** What a panel.html shows when no Cadence injection handed it a token: a page framed it, or it was reloaded. */
export function PanelRefused() {
  return (
    <main data-testid="panel-refused">
      <header class="bar">
        <h1>{t('panelTitle')}</h1>
      </header>
      <div class="section" role="alert">
        <p>
          <strong>{t('panelNotClaimed')}</strong>
        </p>
        <p class="muted">{t('panelNotClaimedDetail')}</p>
      </div>
    </main>
  );
}
