// The palette ($mod+K, $mod+Shift+P): go to a function or run any registered
// command, each with its shortcut. Type to filter; Enter runs; Escape closes.
import { Command } from 'cmdk';
import { Dialog as Radix } from 'radix-ui';
import { useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { IconFunctions, Kbd } from '../components/index.js';
import { useFunctions } from '../stores/functions.js';
import { useUi } from '../stores/ui.js';
import { commands, onCommandsChanged, runCommand, type Command as Cmd } from './commands.js';
import { EnvCounts } from './EnvCounts.js';
import { shortcutsOf } from './shortcuts.js';

let version = 0;
const subscribe = (fn: () => void) =>
  onCommandsChanged(() => {
    version++;
    fn();
  });
const snapshot = () => version;

const GROUP_ORDER: NonNullable<Cmd['group']>[] = ['Function', 'Code', 'Invoke', 'Go to', 'View', 'Theme'];

export function CommandPalette() {
  const open = useUi((s) => s.paletteOpen);
  const functions = useFunctions((s) => s.list);
  const selected = useUi((s) => s.selected);
  const [query, setQuery] = useState('');
  useSyncExternalStore(subscribe, snapshot);
  // Where focus was (often the editor), to give it back when the palette closes without moving it.
  const returnTo = useRef<HTMLElement | null>(null);
  // A layout effect: it runs before radix's (passive) effect moves focus into the palette.
  useLayoutEffect(() => {
    if (!open) return;
    setQuery('');
    returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }, [open]);

  const close = () => useUi.getState().setPaletteOpen(false);
  const all = commands()
    .filter((c) => c.id !== 'palette.open' && (c.enabled?.() ?? true))
    .sort((a, b) => GROUP_ORDER.indexOf(a.group ?? 'View') - GROUP_ORDER.indexOf(b.group ?? 'View') || a.title.localeCompare(b.title));
  const groups = GROUP_ORDER.map((g) => [g, all.filter((c) => (c.group ?? 'View') === g)] as const).filter(([, list]) => list.length > 0);

  return (
    <Radix.Root open={open} onOpenChange={(o) => useUi.getState().setPaletteOpen(o)}>
      <Radix.Portal>
        <Radix.Overlay className="dialog-scrim palette-scrim" />
        <Radix.Content
          className="palette"
          data-testid="command-palette"
          aria-describedby={undefined}
          onCloseAutoFocus={(e) => {
            const el = returnTo.current;
            if (el?.isConnected) {
              e.preventDefault();
              el.focus();
            }
          }}
        >
          <Radix.Title className="visually-hidden">Command palette</Radix.Title>
          <Command label="Command palette" loop>
            <Command.Input className="palette-input" placeholder="Go to a function or run a command…" value={query} onValueChange={setQuery} autoFocus />
            <Command.List className="palette-list">
              <Command.Empty className="palette-empty">Nothing matches “{query}”.</Command.Empty>
              {functions.length > 0 && (
                <Command.Group heading="Go to function" className="palette-group">
                  {functions.map((f) => (
                    <Command.Item
                      key={`fn:${f.name}`}
                      value={`fn:${f.name}`}
                      keywords={[f.name, f.runtime, 'go to function']}
                      className="palette-item"
                      data-testid="palette-function"
                      data-name={f.name}
                      onSelect={() => {
                        const ui = useUi.getState();
                        ui.setFilter('');
                        ui.setActivity('functions');
                        ui.select(f.name);
                        close();
                      }}
                    >
                      <IconFunctions size={14} className="palette-icon" />
                      <span className="palette-title">{f.name}</span>
                      {f.name === selected && <span className="palette-note">current</span>}
                      <span className="palette-spacer" />
                      <EnvCounts counts={f.envs} />
                      <span className="palette-meta mono">{f.runtime}</span>
                    </Command.Item>
                  ))}
                </Command.Group>
              )}
              {groups.map(([group, list]) => (
                <Command.Group key={group} heading={group} className="palette-group">
                  {list.map((c) => (
                    <Command.Item
                      key={c.id}
                      value={`cmd:${c.id}`}
                      keywords={[c.title, c.id, group]}
                      className="palette-item"
                      data-testid="palette-command"
                      data-command={c.id}
                      onSelect={() => {
                        close();
                        // After the palette closed, so focus returns first and the command can move it.
                        setTimeout(() => runCommand(c.id), 0);
                      }}
                    >
                      <span className="palette-title">{c.title}</span>
                      <span className="palette-spacer" />
                      {shortcutsOf(c)[0] && <Kbd shortcut={shortcutsOf(c)[0]} />}
                    </Command.Item>
                  ))}
                </Command.Group>
              ))}
            </Command.List>
            <div className="palette-footer">
              <span>
                <Kbd shortcut="ArrowUp" /> <Kbd shortcut="ArrowDown" /> move
              </span>
              <span>
                <Kbd shortcut="Enter" /> run
              </span>
              <span>
                <Kbd shortcut="Escape" /> close
              </span>
            </div>
          </Command>
        </Radix.Content>
      </Radix.Portal>
    </Radix.Root>
  );
}
