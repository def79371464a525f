// Invoking from the window: the Invoke button, Ctrl/Cmd+Enter anywhere (also
// inside Monaco) and "re-run last" all come here. The click is marked for the
// bench (`lwb:invoke:click`); the card marks `lwb:invoke:rendered:<requestId>`
// when it first renders, so the window's own overhead can be measured.
import { flushSync } from 'react-dom';
import type { InvocationResult } from '../../../main/contract/index.js';
import { registerCommand } from '../app/commands.js';
import { call } from '../client.js';
import { toContractError, toast } from '../components/index.js';
import { draftOf, useEvents } from '../stores/events.js';
import { useInvocations, type InvokeRequest } from '../stores/invocations.js';
import { useUi } from '../stores/ui.js';
import { checkJson } from './json-check.js';

/** Runs one invocation and focuses its result; a failed call is kept as the function's last error. */
export async function runInvoke(req: InvokeRequest): Promise<InvocationResult | undefined> {
  performance.clearMarks('lwb:invoke:click'); // only the latest click matters; a long session keeps no pile
  performance.mark('lwb:invoke:click');
  const inv = useInvocations.getState();
  inv.begin(req);
  try {
    const result = await call('invoke.run', { name: req.name, payload: req.payload, type: req.type, qualifier: req.qualifier, source: 'ui' });
    // Rendered at once inside this message's task, not in a later scheduler task that
    // a busy machine can delay: the card is what the user waits for.
    flushSync(() => useInvocations.getState().complete(req.name, result));
    return result;
  } catch (e) {
    const error = toContractError(e);
    useInvocations.getState().end(req.name, error);
    // The Test tab shows it in place; from elsewhere (the shortcut in the editor) say it here.
    if (useUi.getState().tab !== 'test' || useUi.getState().selected !== req.name) toast.error(`${req.name} was not invoked`, error);
    return undefined;
  }
}

/** The request the function's draft makes, or why it cannot be made. */
export function draftRequest(name: string): { req: InvokeRequest } | { reason: string } {
  const d = draftOf(useEvents.getState().drafts, name);
  const check = checkJson(d.payload);
  if (!check.ok) return { reason: check.line ? `Invalid JSON at line ${check.line}, column ${check.column}: ${check.message}` : `Invalid JSON: ${check.message}` };
  return { req: { name, payload: d.payload, type: d.type, qualifier: d.qualifier || undefined } };
}

/** Invokes the function with its draft; when the draft cannot be sent, shows the Test tab, which says why. */
export function invokeDraft(name: string): Promise<InvocationResult | undefined> {
  const made = draftRequest(name);
  if ('reason' in made) {
    useUi.getState().setTab('test');
    return Promise.resolve(undefined);
  }
  return runInvoke(made.req);
}

registerCommand({
  id: 'invoke.run',
  title: 'Invoke the selected function',
  shortcut: '$mod+Enter',
  group: 'Invoke',
  enabled: () => Boolean(useUi.getState().selected),
  run: () => {
    const name = useUi.getState().selected;
    if (name) void invokeDraft(name);
  },
});

registerCommand({
  id: 'invoke.rerun',
  title: 'Re-run the last invocation',
  shortcut: '$mod+shift+Enter',
  group: 'Invoke',
  enabled: () => Boolean(useInvocations.getState().lastRequest),
  run: () => {
    const last = useInvocations.getState().lastRequest;
    if (last) void runInvoke(last);
  },
});
