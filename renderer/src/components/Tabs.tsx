// A row of tabs (WAI-ARIA tablist): arrow keys move between tabs, Home/End jump.
// Only the strip: the caller renders the selected panel with id `${id}-panel`.
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import './tabs.css';

export interface TabItem<T extends string> {
  id: T;
  label: ReactNode;
  testId?: string;
  /** Tooltip, e.g. the shortcut. */
  title?: string;
  /** Small text after the label (a count, a dirty dot). */
  extra?: ReactNode;
}

export interface TabsProps<T extends string> {
  items: TabItem<T>[];
  value: T;
  onChange(id: T): void;
  /** Accessible name of the strip. */
  label: string;
  /** Prefix for tab/panel ids. */
  idPrefix?: string;
  size?: 'md' | 'small';
  className?: string;
  /** Rendered at the strip's right end. */
  trailing?: ReactNode;
}

export function Tabs<T extends string>({ items, value, onChange, label, idPrefix = 'tabs', size = 'md', className, trailing }: TabsProps<T>) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const move = (e: KeyboardEvent, index: number) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (index + 1) % items.length;
    else if (e.key === 'ArrowLeft') next = (index - 1 + items.length) % items.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const item = items[next]!;
    onChange(item.id);
    refs.current.get(item.id)?.focus();
  };
  return (
    <div className={['tabs', size === 'small' ? 'tabs-small' : '', className ?? ''].filter(Boolean).join(' ')}>
      <div role="tablist" aria-label={label} className="tabs-list">
        {items.map((item, i) => {
          const selected = item.id === value;
          return (
            <button
              key={item.id}
              ref={(el) => {
                if (el) refs.current.set(item.id, el);
                else refs.current.delete(item.id);
              }}
              type="button"
              role="tab"
              id={`${idPrefix}-${item.id}`}
              aria-selected={selected}
              aria-controls={`${idPrefix}-${item.id}-panel`}
              tabIndex={selected ? 0 : -1}
              className="tab"
              data-testid={item.testId}
              title={item.title}
              onClick={() => onChange(item.id)}
              onKeyDown={(e) => move(e, i)}
            >
              {item.label}
              {item.extra != null && <span className="tab-extra">{item.extra}</span>}
            </button>
          );
        })}
      </div>
      {trailing != null && <div className="tabs-trailing">{trailing}</div>}
    </div>
  );
}
