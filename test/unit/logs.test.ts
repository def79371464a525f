import { describe, expect, it } from 'vitest';
import { LogArchive, LogStream, reportLine, tailBase64 } from '../../main/engine/telemetry/logs.js';
import { parseFunctionName } from '../../main/engine/control/functions.js';

describe('log lines', () => {
  it('formats REPORT exactly as Lambda does, Init Duration only when given', () => {
    expect(reportLine({ requestId: 'r', durationMs: 12.345, billedMs: 13, memorySizeMb: 128, maxMemoryUsedMb: 74, initDurationMs: 166.624 })).toBe(
      'REPORT RequestId: r\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\n',
    );
    expect(reportLine({ requestId: 'r', durationMs: 3000, billedMs: 3000, memorySizeMb: 128, maxMemoryUsedMb: 40, status: 'timeout' })).toBe(
      'REPORT RequestId: r\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout\n',
    );
  });

  it('tails the last 4 KB as base64', () => {
    const text = 'a'.repeat(5000) + 'END';
    const tail = Buffer.from(tailBase64(text), 'base64').toString();
    expect(tail).toHaveLength(4096);
    expect(tail.endsWith('END')).toBe(true);
  });

  it('names streams like Lambda: YYYY/MM/DD/[version]<32 hex>', () => {
    expect(new LogStream('/aws/lambda/f', '$LATEST', new Date('2026-01-02T03:04:05Z')).name).toMatch(/^2026\/01\/02\/\[\$LATEST\][0-9a-f]{32}$/);
  });
});

describe('function names', () => {
  it.each([
    ['f', { name: 'f', qualifier: undefined }],
    ['f:prod', { name: 'f', qualifier: 'prod' }],
    ['123456789012:function:f', { name: 'f', qualifier: undefined }],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST', { name: 'f', qualifier: '$LATEST' }],
  ])('parses %s', (input, want) => {
    expect(parseFunctionName(input)).toEqual(want);
  });
  it('refuses names AWS refuses', () => {
    expect(() => parseFunctionName('a b')).toThrow(/failed to satisfy constraint/);
  });
});

describe('bounded telemetry', () => {
  it('a log stream keeps its newest text under its cap', () => {
    const s = new LogStream('/aws/lambda/f', '$LATEST');
    for (let i = 0; i < 20_000; i++) s.append(`line ${i} ${'x'.repeat(100)}\n`);
    const text = s.text();
    expect(text.length).toBeLessThanOrEqual(1024 * 1024);
    expect(text.endsWith(`line 19999 ${'x'.repeat(100)}\n`)).toBe(true);
    expect(text).not.toContain('line 0 ');
  });

  it('the event log keeps the newest 10,000 events in order', async () => {
    const { EventLog } = await import('../../main/engine/telemetry/events.js');
    const log = new EventLog();
    for (let i = 0; i < 10_005; i++) log.record({ kind: 'phase', at: i, envId: 'e', functionName: 'f', phase: 'invoke', durationMs: 1, status: 'success' });
    const all = log.recent();
    expect(all).toHaveLength(10_000);
    expect(all[0]!.at).toBe(5);
    expect(all[9_999]!.at).toBe(10_004);
  });
});

describe('log archive', () => {
  it('keeps ended streams after their env, up to 50 per function, never dropping a live one', () => {
    const archive = new LogArchive();
    const live = new LogStream('/aws/lambda/f', '$LATEST', new Date(1000));
    archive.add('f', live);
    const ended: LogStream[] = [];
    for (let i = 0; i < 60; i++) {
      const s = new LogStream('/aws/lambda/f', '$LATEST', new Date(2000 + i));
      s.append(`line ${i}\n`);
      archive.add('f', s);
      archive.ended('f', s);
      ended.push(s);
    }
    const kept = archive.list('f');
    expect(kept[0]).toBe(live);
    expect(kept).toHaveLength(51);
    expect(kept.slice(1)).toEqual(ended.slice(10));
    expect(archive.list('other')).toEqual([]);
  });
});
