// What a panel shows when it has nothing yet: what this place is for and the
// next step (a button, a command to copy).
import type { ReactNode } from 'react';
import './feedback.css';

export function EmptyState({ icon, title, children, actions, compact, testId }: { icon?: ReactNode; title: ReactNode; children?: ReactNode; actions?: ReactNode; compact?: boolean; testId?: string }) {
  return (
    <div className={['empty-state', compact ? 'empty-state-compact' : ''].filter(Boolean).join(' ')} data-testid={testId}>
      {icon && <div className="empty-state-icon">{icon}</div>}
      <div className="empty-state-title">{title}</div>
      {children && <div className="empty-state-body">{children}</div>}
      {actions && <div className="empty-state-actions">{actions}</div>}
    </div>
  );
}
