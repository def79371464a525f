/**
 * useUi — the window's own state: which function is selected, which workspace
 * tab is open, the theme, the dock, the palette and the create dialog.
 *
 * Reading it elsewhere:
 * - selected function and tab: `useUi(s => s.selected)`, `useUi(s => s.tab)`;
 *   change them with `useUi.getState().select(name)` / `.setTab('code' | 'test' | 'config')`.
 * - theme for Monaco (or a canvas): `useUi(s => s.resolvedTheme)` is always
 *   'light' | 'dark' (the 'system' preference already resolved). Outside React:
 *   `useUi.getState().resolvedTheme`, and
 *   `useUi.subscribe((s, prev) => { if (s.resolvedTheme !== prev.resolvedTheme) … })`.
 *   The colours themselves are `tokens[resolvedTheme]` from theme/tokens.ts.
 *
 * Remembered across reloads (localStorage): selection, tab, theme preference, dock.
 */
import { create } from 'zustand';
import type { ThemeName } from '../theme/tokens.js';
import { applyTheme, onSystemThemeChange, resolveTheme, type ThemePreference } from '../theme/apply.js';

export type WorkspaceTab = 'code' | 'test' | 'config';
export type DockTab = 'logs' | 'timeline' | 'metrics';
export type Activity = 'functions' | 'events' | 'environments' | 'timeline' | 'metrics';

export interface UiState {
  selected?: string;
  tab: WorkspaceTab;
  themePreference: ThemePreference;
  resolvedTheme: ThemeName;
  dockOpen: boolean;
  dockTab: DockTab;
  activity: Activity;
  paletteOpen: boolean;
  createOpen: boolean;
  /** The function list's filter text (also what next/previous function walk through). */
  filter: string;
  select(name: string | undefined): void;
  setTab(tab: WorkspaceTab): void;
  setThemePreference(pref: ThemePreference): void;
  /** Flips between light and dark (an explicit choice, no longer following the system). */
  toggleTheme(): void;
  setDockOpen(open: boolean): void;
  toggleDock(): void;
  setDockTab(tab: DockTab): void;
  setActivity(a: Activity): void;
  setPaletteOpen(open: boolean): void;
  setCreateOpen(open: boolean): void;
  setFilter(filter: string): void;
}

const KEY = 'lwb.ui';
interface Saved {
  selected?: string;
  tab?: WorkspaceTab;
  themePreference?: ThemePreference;
  dockOpen?: boolean;
  dockTab?: DockTab;
  activity?: Activity;
}

function load(): Saved {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Saved) : {};
  } catch {
    return {}; // storage disabled or a damaged value: start from defaults
  }
}

const saved = load();
const pref: ThemePreference = saved.themePreference === 'light' || saved.themePreference === 'dark' ? saved.themePreference : 'system';

export const useUi = create<UiState>()((set, get) => ({
  selected: saved.selected,
  tab: saved.tab === 'test' || saved.tab === 'config' ? saved.tab : 'code',
  themePreference: pref,
  resolvedTheme: resolveTheme(pref),
  dockOpen: saved.dockOpen ?? true,
  dockTab: saved.dockTab ?? 'logs',
  activity: saved.activity ?? 'functions',
  paletteOpen: false,
  createOpen: false,
  filter: '',
  select: (name) => set({ selected: name }),
  setTab: (tab) => set({ tab }),
  setThemePreference: (p) => set({ themePreference: p, resolvedTheme: resolveTheme(p) }),
  toggleTheme: () => {
    const next: ThemeName = get().resolvedTheme === 'dark' ? 'light' : 'dark';
    set({ themePreference: next, resolvedTheme: next });
  },
  setDockOpen: (open) => set({ dockOpen: open }),
  toggleDock: () => set({ dockOpen: !get().dockOpen }),
  setDockTab: (dockTab) => set({ dockTab, dockOpen: true }),
  setActivity: (activity) => set({ activity }),
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  setCreateOpen: (createOpen) => set({ createOpen }),
  setFilter: (filter) => set({ filter }),
}));

let started = false;
/** Applies the theme now and keeps it applied; remembers what should survive a reload. */
export function startUi(): void {
  if (started) return;
  started = true;
  applyTheme(useUi.getState().resolvedTheme);
  onSystemThemeChange(() => {
    const s = useUi.getState();
    if (s.themePreference === 'system') useUi.setState({ resolvedTheme: resolveTheme('system') });
  });
  useUi.subscribe((s, prev) => {
    if (s.resolvedTheme !== prev.resolvedTheme) applyTheme(s.resolvedTheme);
    const keep: Saved = { selected: s.selected, tab: s.tab, themePreference: s.themePreference, dockOpen: s.dockOpen, dockTab: s.dockTab, activity: s.activity };
    const was: Saved = { selected: prev.selected, tab: prev.tab, themePreference: prev.themePreference, dockOpen: prev.dockOpen, dockTab: prev.dockTab, activity: prev.activity };
    if (JSON.stringify(keep) !== JSON.stringify(was)) {
      try {
        localStorage.setItem(KEY, JSON.stringify(keep));
      } catch {
        // storage full or disabled: the window still works, it just forgets
      }
    }
  });
}
