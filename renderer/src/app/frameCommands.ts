// The frame's own commands: palette, navigation, dock, theme, tabs. Panels
// register theirs (code.save, invoke.run, …) the same way.
import { toast } from '../components/index.js';
import { useFunctions } from '../stores/functions.js';
import { useStatus } from '../stores/status.js';
import { useUi, type Activity } from '../stores/ui.js';
import { registerCommand } from './commands.js';
import { visibleFunctions } from './functionFilter.js';

function step(delta: 1 | -1): void {
  const names = visibleFunctions(useFunctions.getState().list, useUi.getState().filter).map((f) => f.name);
  if (names.length === 0) return;
  const cur = useUi.getState().selected;
  const i = cur ? names.indexOf(cur) : -1;
  const next = i < 0 ? (delta > 0 ? 0 : names.length - 1) : Math.min(names.length - 1, Math.max(0, i + delta));
  useUi.getState().select(names[next]);
  useUi.getState().setActivity('functions');
}

export async function copyText(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast.success(`Copied ${what}`, text);
  } catch (e) {
    toast.error(`Could not copy ${what}`, { code: 'ClipboardDenied', message: String((e as Error)?.message ?? e), hint: `Select and copy it by hand: ${text}` });
  }
}

const views: { id: Activity; title: string }[] = [
  { id: 'functions', title: 'Functions' },
  { id: 'events', title: 'Events' },
  { id: 'environments', title: 'Environments' },
  { id: 'timeline', title: 'Timeline' },
  { id: 'metrics', title: 'Metrics' },
];

export function registerFrameCommands(): () => void {
  const ui = () => useUi.getState();
  const hasSelection = () => !!ui().selected;
  const offs = [
    registerCommand({ id: 'palette.open', title: 'Show all commands', group: 'View', shortcut: '$mod+k', altShortcuts: ['$mod+shift+p'], run: () => ui().setPaletteOpen(!ui().paletteOpen) }),
    registerCommand({ id: 'function.new', title: 'New function…', group: 'Function', shortcut: '$mod+alt+n', run: () => ui().setCreateOpen(true) }),
    registerCommand({ id: 'function.next', title: 'Next function', group: 'Function', shortcut: 'alt+ArrowDown', run: () => step(1) }),
    registerCommand({ id: 'function.prev', title: 'Previous function', group: 'Function', shortcut: 'alt+ArrowUp', run: () => step(-1) }),
    registerCommand({ id: 'tab.code', title: 'Open the Code tab', group: 'Function', shortcut: '$mod+1', enabled: hasSelection, run: () => ui().setTab('code') }),
    registerCommand({ id: 'tab.test', title: 'Open the Test tab', group: 'Function', shortcut: '$mod+2', enabled: hasSelection, run: () => ui().setTab('test') }),
    registerCommand({ id: 'tab.config', title: 'Open the Configuration tab', group: 'Function', shortcut: '$mod+3', enabled: hasSelection, run: () => ui().setTab('config') }),
    registerCommand({ id: 'dock.toggle', title: 'Toggle the bottom dock', group: 'View', shortcut: '$mod+j', run: () => ui().toggleDock() }),
    registerCommand({ id: 'theme.toggle', title: 'Toggle light / dark theme', group: 'Theme', shortcut: 'alt+shift+t', run: () => ui().toggleTheme() }),
    registerCommand({ id: 'theme.system', title: 'Theme: follow the system', group: 'Theme', run: () => ui().setThemePreference('system') }),
    registerCommand({ id: 'theme.light', title: 'Theme: light', group: 'Theme', run: () => ui().setThemePreference('light') }),
    registerCommand({ id: 'theme.dark', title: 'Theme: dark', group: 'Theme', run: () => ui().setThemePreference('dark') }),
    registerCommand({ id: 'functions.refresh', title: 'Reload the function list', group: 'Function', run: () => useFunctions.getState().refresh() }),
    registerCommand({
      id: 'api.copyEndpoint',
      title: 'Copy the Lambda API endpoint',
      group: 'View',
      enabled: () => !!useStatus.getState().status,
      run: () => copyText(useStatus.getState().status!.apiEndpoint, 'the API endpoint'),
    }),
    ...views.map((v) => registerCommand({ id: `view.${v.id}`, title: `Show ${v.title}`, group: 'View', run: () => ui().setActivity(v.id) })),
    ...[['logs', 'Logs'], ['timeline', 'Timeline'], ['metrics', 'Metrics']].map(([id, title]) =>
      registerCommand({ id: `dock.${id}`, title: `Dock: ${title}`, group: 'View', run: () => ui().setDockTab(id as 'logs' | 'timeline' | 'metrics') }),
    ),
  ];
  return () => offs.forEach((off) => off());
}
