import { render } from 'preact';
import '@/components/ui.css';
import { App } from './App';
import { PanelRefused } from './PanelRefused';
import { watchPanelClaim } from './panel-claim';

document.documentElement.lang = navigator.language;
const root = document.getElementById('app') as HTMLElement;
// Nothing is shown, read from storage or sent until the panel has claimed its token.
watchPanelClaim({
  onClaimed: () => render(<App />, root),
  onUnclaimed: () => render(<PanelRefused />, root),
});
