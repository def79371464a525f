import { describe, expect, it } from 'vitest';
import { RunLog } from '../../main/engine/telemetry/run-log.js';

describe('an invocation log block', () => {
  it('keeps every platform line and the newest output within its cap, and says how much it dropped', () => {
    const log = new RunLog(1000);
    log.platform('START\n');
    for (let i = 0; i < 100; i++) log.output(`${String(i).padStart(3, '0')}${'x'.repeat(96)}\n`);
    log.platform('END\n');
    log.platform('REPORT\n');
    const text = log.text();
    expect(text.startsWith('START\n[workbench] ')).toBe(true);
    expect(text.endsWith('END\nREPORT\n')).toBe(true);
    expect(text).toContain('099x'); // the newest line is kept
    expect(text).not.toContain('000x'); // the oldest is gone
    const kept = text.split('\n').filter((l) => /^\d{3}x/.test(l)).length;
    expect(kept * 100).toBeLessThanOrEqual(1000);
    expect(log.dropped).toBe((100 - kept) * 100);
    expect(text).toContain(`${log.dropped} characters of this invocation's output were dropped`);
  });

  it('keeps only the tail of one chunk larger than the cap', () => {
    const log = new RunLog(10);
    log.platform('START\n');
    log.output('abcdefghijklmnopqrstuvwxyz');
    expect(log.dropped).toBe(16);
    expect(log.text()).toMatch(/^START\n\[workbench\] 16 characters[^\n]*\nqrstuvwxyz$/);
  });

  it('is unchanged below its cap, and a START line can be taken back', () => {
    const log = new RunLog(100);
    log.platform('INIT_START\n');
    log.platform('START\n');
    log.output('hello\n');
    log.remove('START\n');
    expect(log.text()).toBe('INIT_START\nhello\n');
    expect(log.dropped).toBe(0);
  });

  it('stays bounded under a flood of output (memory does not grow with what was printed)', () => {
    const log = new RunLog(1024 * 1024);
    const chunk = 'y'.repeat(64 * 1024);
    for (let i = 0; i < 10_000; i++) log.output(chunk); // 640 MB printed
    expect(log.text().length).toBeLessThan(1024 * 1024 + 200);
    expect(log.dropped).toBeGreaterThan(600 * 1024 * 1024);
  });
});
