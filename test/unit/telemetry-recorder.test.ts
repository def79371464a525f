// The recorder's output caps: an invocation keeps its first INVOCATION_LOG_CAP_BYTES of
// output as lines and counts the rest, whatever the chunking of the output (the init
// forwards what each read() of the pipe gave, so lines arrive split anywhere). Every
// line is either kept or counted in the marker: none lost, none counted twice.
import { describe, expect, it } from 'vitest';
import { TelemetryBus } from '../../main/engine/telemetry/bus.js';
import { INVOCATION_LOG_CAP_BYTES, TelemetryRecorder } from '../../main/engine/telemetry/recorder.js';
import type { LogLine } from '../../main/contract/telemetry.js';

function recorder() {
  const kept: LogLine[] = [];
  const store = {
    upsertInvocation() {},
    upsertEnv() {},
    addEnvState() {},
    addLines(lines: LogLine[]) {
      kept.push(...lines);
    },
    addTmpChange() {},
  };
  const rec = new TelemetryRecorder(new TelemetryBus(0, 0), store as never, { firstLineId: 1, architectureOf: () => 'x86_64' });
  const env = rec.forEnv({ envId: 'e1', functionName: 'f', version: '$LATEST', cause: 'first', initializationType: 'on-demand', memorySizeMb: 128, tmpSizeBytes: 512 << 20, network: 'none' });
  return { rec, env, kept };
}

/** Splits `text` at pseudo-random points (seeded), as pipe reads would. */
function chunks(text: string, seed: number): string[] {
  const out: string[] = [];
  let s = seed;
  for (let i = 0; i < text.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % 70_000);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('telemetry recorder: output past an invocation\'s cap', () => {
  for (const seed of [1, 7, 42]) {
    it(`keeps the first lines up to the cap and counts every other one (chunking seed ${seed})`, () => {
      const { rec, env, kept } = recorder();
      const lineLen = 1000 + seed; // bytes with its newline: lineLen + 1
      const total = Math.ceil((INVOCATION_LOG_CAP_BYTES * 2.5) / (lineLen + 1));
      let text = '';
      for (let n = 0; n < total; n++) text += `${String(n).padStart(8, '0')}${'x'.repeat(lineLen - 8)}\n`;
      text += 'a last line with no newline';
      env.beginRun('r1');
      for (const c of chunks(text, seed)) env.output(1, c, 'r1');
      env.closeRunOutput('r1');
      env.finishRun('r1');
      rec.flush();
      const own = kept.filter((l) => l.stream === 'stdout');
      const marker = kept.find((l) => l.stream === 'platform' && l.text.includes('were not kept'));
      expect(marker, 'the marker line').toBeDefined();
      const notKept = Number(/(\d+) lines/.exec(marker!.text)![1]);
      // Kept: the first lines, in order, whole.
      own.forEach((l, n) => expect(l.text.slice(0, 8)).toBe(String(n).padStart(8, '0')));
      expect(own.every((l) => l.text.length === lineLen)).toBe(true);
      expect(own.length * (lineLen + 1)).toBeLessThanOrEqual(INVOCATION_LOG_CAP_BYTES);
      expect(own.length).toBeGreaterThan(INVOCATION_LOG_CAP_BYTES / (lineLen + 1) - 2);
      // Not kept: all the others, the unterminated last one included.
      expect(own.length + notKept).toBe(total + 1);
      expect(marker!.text).toContain(`(${(total - own.length) * (lineLen + 1) + 'a last line with no newline'.length + 1} bytes)`);
    });
  }

  it('a later invocation on the same env starts with its own cap', () => {
    const { rec, env, kept } = recorder();
    const big = `${'y'.repeat(1023)}\n`.repeat(Math.ceil(INVOCATION_LOG_CAP_BYTES / 1024) + 10);
    env.beginRun('r1');
    env.output(1, big, 'r1');
    env.closeRunOutput('r1');
    env.finishRun('r1');
    env.beginRun('r2');
    env.output(1, 'second\n', 'r2');
    env.closeRunOutput('r2');
    env.finishRun('r2');
    rec.flush();
    expect(kept.filter((l) => l.requestId === 'r2' && l.stream === 'stdout').map((l) => l.text)).toEqual(['second']);
  });
});
