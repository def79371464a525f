// A small label whose colour means something: cold, warm, frozen, error, ok, warn;
// neutral otherwise. Monospace when it shows a value.
import type { HTMLAttributes, ReactNode } from 'react';
import './feedback.css';

export type BadgeTone = 'neutral' | 'accent' | 'cold' | 'warm' | 'frozen' | 'error' | 'ok' | 'warn';

export function Badge({ tone = 'neutral', mono, dot, children, className, ...rest }: HTMLAttributes<HTMLSpanElement> & { tone?: BadgeTone; mono?: boolean; dot?: boolean; children?: ReactNode }) {
  return (
    <span className={['badge', `badge-${tone}`, mono ? 'mono' : '', className ?? ''].filter(Boolean).join(' ')} {...rest}>
      {dot && <span className="badge-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}
