import { render } from 'preact';
import '@/components/ui.css';
import { linkToBackground } from '@/utils/background-link';
import { loadLanguage, t } from '@/utils/i18n';
import { App } from './App';

// The language chosen in the options (or the browser's) before the first text is drawn; the page
// declares the language its text is in, so a screen reader reads it in the right voice.
// While uploads are pending, an open page brings a stopped worker back at once (not at its 30 s alarm).
linkToBackground();

void loadLanguage().then(() => {
  document.documentElement.lang = t('languageCode');
  render(<App />, document.getElementById('app') as HTMLElement);
});
