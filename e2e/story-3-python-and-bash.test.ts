// Story 3: a Python function created, edited, invoked; a provided.al2023 bash
// function created and invoked.
import { expect, it } from 'vitest';
import { shoot } from './harness.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const PYTHON = `import json
import os

def handler(event, context):
    words = event.get("text", "").split()
    return {"words": len(words), "runtime": os.environ["AWS_EXECUTION_ENV"], "request": context.aws_request_id}
`;

story('Story 3: a Python function and a provided.al2023 bash function', ({ wb, shotName }) => {
  let win: WorkbenchWindow;

  it('creates a Python function from its template, edits it in Monaco and invokes it', async () => {
    win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'wordcount', template: 'python' });
    expect((await win.sidebar.info('wordcount')).runtime).toMatch(/^python3/);
    await win.code.open();
    const source = (await win.code.files()).find((p) => p.endsWith('.py'));
    expect(source, `the template's files: ${(await win.code.files()).join(', ')}`).toBeTruthy();
    await win.code.openFile(source!);
    // The template's handler name stays; only its body changes.
    const handlerName = (await win.code.text()).match(/^def (\w+)\(event, context\)/m)?.[1] ?? 'handler';
    await win.code.setText(PYTHON.replace('def handler(', `def ${handlerName}(`));
    await win.code.save();

    await win.test.open();
    await win.test.setPayload({ text: 'the quick brown fox' });
    const card = await win.test.invoke();
    const facts = await card.facts();
    const response = (await card.response()) as { words: number; runtime: string; request: string };
    expect(response.words).toBe(4);
    expect(response.runtime).toMatch(/^AWS_Lambda_python3/);
    expect(response.request).toBe(facts.requestId);
    expect(facts.functionError).toBeFalsy();
    await shoot(win.page, shotName('python-card'));
  });

  it('creates a provided.al2023 function with a bash bootstrap and invokes it', async () => {
    await win.createFunction({ name: 'bashfn', template: 'provided-bash' });
    expect((await win.sidebar.info('bashfn')).runtime).toBe('provided.al2023');
    await win.code.open();
    expect(await win.code.files()).toContain('bootstrap');
    await win.test.open();
    await win.test.setPayload({ hello: 'bash' });
    const card = await win.test.invoke();
    const facts = await card.facts();
    expect(facts.status).toBe('200');
    expect(facts.functionError).toBeFalsy();
    expect(facts.cold).toBe(true);
    // The template's bash handler gets the event as $1 and prints the response; it counts its invocations.
    expect(await card.response()).toMatchObject({ invocations: 1, event: { hello: 'bash' } });
    expect(await card.logs()).toContain(`REPORT RequestId: ${facts.requestId}`);
    await shoot(win.page, shotName('bash-card'));
  });
});
