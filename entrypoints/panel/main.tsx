import { render } from 'preact';
import '@/components/ui.css';
import { loadLanguage, t } from '@/utils/i18n';
import { App } from './App';
import { PanelRefused } from './PanelRefused';
import { watchPanelClaim } from './panel-claim';
import { type BorrowedClicksGuard, guardAgainstBorrowedClicks } from './visibility-guard';

const root = document.getElementById('app') as HTMLElement;
// The language chosen in the options (or the browser's) before the first text is drawn; the page
// declares the language its text is in, so a screen reader reads it in the right voice.
const languageLoaded = loadLanguage().then((): BorrowedClicksGuard => {
  document.documentElement.lang = t('languageCode');
  // Before anything clickable is drawn: clicks count only while the page shows the panel as itself.
  return guardAgainstBorrowedClicks();
});
// Nothing is shown or sent until the panel has claimed its token. The watch starts at once, so
// the token the content script posts is never missed while the language loads.
watchPanelClaim({
  onClaimed: (moves) =>
    void languageLoaded.then((guard) => {
      // The frame's moves, told by the content script on the port that came with the token.
      if (moves) guard.watchMoves(moves);
      render(<App />, root);
    }),
  onUnclaimed: () => void languageLoaded.then(() => render(<PanelRefused />, root)),
});
