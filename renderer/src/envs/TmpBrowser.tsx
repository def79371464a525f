// An env's /tmp as of the end of its last invocation, read without thawing it:
// the tree with sizes and times (directories fold), links shown as links with
// their target as text — never opened —, a file's head (text, or hex for
// binary) and its download.
import { useEffect, useMemo, useState } from 'react';
import type { ContractError } from '../../../main/contract/index.js';
import type { TmpEntry, TmpView } from '../../../main/contract/telemetry.js';
import { api } from '../client.js';
import { Button, ErrorBox, Spinner, toast } from '../components/index.js';
import { useInvocations } from '../stores/invocations.js';
import { absolute, bytes, clockTime, shortId } from './format.js';
import { UsageBar } from './parts.js';
import { base64ToBytes, buildTmpTree, describeHead, visibleRows, type FileHead, type TmpNode } from './tmp.js';

const HEAD_BYTES = 64 * 1024;
const DOWNLOAD_MAX = 16 * 1024 * 1024;
/** Past this many entries, directories below the top level start folded. */
const FOLD_PAST = 150;

/** `refreshKey` changes when the env did something that may have changed /tmp (an invocation ended, a `tmp` event). */
export function TmpBrowser({ envId, refreshKey }: { envId: string; refreshKey: string }) {
  const [view, setView] = useState<TmpView>();
  const [error, setError] = useState<ContractError>();
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<string>();

  useEffect(() => {
    let alive = true;
    setLoading(true);
    // A burst of events settles before the read (it costs the engine a listing).
    const t = setTimeout(async () => {
      const r = await api.request('envs.tmp', { envId });
      if (!alive) return;
      setLoading(false);
      if (r.ok) {
        setView(r.value);
        setError(undefined);
      } else setError(r.error);
    }, 150);
    return () => {
      alive = false;
      clearTimeout(t);
    };
  }, [envId, refreshKey]);

  useEffect(() => setOpen(undefined), [envId]);

  return (
    <section className="envi-section" aria-label="/tmp">
      <header className="envi-section-head">
        <span className="rc-label">/tmp</span>
        {loading && <Spinner size={11} />}
        <span className="spacer" />
        {view && view.available && <UsageBar used={view.usedBytes} size={view.sizeBytes} text={`${bytes(view.usedBytes)} of ${bytes(view.sizeBytes)}`} testId="tmp-usage" />}
      </header>
      {error && <ErrorBox compact error={error} title="Could not read this env's /tmp" />}
      {view && !view.available && (
        <div className="envi-note" data-testid="tmp-unavailable">
          {view.reason ?? 'This env\'s /tmp cannot be shown.'}
        </div>
      )}
      {view && view.available && (
        <>
          <AsOf view={view} envId={envId} />
          <TmpTree view={view} open={open} onOpen={setOpen} />
          {view.truncated && <div className="envi-note">Showing the first {view.entries.length.toLocaleString()} entries: /tmp holds more.</div>}
          {open && <FileHeadView envId={envId} entry={view.entries.find((e) => e.path === open)} path={open} onClose={() => setOpen(undefined)} />}
        </>
      )}
    </section>
  );
}

function AsOf({ view, envId }: { view: TmpView; envId: string }) {
  if (!view.asOf) return <div className="envi-note">Before its first invocation.</div>;
  return (
    <div className="envi-note" data-testid="tmp-as-of">
      <span>
        as of <time title={absolute(view.asOf)}>{clockTime(view.asOf)}</time>
        {view.requestId ? ', after invocation' : ''}
      </span>
      {view.requestId && (
        <>
          <button type="button" className="envi-link mono" title={`Focus ${view.requestId}`} onClick={() => useInvocations.getState().focus(view.requestId, envId)}>
            {shortId(view.requestId)}
          </button>
        </>
      )}
    </div>
  );
}

function TmpTree({ view, open, onOpen }: { view: TmpView; open?: string; onOpen(path: string): void }) {
  const tree = useMemo(() => buildTmpTree(view.entries), [view.entries]);
  const [collapsed, setCollapsed] = useState<Set<string>>(() => {
    if (view.entries.length <= FOLD_PAST) return new Set();
    return new Set(view.entries.filter((e) => e.type === 'dir' && e.path.includes('/')).map((e) => e.path));
  });
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const toggle = (path: string) =>
    setCollapsed((s) => {
      const next = new Set(s);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  if (rows.length === 0) return <div className="envi-note" data-testid="tmp-tree" data-empty="true">/tmp is empty.</div>;
  return (
    <div className="tmp-tree" data-testid="tmp-tree" role="tree" aria-label="/tmp">
      {rows.map((n) => (
        <TreeRow key={n.path} n={n} folded={collapsed.has(n.path)} open={open === n.path} onToggle={toggle} onOpen={onOpen} />
      ))}
    </div>
  );
}

function TreeRow({ n, folded, open, onToggle, onOpen }: { n: TmpNode; folded: boolean; open: boolean; onToggle(p: string): void; onOpen(p: string): void }) {
  const e = n.entry;
  const isDir = n.type === 'dir';
  const isFile = n.type === 'file';
  const click = () => (isDir ? onToggle(n.path) : isFile ? onOpen(n.path) : undefined);
  const size = isDir ? n.totalBytes : (e?.size ?? 0);
  return (
    <div
      className={`tmp-row tmp-${n.type}${open ? ' tmp-open' : ''}`}
      role="treeitem"
      aria-expanded={isDir ? !folded : undefined}
      aria-selected={open || undefined}
      tabIndex={isDir || isFile ? 0 : -1}
      data-testid="tmp-entry"
      data-path={n.path}
      data-type={n.type}
      data-size={e?.size ?? 0}
      data-target={n.type === 'link' ? e?.target : undefined}
      style={{ paddingLeft: 6 + n.depth * 14 }}
      title={n.type === 'link' ? `${n.path} → ${e?.target ?? '?'} (a link: shown, never followed)` : `${n.path}\n${bytes(size)} · modified ${absolute(e?.mtimeMs)}`}
      onClick={click}
      onKeyDown={(ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          click();
        }
      }}
    >
      <span className="tmp-glyph" aria-hidden="true">
        {isDir ? <span className={`side-caret${folded ? '' : ' side-caret-open'}`} /> : n.type === 'link' ? <LinkIcon /> : null}
      </span>
      <span className="tmp-name mono">
        {n.name}
        {isDir ? '/' : ''}
        {n.type === 'link' && (
          <span className="tmp-target" data-testid="tmp-link-target">
            {' '}
            → {e?.target ?? '?'}
          </span>
        )}
      </span>
      <span className="tmp-size mono">{n.type === 'link' ? 'link' : n.type === 'other' ? 'other' : bytes(size)}</span>
      <span className="tmp-time mono">{e ? clockTime(e.mtimeMs) : ''}</span>
    </div>
  );
}

/** A chain link: a link's own mark (it is shown, never followed). */
function LinkIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinecap="round" data-testid="tmp-link-icon">
      <path d="M6.5 9.5a3 3 0 0 0 4.2 0l2.3-2.3a3 3 0 0 0-4.2-4.2L7.6 4.2" />
      <path d="M9.5 6.5a3 3 0 0 0-4.2 0L3 8.8a3 3 0 0 0 4.2 4.2l1.2-1.2" />
    </svg>
  );
}

function FileHeadView({ envId, path, entry, onClose }: { envId: string; path: string; entry?: TmpEntry; onClose(): void }) {
  const [head, setHead] = useState<{ head: FileHead; size: number; truncated: boolean }>();
  const [error, setError] = useState<ContractError>();
  const [downloading, setDownloading] = useState(false);
  useEffect(() => {
    let alive = true;
    setHead(undefined);
    setError(undefined);
    void api.request('envs.tmpRead', { envId, path, maxBytes: HEAD_BYTES }).then((r) => {
      if (!alive) return;
      if (r.ok) setHead({ head: describeHead(base64ToBytes(r.value.base64)), size: r.value.size, truncated: r.value.truncated });
      else setError(r.error);
    });
    return () => {
      alive = false;
    };
  }, [envId, path, entry?.mtimeMs, entry?.size]);

  const download = async () => {
    setDownloading(true);
    try {
      const size = head?.size ?? entry?.size ?? DOWNLOAD_MAX;
      const r = await api.request('envs.tmpRead', { envId, path, maxBytes: Math.max(1, Math.min(DOWNLOAD_MAX, size)) });
      if (!r.ok) {
        toast.error(`Could not download /tmp/${path}`, r.error);
        return;
      }
      const data = base64ToBytes(r.value.base64);
      const url = URL.createObjectURL(new Blob([data as BlobPart], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = path.split('/').pop() || 'file';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 30_000);
      if (r.value.truncated) toast.info(`Downloaded the first ${bytes(data.length)} of /tmp/${path}`, `The file is ${bytes(r.value.size)}; downloads stop at 16 MB.`);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <div className="tmp-filebox" data-testid="tmp-file" data-path={path}>
      <header className="tmp-filebox-head">
        <span className="mono tmp-filebox-path" title={`/tmp/${path}`}>
          /tmp/{path}
        </span>
        <span className="spacer" />
        <Button size="small" variant="ghost" data-testid="tmp-download" busy={downloading} disabled={Boolean(error)} onClick={() => void download()} title="Download the whole file (up to 16 MB)">
          Download
        </Button>
        <Button size="small" variant="ghost" aria-label="Close the file" onClick={onClose}>
          Close
        </Button>
      </header>
      {error && <ErrorBox compact error={error} title={`Could not read /tmp/${path}`} />}
      {!head && !error && (
        <div className="envi-note">
          <Spinner size={11} /> reading…
        </div>
      )}
      {head && (
        <>
          <pre className={`tmp-head mono${head.head.kind === 'hex' ? ' tmp-hex' : ''}`} data-testid="tmp-file-head" data-kind={head.head.kind}>
            {head.head.kind === 'text' ? head.head.text : head.head.lines.join('\n')}
          </pre>
          <div className="envi-note">
            {head.head.kind === 'hex' ? 'binary: ' : ''}
            {head.truncated || head.head.kind === 'hex' ? `first ${bytes(Math.min(head.size, head.head.kind === 'hex' ? 4096 : HEAD_BYTES))} of ${bytes(head.size)}` : bytes(head.size)}
          </div>
        </>
      )}
    </div>
  );
}
