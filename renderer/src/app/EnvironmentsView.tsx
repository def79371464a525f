// The side bar's Environments view: the Environments panel (renderer/src/envs),
// every env of the selected function with its state, cause, use and /tmp, and
// the actions on them. The focused env's inspector opens in the right column.
import { EnvPanel } from '../envs/EnvPanel.js';

export function EnvironmentsView() {
  return <EnvPanel />;
}
