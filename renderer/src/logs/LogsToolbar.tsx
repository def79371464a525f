// The Logs panel's toolbar: the text filter, chips (streams, fold, levels, one
// per env with its colour, the selected invocation's "only"), the line count,
// follow, copy and download. Chips scroll sideways in a narrow dock; the filter
// and the actions stay in view.
import type { ReactNode } from 'react';
import type { LogStreamKind } from '../../../main/contract/index.js';
import { Button, IconCopy, IconSearch } from '../components/index.js';
import { STREAM_KINDS } from './buffer.js';

export interface LogFilters {
  text: string;
  envIds: string[];
  levels: string[];
  streams: LogStreamKind[];
  onlyFocused: boolean;
  fold: boolean;
}

export const NO_FILTERS: LogFilters = { text: '', envIds: [], levels: [], streams: [], onlyFocused: false, fold: false };

export interface ToolbarProps {
  filters: LogFilters;
  setFilters(update: (f: LogFilters) => LogFilters): void;
  levelNames: readonly string[];
  /** The function's envs: id and colour index. */
  envs: readonly { id: string; color: number }[];
  focusedId?: string;
  focusedEnvId?: string;
  onEnvChip(envId: string, on: boolean): void;
  count: number;
  total: number;
  filtered: boolean;
  follow: boolean;
  onFollow(on: boolean): void;
  hasSelection: boolean;
  onCopy(): void;
  onDownload(): void;
}

const toggle = <T,>(list: readonly T[], item: T): T[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);
export const n = (x: number) => x.toLocaleString('en-US');

export function LogsToolbar(p: ToolbarProps) {
  const { filters: f, setFilters } = p;
  return (
    <div className="lg-toolbar" role="toolbar" aria-label="Log filters">
      <label className="lg-filter">
        <IconSearch size={13} className="lg-filter-icon" />
        <input
          className="lg-filter-input"
          data-testid="logs-filter"
          placeholder="Filter lines"
          aria-label="Filter lines (text, any case)"
          value={f.text}
          spellCheck={false}
          onChange={(e) => {
            const text = e.target.value;
            setFilters((x) => ({ ...x, text }));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setFilters((x) => ({ ...x, text: '' }));
          }}
        />
      </label>
      <div className="lg-chip-scroll">
        <div className="lg-chips" role="group" aria-label="Streams">
          {STREAM_KINDS.map((s) => (
            <Chip key={s} testId={`logs-chip-stream-${s}`} active={f.streams.includes(s)} onClick={() => setFilters((x) => ({ ...x, streams: toggle(x.streams, s) }))} className={s === 'stderr' ? 'lg-chip-stderr' : undefined}>
              {s}
            </Chip>
          ))}
          <Chip testId="logs-chip-fold" active={f.fold} title="Fold each request's START, END and REPORT into one summary line" onClick={() => setFilters((x) => ({ ...x, fold: !x.fold }))}>
            fold
          </Chip>
        </div>
        {p.levelNames.length > 0 && (
          <div className="lg-chips" role="group" aria-label="Levels">
            {p.levelNames.map((l) => (
              <Chip key={l} testId={`logs-chip-level-${l}`} active={f.levels.includes(l)} onClick={() => setFilters((x) => ({ ...x, levels: toggle(x.levels, l) }))}>
                {l}
              </Chip>
            ))}
          </div>
        )}
        {p.envs.length > 0 && (
          <div className="lg-chips" role="group" aria-label="Environments">
            {p.envs.map(({ id, color }) => (
              <Chip
                key={id}
                testId={`logs-chip-env-${id}`}
                active={f.envIds.includes(id)}
                focused={p.focusedEnvId === id}
                title={`${id}\nShow only this environment's stream`}
                onClick={() => p.onEnvChip(id, !f.envIds.includes(id))}
              >
                <span className={`lg-dot lg-env-${color}`} aria-hidden="true" />
                <span className="mono">{id.slice(0, 6)}</span>
              </Chip>
            ))}
          </div>
        )}
        {p.focusedId && (
          <Chip testId="logs-chip-request" active={f.onlyFocused} title={`${p.focusedId}\nOnly the lines of the selected invocation`} onClick={() => setFilters((x) => ({ ...x, onlyFocused: !x.onlyFocused }))}>
            only <span className="mono">{p.focusedId.slice(0, 8)}</span>
          </Chip>
        )}
      </div>
      <span className="lg-count mono" data-testid="logs-count" data-count={p.count} data-total={p.total}>
        {p.filtered ? `${n(p.count)} of ${n(p.total)}` : n(p.total)} lines
      </span>
      <Button variant="ghost" size="small" data-testid="logs-follow" aria-pressed={p.follow} title={p.follow ? 'Following new lines: click (or scroll up) to pause' : 'Paused: click to follow new lines'} onClick={() => p.onFollow(!p.follow)}>
        {p.follow ? 'Following' : 'Paused'}
      </Button>
      <Button variant="ghost" size="small" icon={<IconCopy size={12} />} data-testid="logs-copy" disabled={p.count === 0} title={p.hasSelection ? 'Copy the selected lines' : 'Copy the lines on screen (click a line to select; Shift+click a range)'} onClick={p.onCopy}>
        Copy
      </Button>
      <Button variant="ghost" size="small" data-testid="logs-download" disabled={p.count === 0} title="Download the lines of the current filter as a .log file" onClick={p.onDownload}>
        Download
      </Button>
    </div>
  );
}

function Chip({ active, focused, testId, title, className, onClick, children }: { active: boolean; focused?: boolean; testId: string; title?: string; className?: string; onClick(): void; children: ReactNode }) {
  return (
    <button type="button" className={['lg-chip', active ? 'lg-chip-on' : '', focused ? 'lg-chip-focused' : '', className ?? ''].filter(Boolean).join(' ')} data-testid={testId} data-active={active} aria-pressed={active} title={title} onClick={onClick}>
      {children}
    </button>
  );
}
