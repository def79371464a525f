// A modal dialog (radix-ui's: focus trap, Escape, labelled by its title).
// Footer holds the actions, the primary one last; children are the body.
import { Dialog as Radix } from 'radix-ui';
import type { ReactNode } from 'react';
import { IconClose } from './icons.js';
import './overlay.css';

export interface DialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: ReactNode;
  description?: ReactNode;
  footer?: ReactNode;
  /** data-testid of the dialog's content element. */
  testId?: string;
  width?: number;
  children?: ReactNode;
  /** Keep the dialog open on outside clicks (forms with unsaved input). */
  modalLock?: boolean;
}

export function Dialog({ open, onOpenChange, title, description, footer, testId, width = 480, children, modalLock }: DialogProps) {
  return (
    <Radix.Root open={open} onOpenChange={onOpenChange}>
      <Radix.Portal>
        <Radix.Overlay className="dialog-scrim" />
        <Radix.Content
          className="dialog"
          data-testid={testId}
          style={{ width }}
          onPointerDownOutside={modalLock ? (e) => e.preventDefault() : undefined}
          // Radix warns about a missing description unless told there is none on purpose.
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <header className="dialog-header">
            <Radix.Title className="dialog-title">{title}</Radix.Title>
            <Radix.Close className="dialog-close" aria-label="Close">
              <IconClose size={14} />
            </Radix.Close>
          </header>
          {description && <Radix.Description className="dialog-description">{description}</Radix.Description>}
          <div className="dialog-body">{children}</div>
          {footer && <footer className="dialog-footer">{footer}</footer>}
        </Radix.Content>
      </Radix.Portal>
    </Radix.Root>
  );
}
