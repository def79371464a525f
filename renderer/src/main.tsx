// Entry: theme first (no flash of the wrong colours), then the window.
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { startUi } from './stores/ui.js';
import './styles/base.css';

startUi();
createRoot(document.getElementById('root')!).render(<App />);
