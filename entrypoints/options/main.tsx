import { render } from 'preact';
import '@/components/ui.css';
import { loadLanguage } from '@/utils/i18n';
import { App } from './App';

// The language chosen in the options (or the browser's) before the first text is drawn.
void loadLanguage().then(() => render(<App />, document.getElementById('app') as HTMLElement));
