import { render } from 'preact';
import '@/components/ui.css';
import { loadLanguage, t } from '@/utils/i18n';
import { App } from './App';

// The language chosen in the options (or the browser's) before the first text is drawn; the page
// declares the language its text is in, so a screen reader reads it in the right voice.
void loadLanguage().then(() => {
  document.documentElement.lang = t('languageCode');
  render(<App />, document.getElementById('app') as HTMLElement);
});
