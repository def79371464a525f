// The one button: four variants, two sizes. Icons sit left of the label; an
// icon-only button must carry an aria-label (or title) for screen readers.
import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';
import { Spinner } from './Spinner.js';
import './controls.css';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'md' | 'small';
  icon?: ReactNode;
  /** Shows a spinner and disables the button while work runs. */
  busy?: boolean;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({ variant = 'secondary', size = 'md', icon, busy, className, children, disabled, type = 'button', ...rest }: ButtonProps) {
  const cls = ['btn', `btn-${variant}`, size === 'small' ? 'btn-small' : '', children == null ? 'btn-icon-only' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <button type={type} className={cls} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <Spinner size={12} /> : icon}
      {children != null && <span className="btn-label">{children}</span>}
    </button>
  );
}
