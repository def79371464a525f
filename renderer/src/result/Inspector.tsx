// Placeholder until the result card lands (owned by the test/result work).
export function Inspector() {
  return <div data-testid="inspector">No invocation yet</div>;
}
