// Every failure the window shows: its code (searchable), its message, and what
// to do about it. Takes a contract error, a ContractFailure or any thrown value.
import type { ContractError } from '../../../main/contract/index.js';
import { IconAlert, IconClose } from './icons.js';
import './feedback.css';

/** Whatever was thrown, as {code, message, hint}. */
export function toContractError(e: unknown): ContractError {
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; message?: unknown; hint?: unknown; name?: unknown };
    if (typeof o.message === 'string') {
      return {
        code: typeof o.code === 'string' ? o.code : typeof o.name === 'string' && o.name !== 'Error' ? o.name : 'UnexpectedError',
        message: o.message,
        hint: typeof o.hint === 'string' ? o.hint : undefined,
      };
    }
  }
  return { code: 'UnexpectedError', message: String(e), hint: 'This is a bug in the workbench window; reload it and report what you did.' };
}

export interface ErrorBoxProps {
  error: unknown;
  /** What was being attempted, e.g. "Could not create the function". */
  title?: string;
  onDismiss?(): void;
  compact?: boolean;
  className?: string;
}

export function ErrorBox({ error, title, onDismiss, compact, className }: ErrorBoxProps) {
  const e = toContractError(error);
  return (
    <div className={['error-box', compact ? 'error-box-compact' : '', className ?? ''].filter(Boolean).join(' ')} data-testid="error-box" role="alert" data-code={e.code}>
      <IconAlert className="error-box-icon" size={14} />
      <div className="error-box-text">
        {title && <div className="error-box-title">{title}</div>}
        <div className="error-box-line">
          <code className="error-box-code">{e.code}</code> <span className="error-box-message">{e.message}</span>
        </div>
        {e.hint && <div className="error-box-hint">{e.hint}</div>}
      </div>
      {onDismiss && (
        <button type="button" className="error-box-dismiss" aria-label="Dismiss" onClick={onDismiss}>
          <IconClose size={12} />
        </button>
      )}
    </div>
  );
}
