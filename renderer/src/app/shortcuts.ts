// Binds every command's shortcut on the window, in the capture phase, so keys
// work wherever focus is — Monaco included, which would otherwise swallow
// them (Ctrl+K starts a chord there). A matched key is stopped here: the
// command runs exactly once, whoever else also listens for it.
import { tinykeys } from 'tinykeys';
import { commands, onCommandsChanged, runCommand, type Command } from './commands.js';

/**
 * Keys the window reserves even before the panel that owns the command is
 * mounted: Ctrl/Cmd+S must never open the browser's Save As, whatever tab is open.
 */
export const RESERVED_KEYS: Record<string, string> = {
  '$mod+s': 'code.save',
  '$mod+Enter': 'invoke.run',
  '$mod+shift+Enter': 'invoke.rerun',
};

/** Keys that editors use for themselves (move line up/down): left alone while typing in one. */
const EDITOR_KEYS = new Set(['alt+ArrowUp', 'alt+ArrowDown']);

export function shortcutsOf(cmd: Command): string[] {
  return [cmd.shortcut, ...(cmd.altShortcuts ?? [])].filter((k): k is string => !!k);
}

function inTextEditor(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return target.closest('textarea, [contenteditable=""], [contenteditable="true"], .monaco-editor') != null;
}

function inDialog(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('[role="dialog"], [role="alertdialog"]') != null;
}

const MODIFIERS: Record<string, string> = { shift: 'Shift', alt: 'Alt', option: 'Alt', ctrl: 'Control', control: 'Control', meta: 'Meta', cmd: 'Meta', $mod: '$mod' };

/**
 * tinykeys matches modifiers by KeyboardEvent.getModifierState, which is
 * case-sensitive ('Shift', not 'shift'); commands are written in lower case
 * ('$mod+shift+Enter', 'alt+ArrowDown'), so normalise before binding.
 */
export function toTinykeys(shortcut: string): string {
  const parts = shortcut.split('+');
  const key = parts.pop() ?? '';
  return [...parts.map((m) => MODIFIERS[m.toLowerCase()] ?? m), key].join('+');
}

function keymap(): Map<string, string> {
  const map = new Map<string, string>(Object.entries(RESERVED_KEYS));
  for (const cmd of commands()) for (const key of shortcutsOf(cmd)) map.set(key, cmd.id);
  return map;
}

/** Binds now and rebinds whenever a panel registers or drops a command. Returns the unbind. */
export function bindShortcuts(target: Window = window): () => void {
  let unbind = () => {};
  const bind = () => {
    unbind();
    const bindings: Record<string, (e: KeyboardEvent) => void> = {};
    for (const [key, id] of keymap()) {
      bindings[toTinykeys(key)] = (e) => {
        if (EDITOR_KEYS.has(key) && inTextEditor(e.target)) return;
        // Inside a dialog only the palette key acts (and no Save As ever opens); the dialog owns the rest.
        if (inDialog(e.target) && id !== 'palette.open') {
          if (key === '$mod+s') e.preventDefault();
          return;
        }
        e.preventDefault();
        e.stopPropagation();
        runCommand(id);
      };
    }
    unbind = tinykeys(target, bindings, { capture: true, ignore: () => false });
  };
  bind();
  const off = onCommandsChanged(bind);
  return () => {
    off();
    unbind();
  };
}
