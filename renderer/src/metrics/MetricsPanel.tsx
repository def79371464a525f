// Placeholder: replaced by the panel's owner.
export function MetricsPanel() {
  return <div data-testid="metrics-panel" />;
}
