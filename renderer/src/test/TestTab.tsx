// Placeholder until the Test tab lands (owned by the test/result work).
export function TestTab({ functionName }: { functionName: string }) {
  return <div data-testid="test-tab">Test {functionName}</div>;
}
