// The window: starts the stores and the shortcut table once, then lays out
// activity bar → side list → workspace (+ dock) → inspector, status bar below.
import { useEffect } from 'react';
import { Toaster } from '../components/index.js';
import { startFunctions } from '../stores/functions.js';
import { startStatus } from '../stores/status.js';
import { useUi } from '../stores/ui.js';
import { CommandPalette } from './CommandPalette.js';
import { CreateFunctionDialog } from './CreateFunctionDialog.js';
import { registerFrameCommands } from './frameCommands.js';
import { followImageBuilds } from './imageBuildToasts.js';
import { Layout } from './Layout.js';
import { bindShortcuts } from './shortcuts.js';
import { StatusBar } from './StatusBar.js';
import { useSelectionFollowsList } from './useSelectionFollowsList.js';
import './app.css';

export function App() {
  const theme = useUi((s) => s.resolvedTheme);
  useEffect(() => {
    startFunctions();
    startStatus();
    const offCommands = registerFrameCommands();
    const offKeys = bindShortcuts();
    const offImages = followImageBuilds();
    return () => {
      offImages();
      offKeys();
      offCommands();
    };
  }, []);
  useSelectionFollowsList();
  return (
    <div className="app" data-testid="app-root" data-theme={theme}>
      <Layout />
      <StatusBar />
      <CommandPalette />
      <CreateFunctionDialog />
      <Toaster />
    </div>
  );
}
