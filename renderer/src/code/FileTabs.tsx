// Tabs of the open files: the active one raised, a dot on those with unsaved
// edits, a close button that shows on hover (and always on the active tab).
import { useShallow } from 'zustand/react/shallow';
import { IconClose } from '../components/index.js';
import { useCode } from '../stores/code.js';
import { baseName, dirtyPaths } from './working-set.js';
import { useMemo, type ReactNode } from 'react';

export function FileTabs({ trailing }: { trailing?: ReactNode }) {
  const { open, active, entries, files, log } = useCode(useShallow((s) => ({ open: s.open, active: s.active, entries: s.ws.entries, files: s.ws.files, log: s.ws.log })));
  const dirty = useMemo(() => dirtyPaths({ entries, files, log }), [entries, files, log]);
  // Two open files with the same name say which folder they are in.
  const names = open.map(baseName);
  return (
    <div className="file-tabs">
      <div className="file-tabs-list" role="tablist" aria-label="Open files">
        {open.map((path, i) => {
          const same = names.filter((n) => n === names[i]).length > 1;
          const isDirty = dirty.has(path);
          return (
            <div
              key={path}
              role="tab"
              tabIndex={path === active ? 0 : -1}
              aria-selected={path === active}
              className={`file-tab${path === active ? ' active' : ''}`}
              data-testid="file-tab"
              data-path={path}
              data-dirty={String(isDirty)}
              title={path}
              onClick={() => void useCode.getState().openFile(path)}
              onAuxClick={(e) => e.button === 1 && useCode.getState().closeFile(path)}
            >
              <span className="file-tab-name">{names[i]}</span>
              {same && <span className="file-tab-dir">{path.slice(0, -names[i]!.length - 1) || '/'}</span>}
              <span className="file-tab-end">
                {isDirty && <span className="dirty-dot" aria-label="unsaved changes" />}
                <button
                  type="button"
                  className="file-tab-close"
                  aria-label={`Close ${names[i]}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    useCode.getState().closeFile(path);
                  }}
                >
                  <IconClose size={10} />
                </button>
              </span>
            </div>
          );
        })}
      </div>
      {trailing && <div className="file-tabs-trailing">{trailing}</div>}
    </div>
  );
}
