// A small indeterminate spinner for work in flight (CSS animation, no script).
import './feedback.css';

export function Spinner({ size = 14, label }: { size?: number; label?: string }) {
  return <span className="spinner" style={{ width: size, height: size }} role={label ? 'status' : undefined} aria-label={label} />;
}
