// Story 2: a handler that throws → the card shows the error type, message and
// stack, and the function error is marked as such.
import { expect, it } from 'vitest';
import { shootBothThemes } from './harness.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const THROWS = `class OrderRejected extends Error {
  constructor(message) {
    super(message);
    this.name = 'OrderRejected';
  }
}

function check(order) {
  if (!order.lines?.length) throw new OrderRejected(\`order \${order.id} has no lines\`);
  return order;
}

export const handler = async (event) => check(event);
`;

story('Story 2: a handler that throws shows its error type, message and stack', ({ wb, shotName }) => {
  it('creates a function whose handler throws, and invokes it', async () => {
    const win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'rejects', template: 'nodejs-esm' });
    await win.code.open();
    const source = (await win.code.files()).find((p) => /^index\.m?js$/.test(p));
    await win.code.openFile(source!);
    await win.code.setText(THROWS);
    await win.code.save();

    await win.test.open();
    await win.test.setPayload({ id: 'o-17', lines: [] });
    const card = await win.test.invoke();
    const facts = await card.facts();
    // Lambda answers 200 with X-Amz-Function-Error: Unhandled; the card marks it a function error.
    expect(facts.status).toBe('200');
    expect(facts.functionError).toBe('Unhandled');
    expect(await card.text('result-error-type')).toBe('OrderRejected');
    expect(await card.text('result-error-message')).toContain('order o-17 has no lines');
    const stack = await card.text('result-stack');
    expect(stack).toMatch(/check/);
    expect(stack).toMatch(new RegExp(`${source!.replace('.', '\\.')}:\\d+`));
    expect(await card.text('result-status')).toMatch(/error/i);
    await shootBothThemes(win.page, shotName('error-card'));
  });
});
