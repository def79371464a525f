// The Logs panel: the selected function's lines, every env's stream
// interleaved in the order they happened (or one env's, by its chip), live.
// Lines live in the window's LogBuffer (source.ts), outside React; this
// component re-renders at most once per animation frame (FrameVersion) and
// draws only the rows on screen (@tanstack/react-virtual).
//
// Follow mode: at the bottom the list follows new lines; scrolling up pauses it
// and "Jump to bottom (N new)" brings it back. Selecting a request id selects
// that invocation in the whole window; the focused invocation's lines are
// highlighted and scrolled into view when focus moves to them.
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import type { LogStreamKind } from '../../../main/contract/index.js';
import { Button, EmptyState, ErrorBox, IconCopy, IconSearch, IconTerminal, Kbd, Spinner, toast } from '../components/index.js';
import { useInvocations } from '../stores/invocations.js';
import { useUi } from '../stores/ui.js';
import { useFrameVersion } from '../telemetry/frame-version.js';
import { STREAM_KINDS, type FilterSpec, type KeptLine } from './buffer.js';
import { lineAsText } from './format.js';
import { LogRow, ROW_HEIGHT } from './LogRow.js';
import { logSource } from './source.js';
import { LogView } from './view.js';
import './logs.css';

const ENV_COLORS = 8;
/** Row elements reused across scrolling (more than the rows a screen and its overscan show). */
const ROW_SLOTS = 128;
const FILTER_DEBOUNCE_MS = 120;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

const toggle = <T,>(list: readonly T[], item: T): T[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);
const n = (x: number) => x.toLocaleString('en-US');

export function LogsPanel() {
  const fn = useUi((s) => s.selected);
  const version = useFrameVersion(logSource.version);
  useEffect(() => logSource.start(), []);
  const state = fn ? logSource.history(fn).state : undefined;
  useEffect(() => {
    if (fn && state === 'idle') void logSource.open(fn);
  }, [fn, state]);
  if (!fn) {
    return (
      <div className="logs-panel" data-testid="logs-panel">
        <EmptyState compact icon={<IconTerminal size={22} />} title="No function selected">
          Select a function in the side bar to see its logs.
        </EmptyState>
      </div>
    );
  }
  return <LogsList key={fn} fn={fn} version={version} />;
}

interface ListState {
  syncKey: string;
  follow: boolean;
  newLines: number;
  /** Where the panel last scrolled itself to (a scroll event above it is the user's). */
  autoTop: number;
  pendingPrepend: number;
  refiltered: boolean;
  /** The first visible line's position (kept in view across a filter change while paused). */
  anchorPos: number | undefined;
  loadingOlder: boolean;
}

function LogsList({ fn, version }: { fn: string; version: number }) {
  const buffer = logSource.buffer;
  const history = logSource.history(fn);
  const viewRef = useRef<LogView>(null);
  viewRef.current ??= new LogView(buffer);
  const view = viewRef.current;
  const st = useRef<ListState>({ syncKey: '', follow: true, newLines: 0, autoTop: -1, pendingPrepend: 0, refiltered: false, anchorPos: undefined, loadingOlder: false }).current;
  const [follow, setFollowState] = useState(true);
  const setFollow = useCallback(
    (on: boolean) => {
      st.follow = on;
      if (on) st.newLines = 0;
      setFollowState(on);
    },
    [st],
  );

  // Filters: text (debounced), env, this invocation only, level, stream.
  const [textInput, setTextInput] = useState('');
  const text = useDebounced(textInput, FILTER_DEBOUNCE_MS);
  const [envSel, setEnvSel] = useState<string[]>([]);
  const [levels, setLevels] = useState<string[]>([]);
  const [streams, setStreams] = useState<LogStreamKind[]>([]);
  const [onlyFocused, setOnlyFocused] = useState(false);
  const [fold, setFold] = useState(false);
  const focusedId = useInvocations((s) => s.focusedId);
  const focusedEnvId = useInvocations((s) => s.focusedEnvId);
  const spec = useMemo<FilterSpec>(
    () => ({ functionName: fn, envIds: envSel, levels, streams, text, requestId: onlyFocused ? focusedId : undefined, foldPlatform: fold }),
    [fn, envSel, levels, streams, text, onlyFocused, focusedId, fold],
  );
  const specKey = JSON.stringify(spec);
  const filtered = envSel.length > 0 || levels.length > 0 || streams.length > 0 || Boolean(text.trim()) || (onlyFocused && Boolean(focusedId)) || fold;

  // Bring the view up to the buffer once per frame (and per filter change): idempotent per key.
  const syncKey = `${version}|${specKey}`;
  if (st.syncKey !== syncKey) {
    view.setFilter(spec);
    const r = view.sync();
    st.syncKey = syncKey;
    if (!st.follow) st.newLines += r.appended;
    st.pendingPrepend += r.prepended;
    if (r.refiltered) st.refiltered = true;
  }
  const count = view.length;

  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const [selection, setSelection] = useState<{ from: number; to: number } | null>(null);

  const scrollRef = useRef<HTMLDivElement>(null);
  const getItemKey = useCallback((i: number) => buffer.idAt(view.posAt(i)), [buffer, view, syncKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const estimateSize = useCallback(() => ROW_HEIGHT, []);
  // Following, the rows drawn are the last ones, in the same commit that adds them: the virtualizer
  // would otherwise draw from its last scroll offset and catch up a frame later, on the scroll event.
  const rangeExtractor = useCallback(
    (r: Range) => {
      const range = defaultRangeExtractor(r);
      if (!follow) return range;
      const rows = Math.ceil((scrollRef.current?.clientHeight ?? 0) / ROW_HEIGHT) + 1 + r.overscan;
      const from = Math.max(0, r.count - rows);
      const tail = Array.from({ length: r.count - from }, (_, i) => from + i);
      return range.length && range[range.length - 1]! >= from ? [...range.filter((i) => i < from), ...tail] : [...range, ...tail];
    },
    [follow],
  );
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize, getItemKey, rangeExtractor, overscan: 3 });
  const items = virtualizer.getVirtualItems();

  // After each commit: follow the bottom, keep the rows in place when older ones came in front,
  // or keep the first visible line after a filter change.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    if (st.follow) {
      const bottom = el.scrollHeight - el.clientHeight;
      if (Math.abs(el.scrollTop - bottom) > 1) {
        st.autoTop = bottom;
        el.scrollTop = bottom;
      }
    } else if (st.refiltered && st.anchorPos !== undefined) {
      el.scrollTop = view.indexOfPos(st.anchorPos) * ROW_HEIGHT;
    } else if (st.pendingPrepend > 0) {
      el.scrollTop += st.pendingPrepend * ROW_HEIGHT;
    }
    st.pendingPrepend = 0;
    st.refiltered = false;
  });

  const loadOlder = useCallback(async () => {
    if (st.loadingOlder) return;
    st.loadingOlder = true;
    try {
      await logSource.loadOlder(fn);
    } finally {
      st.loadingOlder = false;
    }
  }, [fn, st]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.clientHeight;
    const atBottom = bottom - el.scrollTop <= ROW_HEIGHT;
    if (atBottom) {
      if (!st.follow) setFollow(true);
    } else if (st.follow && el.scrollTop < st.autoTop - 1) {
      setFollow(false); // the user scrolled up: stay where they are
    }
    const first = Math.floor(el.scrollTop / ROW_HEIGHT);
    st.anchorPos = first < view.length ? view.posAt(first) : undefined;
    const h = logSource.history(fn);
    if (!st.follow && el.scrollTop < ROW_HEIGHT * 2 && h.more && h.state === 'loaded' && logSource.roomForOlder() > 0) void loadOlder();
  }, [fn, st, view, setFollow, loadOlder]);

  const jumpToBottom = useCallback(() => {
    setFollow(true);
    const el = scrollRef.current;
    if (el) {
      st.autoTop = el.scrollHeight - el.clientHeight;
      el.scrollTop = st.autoTop;
    }
  }, [setFollow, st]);

  // Focus moved to an invocation whose lines are here and not on screen: show its first line.
  const focusedReq = focusedId ? buffer.requestIds.find(focusedId) : -1;
  useEffect(() => {
    if (focusedReq < 0) return;
    const shown = virtualizer.getVirtualItems().some((vi) => vi.index < view.length && buffer.requestAt(view.posAt(vi.index)) === focusedReq);
    if (shown) return;
    const idx = view.indexOfRequest(focusedReq);
    if (idx < 0) return;
    setFollow(false);
    virtualizer.scrollToIndex(idx, { align: 'start' });
  }, [focusedReq]); // eslint-disable-line react-hooks/exhaustive-deps

  const onToggle = useCallback(
    (line: KeptLine, index: number) => {
      setExpanded((prev) => {
        const next = new Set(prev);
        if (next.has(line.id)) {
          next.delete(line.id);
          virtualizer.resizeItem(index, ROW_HEIGHT);
        } else next.add(line.id);
        return next;
      });
    },
    [virtualizer],
  );
  const onSelect = useCallback((line: KeptLine, e: MouseEvent) => {
    if (window.getSelection()?.toString()) return; // the user is selecting text: leave it
    setSelection((prev) => {
      if (e.shiftKey && prev) return { from: Math.min(prev.from, line.pos), to: Math.max(prev.to, line.pos) };
      if (prev && prev.from === line.pos && prev.to === line.pos) return null;
      return { from: line.pos, to: line.pos };
    });
  }, []);
  const onRequest = useCallback((line: KeptLine) => {
    useInvocations.getState().focus(line.requestId, line.envId);
  }, []);

  const envs = buffer.envsOf(fn);
  const envColor = new Map(envs.map((e, i) => [e, i % ENV_COLORS]));
  const levelNames = buffer.levelNames.values;
  const total = buffer.countOf(fn);
  const dropped = buffer.droppedOf(fn);

  const linesOf = (from: number, to: number): string[] => {
    const out: string[] = [];
    for (let i = from; i < to; i++) {
      const l = buffer.line(view.posAt(i));
      if (l) out.push(lineAsText(l));
    }
    return out;
  };
  const copy = async () => {
    let text: string[];
    let what: string;
    if (selection) {
      text = linesOf(view.indexOfPos(selection.from), view.indexOfPos(selection.to + 1));
      what = 'selected';
    } else {
      const el = scrollRef.current;
      const top = el ? el.scrollTop : 0;
      const bottom = el ? top + el.clientHeight : 0;
      const vis = items.filter((vi) => vi.end > top && vi.start < bottom);
      text = vis.length ? linesOf(vis[0]!.index, vis[vis.length - 1]!.index + 1) : [];
      what = 'visible';
    }
    try {
      await navigator.clipboard.writeText(text.join('\n'));
      toast.success(`Copied ${n(text.length)} ${what} line${text.length === 1 ? '' : 's'}`);
    } catch (err) {
      toast.error('Could not copy the lines', { code: 'ClipboardRefused', message: (err as Error)?.message ?? String(err), hint: 'The window needs focus to write to the clipboard: click in it and copy again.' });
    }
  };
  const download = () => {
    const text = linesOf(0, view.length);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const name = `${fn}-${stamp}${filtered ? '-filtered' : ''}.log`;
    const url = URL.createObjectURL(new Blob([text.join('\n') + '\n'], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    toast.success(`Downloaded ${n(text.length)} line${text.length === 1 ? '' : 's'}`, name);
  };
  const clearFilters = () => {
    setTextInput('');
    setEnvSel([]);
    setLevels([]);
    setStreams([]);
    setOnlyFocused(false);
    setFold(false);
  };

  const more = history.more || dropped > 0;
  const room = logSource.roomForOlder();
  const empty = total === 0;

  // Rows are keyed by their slot on screen, not by line: scrolling reuses the same elements with
  // new text (no new nodes, little style work), the cheapest frame a DOM list can have.
  const used = new Set<string | number>();
  const rows = items.map((vi) => {
      if (vi.index >= view.length) return null;
      let key: string | number = vi.index % ROW_SLOTS;
      if (used.has(key)) key = `i${vi.index}`;
      used.add(key);
      const pos = view.posAt(vi.index);
      const lineId = buffer.idAt(pos);
      const req = buffer.requestAt(pos);
      const isExpanded = expanded.has(lineId);
      return (
        <LogRow
          key={key}
          buffer={buffer}
          pos={pos}
          lineId={lineId}
          index={vi.index}
          top={vi.start}
          envColor={envColor.get(buffer.envAt(pos)) ?? 0}
          focused={req >= 0 && req === focusedReq}
          selected={selection !== null && pos >= selection.from && pos <= selection.to}
          expanded={isExpanded}
          folded={fold}
          measureRef={isExpanded ? virtualizer.measureElement : undefined}
          onToggle={onToggle}
          onSelect={onSelect}
          onRequest={onRequest}
        />
      );
    });

  return (
    <div className="logs-panel" data-testid="logs-panel" data-function={fn} data-follow={follow} data-count={count} data-last-id={count ? buffer.idAt(view.posAt(count - 1)) : ''}>
      <div className="lg-toolbar" role="toolbar" aria-label="Log filters">
        <label className="lg-filter">
          <IconSearch size={13} className="lg-filter-icon" />
          <input
            className="lg-filter-input"
            data-testid="logs-filter"
            placeholder="Filter lines"
            aria-label="Filter lines (text, any case)"
            value={textInput}
            spellCheck={false}
            onChange={(e) => setTextInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setTextInput('');
            }}
          />
        </label>
        <div className="lg-chip-scroll">
          <div className="lg-chips" role="group" aria-label="Streams">
            {STREAM_KINDS.map((s) => (
              <Chip key={s} testId={`logs-chip-stream-${s}`} active={streams.includes(s)} onClick={() => setStreams((x) => toggle(x, s))} className={s === 'stderr' ? 'lg-chip-stderr' : undefined}>
                {s}
              </Chip>
            ))}
            <Chip testId="logs-chip-fold" active={fold} title="Fold each request's START, END and REPORT into one summary line" onClick={() => setFold((x) => !x)}>
              fold START/END
            </Chip>
          </div>
          {levelNames.length > 0 && (
            <div className="lg-chips" role="group" aria-label="Levels">
              {levelNames.map((l) => (
                <Chip key={l} testId={`logs-chip-level-${l}`} active={levels.includes(l)} onClick={() => setLevels((x) => toggle(x, l))}>
                  {l}
                </Chip>
              ))}
            </div>
          )}
          {envs.length > 0 && (
            <div className="lg-chips" role="group" aria-label="Environments">
              {envs.map((e) => {
                const id = buffer.envIds.values[e]!;
                return (
                  <Chip
                    key={id}
                    testId={`logs-chip-env-${id}`}
                    active={envSel.includes(id)}
                    focused={focusedEnvId === id}
                    title={`${id}\nShow only this environment's stream`}
                    onClick={() => {
                      setEnvSel((x) => toggle(x, id));
                      if (!envSel.includes(id)) useInvocations.getState().focusEnv(id);
                    }}
                  >
                    <span className={`lg-dot lg-env-${envColor.get(e)}`} aria-hidden="true" />
                    <span className="mono">{id.slice(0, 6)}</span>
                  </Chip>
                );
              })}
            </div>
          )}
          {focusedId && (
            <Chip testId="logs-chip-request" active={onlyFocused} title={`${focusedId}\nOnly the lines of the selected invocation`} onClick={() => setOnlyFocused((x) => !x)}>
              only <span className="mono">{focusedId.slice(0, 8)}</span>
            </Chip>
          )}
        </div>
        <span className="lg-count mono" data-testid="logs-count" data-count={count} data-total={total}>
          {filtered ? `${n(count)} of ${n(total)}` : n(total)} lines
        </span>
        <Button variant="ghost" size="small" data-testid="logs-follow" aria-pressed={follow} title={follow ? 'Following new lines: click (or scroll up) to pause' : 'Paused: click to follow new lines'} onClick={() => (follow ? setFollow(false) : jumpToBottom())}>
          {follow ? 'Following' : 'Paused'}
        </Button>
        <Button variant="ghost" size="small" icon={<IconCopy size={12} />} data-testid="logs-copy" disabled={count === 0} title={selection ? 'Copy the selected lines' : 'Copy the lines on screen (click a line to select; Shift+click a range)'} onClick={() => void copy()}>
          Copy
        </Button>
        <Button variant="ghost" size="small" data-testid="logs-download" disabled={count === 0} title="Download the lines of the current filter as a .log file" onClick={download}>
          Download
        </Button>
      </div>
      {history.error && (
        <ErrorBox compact className="lg-error" error={history.error} title={history.state === 'error' ? 'Could not read the logs of before' : 'Could not read older lines'} />
      )}
      {!empty && more && (
        <div className="lg-older" data-testid="logs-older">
          <span>Older lines:</span>
          {history.more && room > 0 ? (
            <Button variant="ghost" size="small" data-testid="logs-load-older" busy={history.loadingOlder} onClick={() => void loadOlder()}>
              Load older
            </Button>
          ) : history.more ? (
            <span className="faint">the window keeps {n(buffer.capacity)} lines (full); the engine keeps the rest</span>
          ) : null}
          {dropped > 0 && <span className="faint" data-testid="logs-dropped">{n(dropped)} dropped from the window's memory</span>}
        </div>
      )}
      {empty ? (
        history.state === 'loading' || history.state === 'idle' ? (
          <div className="lg-loading">
            <Spinner size={14} /> Reading the logs of {fn}…
          </div>
        ) : (
          <EmptyState compact icon={<IconTerminal size={22} />} title="No log lines yet" testId="logs-empty">
            Invoke the function to see its logs (Test tab, <Kbd shortcut="$mod+Enter" />): each environment's stdout and stderr appear here as they are printed.
          </EmptyState>
        )
      ) : count === 0 ? (
        <EmptyState compact title="No line matches the filter" testId="logs-no-match" actions={<Button size="small" onClick={clearFilters}>Clear filters</Button>}>
          {n(total)} lines of {fn} are hidden by the filter.
        </EmptyState>
      ) : null}
      <div ref={scrollRef} className="lg-scroll" data-testid="logs-scroll" onScroll={onScroll} role="table" aria-label={`Log lines of ${fn}`} aria-rowcount={count} hidden={count === 0}>
        <div className="lg-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {rows}
        </div>
      </div>
      {!follow && count > 0 && (
        <button type="button" className="lg-jump" data-testid="logs-jump-bottom" onClick={jumpToBottom}>
          Jump to bottom{st.newLines > 0 ? ` (${n(st.newLines)} new)` : ''}
        </button>
      )}
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
