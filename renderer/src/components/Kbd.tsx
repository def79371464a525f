// Shows a shortcut written in tinykeys syntax ('$mod+shift+Enter') the way the
// platform writes it: ⌘⇧↵ on macOS, Ctrl+Shift+Enter elsewhere.
import type { ReactNode } from 'react';
import './feedback.css';

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

const MAC: Record<string, string> = { $mod: '⌘', meta: '⌘', control: '⌃', ctrl: '⌃', shift: '⇧', alt: '⌥', enter: '↵', arrowup: '↑', arrowdown: '↓', arrowleft: '←', arrowright: '→', escape: 'Esc', backspace: '⌫' };
const OTHER: Record<string, string> = { $mod: 'Ctrl', meta: 'Meta', control: 'Ctrl', ctrl: 'Ctrl', shift: 'Shift', alt: 'Alt', enter: 'Enter', arrowup: '↑', arrowdown: '↓', arrowleft: '←', arrowright: '→', escape: 'Esc', backspace: 'Backspace' };

/** The keys of one shortcut, each as the platform names it. */
export function shortcutKeys(shortcut: string): string[] {
  const names = isMac ? MAC : OTHER;
  return shortcut.split('+').map((k) => names[k.toLowerCase()] ?? (k.length === 1 ? k.toUpperCase() : k));
}

export function formatShortcut(shortcut: string): string {
  return shortcutKeys(shortcut).join(isMac ? '' : '+');
}

export function Kbd({ shortcut, children }: { shortcut?: string; children?: ReactNode }) {
  if (children != null) return <kbd className="kbd">{children}</kbd>;
  if (!shortcut) return null;
  return (
    <span className="kbd-group" aria-label={formatShortcut(shortcut)}>
      {shortcutKeys(shortcut).map((k, i) => (
        <kbd key={i} className="kbd">
          {k}
        </kbd>
      ))}
    </span>
  );
}
