// Toasts: long work with its progress, short confirmations, and errors that
// happened away from any form (with code, message and hint). Bottom right,
// above the status bar. Call `toast.*` from anywhere; the frame mounts <Toaster/>.
//
//   const id = toast.progress('Building image', 'nodejs20.x: copying node');
//   toast.update(id, { message: '…', progress: 0.4 });
//   toast.update(id, { kind: 'success', title: 'Image ready' });   // closes itself
//   toast.error('Could not save', err);                             // stays until dismissed
import { create } from 'zustand';
import { toContractError } from './ErrorBox.js';
import { Spinner } from './Spinner.js';
import { IconAlert, IconCheck, IconClose, IconInfo } from './icons.js';
import './feedback.css';

export type ToastKind = 'info' | 'success' | 'error' | 'progress';

export interface ToastData {
  id: number;
  kind: ToastKind;
  title: string;
  message?: string;
  code?: string;
  hint?: string;
  /** 0..1 for a determinate bar; absent: indeterminate while kind is 'progress'. */
  progress?: number;
}

type ToastInput = Omit<ToastData, 'id'> & { id?: number };

const useToasts = create<{ items: ToastData[] }>(() => ({ items: [] }));
const timers = new Map<number, ReturnType<typeof setTimeout>>();
let nextId = 1;

function autoClose(t: ToastData): void {
  clearTimeout(timers.get(t.id));
  timers.delete(t.id);
  // Progress and errors stay: the first until the work ends, the second until read.
  if (t.kind === 'info' || t.kind === 'success') timers.set(t.id, setTimeout(() => toast.dismiss(t.id), 3500));
}

export const toast = {
  show(input: ToastInput): number {
    const id = input.id ?? nextId++;
    const t: ToastData = { ...input, id };
    useToasts.setState((s) => ({ items: [...s.items.filter((x) => x.id !== id), t].slice(-5) }));
    autoClose(t);
    return id;
  },
  update(id: number, patch: Partial<Omit<ToastData, 'id'>>): void {
    const cur = useToasts.getState().items.find((x) => x.id === id);
    if (!cur) return;
    const t = { ...cur, ...patch };
    useToasts.setState((s) => ({ items: s.items.map((x) => (x.id === id ? t : x)) }));
    autoClose(t);
  },
  dismiss(id: number): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
    useToasts.setState((s) => ({ items: s.items.filter((x) => x.id !== id) }));
  },
  info(title: string, message?: string): number {
    return toast.show({ kind: 'info', title, message });
  },
  success(title: string, message?: string): number {
    return toast.show({ kind: 'success', title, message });
  },
  progress(title: string, message?: string, progress?: number): number {
    return toast.show({ kind: 'progress', title, message, progress });
  },
  /** An error toast from anything thrown (a ContractFailure keeps its code and hint). */
  error(title: string, error: unknown, id?: number): number {
    const e = toContractError(error);
    return toast.show({ id, kind: 'error', title, message: e.message, code: e.code, hint: e.hint });
  },
};

function KindIcon({ kind }: { kind: ToastKind }) {
  if (kind === 'progress') return <Spinner size={13} />;
  if (kind === 'error') return <IconAlert size={14} />;
  if (kind === 'success') return <IconCheck size={14} />;
  return <IconInfo size={14} />;
}

export function Toaster() {
  const items = useToasts((s) => s.items);
  return (
    <div className="toaster" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} data-testid="toast" data-kind={t.kind} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span className="toast-icon">
            <KindIcon kind={t.kind} />
          </span>
          <div className="toast-text">
            <div className="toast-title">{t.title}</div>
            {(t.code || t.message) && (
              <div className="toast-message">
                {t.code && <code className="toast-code">{t.code}</code>} {t.message}
              </div>
            )}
            {t.hint && <div className="toast-hint">{t.hint}</div>}
            {t.kind === 'progress' && (
              <div className="progress" aria-hidden="true">
                <div className={t.progress == null ? 'progress-bar progress-indeterminate' : 'progress-bar'} style={t.progress == null ? undefined : { width: `${Math.round(Math.min(1, Math.max(0, t.progress)) * 100)}%` }} />
              </div>
            )}
          </div>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => toast.dismiss(t.id)}>
            <IconClose size={12} />
          </button>
        </div>
      ))}
    </div>
  );
}
