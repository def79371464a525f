// Story 4: a TypeScript function: the completion list after `event.` in an
// APIGatewayProxyHandlerV2 contains requestContext; save builds it; invoke
// returns its result; a type error shows as a Monaco marker.
import { expect, it } from 'vitest';
import { shoot, shootBothThemes } from './harness.js';
import { MARKER_ERROR } from './pages/code-tab.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const HEAD = `import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';

`;

const GREETER = `${HEAD}const greet = (name: string): string => \`hello \${name}\`;

export const handler: APIGatewayProxyHandlerV2 = async (event) => ({
  statusCode: 200,
  body: JSON.stringify({ greeting: greet(event.queryStringParameters?.name ?? 'world'), path: event.rawPath }),
});
`;

const WRONG_TYPE = `${GREETER}
export const limit: number = 'ten';
`;

story('Story 4: a TypeScript function with Lambda types, built on save', ({ wb, shotName }) => {
  let win: WorkbenchWindow;
  let source: string;

  it('completes requestContext after `event.` in an APIGatewayProxyHandlerV2', async () => {
    win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'greeter-ts', template: 'typescript' });
    await win.code.open();
    const files = await win.code.files();
    const generated = await win.page.locator('[data-testid="file-node"][data-generated="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    source = files.find((p) => p.endsWith('.ts') && !p.endsWith('.d.ts') && !generated.includes(p))!;
    expect(source, `the template's files: ${files.join(', ')}`).toBeTruthy();
    await win.code.openFile(source);
    const labels = await win.code.completionsAfter(`${HEAD}export const handler: APIGatewayProxyHandlerV2 = async (event) => {\n  const context = event.`, 'requestContext');
    await shoot(win.page, shotName('completions'));
    expect(labels.map((l) => l.split(/[,\s]/)[0])).toContain('requestContext');
    await win.code.dismissSuggestions();
  });

  it('saves: esbuild builds it; invoke returns the built handler\'s result', async () => {
    await win.code.setText(GREETER);
    await win.code.save();
    const build = await win.code.buildStatus();
    expect(build.ok, build.text).toBe('true');
    // The build's output is in the tree, marked generated.
    await win.page.locator('[data-testid="file-node"][data-generated="true"]').first().waitFor({ timeout: 10_000 });

    await win.test.open();
    await win.test.setPayload({ rawPath: '/hi', queryStringParameters: { name: 'ts' } });
    const card = await win.test.invoke();
    expect((await card.facts()).functionError).toBeFalsy();
    expect(await card.response()).toEqual({ statusCode: 200, body: JSON.stringify({ greeting: 'hello ts', path: '/hi' }) });
  });

  it('shows a type error as a Monaco error marker on its line', async () => {
    await win.code.open();
    await win.code.openFile(source);
    await win.code.setText(WRONG_TYPE);
    const line = WRONG_TYPE.split('\n').findIndex((l) => l.includes("'ten'")) + 1;
    await win.page.waitForFunction(
      (l) => ((window as unknown as { __lwbTest: { editor: { markers(): { severity: number; startLineNumber: number }[] } } }).__lwbTest.editor.markers()).some((m) => m.severity === 8 && m.startLineNumber === l),
      line,
      { timeout: 60_000 },
    );
    const markers = (await win.code.markers()).filter((m) => m.severity === MARKER_ERROR);
    expect(markers).toHaveLength(1);
    expect(markers[0]!.startLineNumber).toBe(line);
    expect(markers[0]!.message).toMatch(/not assignable to type 'number'/);
    await shootBothThemes(win.page, shotName('type-error'));
  });
});
