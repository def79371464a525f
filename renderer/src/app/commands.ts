// The window's commands: everything the palette lists and every shortcut runs.
// Panels register their own (code.save from the editor, invoke.run from the Test
// tab); the palette and the shortcut table read this one registry.
export interface Command {
  id: string;
  title: string;
  /** tinykeys syntax, e.g. '$mod+s', '$mod+Enter'. */
  shortcut?: string;
  /** More keys for the same command (e.g. '$mod+shift+p' besides '$mod+k' for the palette). */
  altShortcuts?: string[];
  /** Grouping in the palette. */
  group?: 'Function' | 'Code' | 'Invoke' | 'View' | 'Go to' | 'Theme';
  enabled?: () => boolean;
  run: () => void | Promise<void>;
}

const registry = new Map<string, Command>();
const listeners = new Set<() => void>();

export function registerCommand(cmd: Command): () => void {
  registry.set(cmd.id, cmd);
  for (const fn of listeners) fn();
  return () => {
    if (registry.get(cmd.id) === cmd) registry.delete(cmd.id);
    for (const fn of listeners) fn();
  };
}

export function commands(): Command[] {
  return [...registry.values()];
}

export function runCommand(id: string): void {
  const cmd = registry.get(id);
  if (cmd && (cmd.enabled?.() ?? true)) void cmd.run();
}

export function onCommandsChanged(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
