// Placeholder: replaced by the panel's owner.
export function TimelinePanel() {
  return <div data-testid="timeline-panel" />;
}
