import { render } from 'preact';
import '@/components/ui.css';
import { t } from '@/utils/i18n';
import { App } from './App';

// The language the text is in (not the browser's), so a screen reader reads it in the right voice.
document.documentElement.lang = t('languageCode');
render(<App />, document.getElementById('app') as HTMLElement);
