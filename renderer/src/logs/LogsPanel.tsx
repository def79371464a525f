// Placeholder: replaced by the panel's owner.
export function LogsPanel() {
  return <div data-testid="logs-panel" />;
}
