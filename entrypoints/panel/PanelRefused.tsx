import { t } from '@/utils/i18n';

/** What a panel.html shows when no Cadence injection handed it a token: a page framed it, or it was reloaded. */
export function PanelRefused() {
  return (
    <main class="section" data-testid="panel-refused" role="alert">
      <h1>{t('panelNotClaimed')}</h1>
      <p>{t('panelNotClaimedDetail')}</p>
    </main>
  );
}
