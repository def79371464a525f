// The Logs panel: the selected function's lines, every env's stream
// interleaved in the order they happened (or one env's, by its chip), live.
// Lines live in the window's LogBuffer (source.ts), outside React; this
// component re-renders at most once per animation frame (FrameVersion) and
// draws only the rows on screen (rows.ts: react-virtual over blocks of rows).
//
// Follow mode: at the bottom the list follows new lines; scrolling up pauses it
// and "Jump to bottom (N new)" brings it back. Selecting a request id selects
// that invocation in the whole window; the focused invocation's lines are
// highlighted and scrolled into view when focus moves to them.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { Button, EmptyState, ErrorBox, IconTerminal, Kbd, Spinner, toast } from '../components/index.js';
import { useInvocations } from '../stores/invocations.js';
import { useUi } from '../stores/ui.js';
import { useFrameVersion } from '../telemetry/frame-version.js';
import type { KeptLine } from './buffer.js';
import type { FilterSpec } from './filter.js';
import { lineAsText } from './format.js';
import { LogRow } from './LogRow.js';
import { LogsToolbar, n, NO_FILTERS, type LogFilters } from './LogsToolbar.js';
import { indexAt, offsetOf, ROW_HEIGHT, useLogRows, type Extras } from './rows.js';
import { logSource } from './source.js';
import { LogView } from './view.js';
import './logs.css';

const ENV_COLORS = 8;
const FILTER_DEBOUNCE_MS = 120;
/** Row elements reused across scrolling (more than the rows a screen and its overscan show). */
const ROW_SLOTS = 128;
const OVERSCAN_PX = 3 * ROW_HEIGHT;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

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

/** What the list keeps between renders outside React state (it changes every frame). */
interface ListState {
  syncKey: string;
  follow: boolean;
  newLines: number;
  /** Where the panel last scrolled itself to (a scroll event above it is the user's). */
  autoTop: number;
  pendingPrepend: number;
  pendingTrim: number;
  refiltered: boolean;
  /** The first visible line's position (kept in view across a filter change while paused). */
  anchorPos: number | undefined;
  loadingOlder: boolean;
  extras: Extras;
}

function LogsList({ fn, version }: { fn: string; version: number }) {
  const buffer = logSource.buffer;
  const history = logSource.history(fn);
  const viewRef = useRef<LogView>(null);
  viewRef.current ??= new LogView(buffer);
  const view = viewRef.current;
  const st = useRef<ListState>({ syncKey: '', follow: true, newLines: 0, autoTop: -1, pendingPrepend: 0, pendingTrim: 0, refiltered: false, anchorPos: undefined, loadingOlder: false, extras: [] }).current;
  const [follow, setFollowState] = useState(true);
  const setFollow = useCallback(
    (on: boolean) => {
      st.follow = on;
      if (on) st.newLines = 0;
      setFollowState(on);
    },
    [st],
  );

  const [filters, setFilters] = useState<LogFilters>(NO_FILTERS);
  const text = useDebounced(filters.text, FILTER_DEBOUNCE_MS);
  const focusedId = useInvocations((s) => s.focusedId);
  const focusedEnvId = useInvocations((s) => s.focusedEnvId);
  const spec = useMemo<FilterSpec>(
    () => ({ functionName: fn, envIds: filters.envIds, levels: filters.levels, streams: filters.streams, text, requestId: filters.onlyFocused ? focusedId : undefined, foldPlatform: filters.fold }),
    [fn, filters.envIds, filters.levels, filters.streams, text, filters.onlyFocused, focusedId, filters.fold],
  );
  const filtered = spec.envIds!.length > 0 || spec.levels!.length > 0 || spec.streams!.length > 0 || Boolean(text.trim()) || Boolean(spec.requestId) || filters.fold;

  // Bring the view up to the buffer once per frame (and per filter change): idempotent per key.
  const syncKey = `${version}|${JSON.stringify(spec)}`;
  if (st.syncKey !== syncKey) {
    view.setFilter(spec);
    const r = view.sync();
    st.syncKey = syncKey;
    if (!st.follow) st.newLines += r.appended;
    st.pendingPrepend += r.prepended;
    st.pendingTrim += r.trimmed;
    if (r.refiltered) st.refiltered = true;
  }
  const count = view.length;

  // Expanded rows (JSON, several lines): their measured heights, by line id.
  const [expanded, setExpanded] = useState<ReadonlyMap<number, number>>(() => new Map());
  const [selection, setSelection] = useState<{ from: number; to: number } | null>(null);
  const observer = useMemo(
    () =>
      new ResizeObserver((entries) => {
        setExpanded((prev) => {
          let next: Map<number, number> | undefined;
          for (const e of entries) {
            const id = Number((e.target as HTMLElement).dataset.lineId);
            const h = Math.round(e.borderBoxSize[0]?.blockSize ?? e.contentRect.height);
            if (prev.has(id) && prev.get(id) !== h) (next ??= new Map(prev)).set(id, h);
          }
          return next ?? prev;
        });
      }),
    [],
  );
  useEffect(() => () => observer.disconnect(), [observer]);
  const measureExpanded = useCallback(
    (el: HTMLDivElement | null) => {
      if (!el) return;
      observer.observe(el);
      return () => observer.unobserve(el);
    },
    [observer],
  );
  const extras: Extras = [];
  for (const [id, h] of expanded) {
    const pos = buffer.posOfId(id);
    const idx = pos < 0 ? -1 : view.indexOfPos(pos);
    if (idx >= 0 && idx < count && view.posAt(idx) === pos && h > ROW_HEIGHT) (extras as [number, number][]).push([idx, h - ROW_HEIGHT]);
  }
  (extras as [number, number][]).sort((a, b) => a[0] - b[0]);
  st.extras = extras;

  const scrollRef = useRef<HTMLDivElement>(null);
  const layout = useLogRows({ count, extras, follow, scrollRef, overscanPx: OVERSCAN_PX });

  // After each commit: follow the bottom; paused, keep the same lines in view when older ones came
  // in front or the oldest fell off, and the first visible line after a filter change.
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
      el.scrollTop = offsetOf(view.indexOfPos(st.anchorPos), st.extras);
    } else if (st.pendingPrepend > 0 || st.pendingTrim > 0) {
      el.scrollTop += (st.pendingPrepend - st.pendingTrim) * ROW_HEIGHT;
    }
    st.pendingPrepend = 0;
    st.pendingTrim = 0;
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
    const first = indexAt(el.scrollTop, view.length, st.extras);
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
    const el = scrollRef.current;
    const top = el?.scrollTop ?? 0;
    const bottom = top + (el?.clientHeight ?? 0);
    const shown = layout.rows.some((r) => r.top + ROW_HEIGHT > top && r.top < bottom && r.index < view.length && buffer.requestAt(view.posAt(r.index)) === focusedReq);
    if (shown) return;
    const idx = view.indexOfRequest(focusedReq);
    if (idx < 0) return;
    setFollow(false);
    layout.scrollToIndex(idx);
  }, [focusedReq]); // eslint-disable-line react-hooks/exhaustive-deps

  const onToggle = useCallback((line: KeptLine) => {
    setExpanded((prev) => {
      const next = new Map(prev);
      if (next.has(line.id)) next.delete(line.id);
      else next.set(line.id, ROW_HEIGHT); // measured once drawn
      return next;
    });
  }, []);
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
      const vis = layout.rows.filter((r) => r.top + ROW_HEIGHT > top && r.top < bottom);
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

  const more = history.more || dropped > 0;
  const room = logSource.roomForOlder();
  const empty = total === 0;

  // Rows are keyed by their slot on screen, not by line: scrolling reuses the same elements with
  // new text (no new nodes, little style work), the cheapest frame a DOM list can have.
  const used = new Set<string | number>();
  const rows = layout.rows.map(({ index, top }) => {
    const pos = view.posAt(index);
    const lineId = buffer.idAt(pos);
    const req = buffer.requestAt(pos);
    const isExpanded = expanded.has(lineId);
    // An expanded row gets an element of its own, so its first size is always observed.
    let key: string | number = isExpanded ? `x${lineId}` : index % ROW_SLOTS;
    if (used.has(key)) key = `i${index}`;
    used.add(key);
    return (
      <LogRow
        key={key}
        buffer={buffer}
        pos={pos}
        lineId={lineId}
        index={index}
        top={top}
        envColor={envColor.get(buffer.envAt(pos)) ?? 0}
        focused={req >= 0 && req === focusedReq}
        selected={selection !== null && pos >= selection.from && pos <= selection.to}
        expanded={isExpanded}
        folded={filters.fold}
        measureRef={isExpanded ? measureExpanded : undefined}
        onToggle={onToggle}
        onSelect={onSelect}
        onRequest={onRequest}
      />
    );
  });

  return (
    <div className="logs-panel" data-testid="logs-panel" data-function={fn} data-follow={follow} data-count={count} data-last-id={count ? buffer.idAt(view.posAt(count - 1)) : ''}>
      <LogsToolbar
        filters={filters}
        setFilters={setFilters}
        levelNames={buffer.levelNames.values}
        envs={envs.map((e) => ({ id: buffer.envIds.values[e]!, color: envColor.get(e) ?? 0 }))}
        focusedId={focusedId}
        focusedEnvId={focusedEnvId}
        onEnvChip={(id, on) => {
          setFilters((x) => ({ ...x, envIds: on ? [...x.envIds, id] : x.envIds.filter((e) => e !== id) }));
          if (on) useInvocations.getState().focusEnv(id);
        }}
        count={count}
        total={total}
        filtered={filtered}
        follow={follow}
        onFollow={(on) => (on ? jumpToBottom() : setFollow(false))}
        hasSelection={selection !== null}
        onCopy={() => void copy()}
        onDownload={download}
      />
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
        <EmptyState compact title="No line matches the filter" testId="logs-no-match" actions={<Button size="small" onClick={() => setFilters(() => NO_FILTERS)}>Clear filters</Button>}>
          {n(total)} lines of {fn} are hidden by the filter.
        </EmptyState>
      ) : null}
      <div ref={scrollRef} className="lg-scroll" data-testid="logs-scroll" onScroll={onScroll} role="table" aria-label={`Log lines of ${fn}`} aria-rowcount={count} hidden={count === 0}>
        <div className="lg-canvas" style={{ height: layout.total }}>
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
