// Placeholder until the Code tab lands (owned by the code/Monaco work).
export function CodeTab({ functionName }: { functionName: string }) {
  return <div data-testid="code-tab">Code of {functionName}</div>;
}
