// Placeholder frame until the frame work lands.
import { CodeTab } from '../code/CodeTab.js';
export function App() {
  return <CodeTab functionName="-" />;
}
