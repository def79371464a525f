// Configuration history against a real SQLite file: items recorded across a
// function's life, kept after it is deleted, and diffed field by field.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionConfiguration } from '../../main/engine/control/function-config.js';
import { openDatabase, type Db } from '../../main/engine/store/database.js';
import { CONFIG_HISTORY_SCHEMA, ConfigHistory, diffConfigurations } from '../../main/engine/telemetry/config-history.js';

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function openAt(dir: string): Db {
  const db = openDatabase(dir);
  db.exec(CONFIG_HISTORY_SCHEMA);
  open.push(db);
  return db;
}

const freshHistory = () => new ConfigHistory(openAt(mkdtempSync(join(tmpdir(), 'lwb-config-'))));

function baseConfig(name: string): FunctionConfiguration {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    Runtime: 'nodejs20.x',
    Role: 'arn:aws:iam::123456789012:role/lambda',
    Handler: 'index.handler',
    CodeSize: 312,
    Description: '',
    Timeout: 3,
    MemorySize: 128,
    LastModified: '2025-01-01T10:00:00.000+0000',
    CodeSha256: 'abc=',
    Version: '$LATEST',
    Environment: { Variables: { STAGE: 'dev', REMOVED_LATER: 'x', FEATURE_FLAG: 'off' } },
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: 'rev-1',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: { RuntimeVersionArn: 'arn:aws:lambda:us-east-1::runtime:workbench-nodejs20.x' },
  };
}

/** What UpdateFunctionConfiguration would leave: a new revision, memory, timeout and env changes. */
function updatedConfig(name: string): FunctionConfiguration {
  const c = baseConfig(name);
  return {
    ...c,
    MemorySize: 512,
    Timeout: 30,
    LastModified: '2025-01-01T11:00:00.000+0000',
    RevisionId: 'rev-2',
    Environment: { Variables: { STAGE: 'prod', FEATURE_FLAG: 'off', NEW_ONE: 'y' } },
    Architectures: ['arm64'],
  };
}

describe('ConfigHistory', () => {
  it('records created, updated and deleted items, oldest first, and keeps them after the delete', () => {
    const history = freshHistory();
    const created = history.record('orders', 'created', baseConfig('orders'));
    history.record('billing', 'created', baseConfig('billing'));
    const updated = history.record('orders', 'updated', updatedConfig('orders'));
    const published = history.record('orders', 'published', { ...updatedConfig('orders'), Version: '1' });
    const deleted = history.record('orders', 'deleted', null);

    const items = history.list('orders');
    expect(items.map((i) => [i.id, i.change])).toEqual([
      [created.id, 'created'],
      [updated.id, 'updated'],
      [published.id, 'published'],
      [deleted.id, 'deleted'],
    ]);
    expect(items[0]!.configuration).toEqual(baseConfig('orders'));
    expect(items[3]!.configuration).toBeNull();
    expect(items.every((i) => i.functionName === 'orders' && !Number.isNaN(Date.parse(i.time)))).toBe(true);
    expect(items[1]).toEqual(updated); // what record returns is what list reads back
  });

  it('keeps history across a restart, and a re-created function continues the same history', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lwb-config-'));
    const first = new ConfigHistory(openAt(dir));
    first.record('orders', 'created', baseConfig('orders'));
    first.record('orders', 'deleted', null);
    open[0]!.close();

    const second = new ConfigHistory(openAt(dir));
    second.record('orders', 'created', updatedConfig('orders'));

    expect(second.list('orders').map((i) => i.change)).toEqual(['created', 'deleted', 'created']);
  });

  it('diffs two items: top-level fields, nested env vars added, removed and changed, arrays as one value', () => {
    const history = freshHistory();
    const a = history.record('orders', 'created', baseConfig('orders'));
    const b = history.record('orders', 'updated', updatedConfig('orders'));

    expect(history.diff('orders', a.id, b.id)).toEqual([
      { path: 'Architectures', kind: 'changed', from: ['x86_64'], to: ['arm64'] },
      { path: 'Environment.Variables.NEW_ONE', kind: 'added', to: 'y' },
      { path: 'Environment.Variables.REMOVED_LATER', kind: 'removed', from: 'x' },
      { path: 'Environment.Variables.STAGE', kind: 'changed', from: 'dev', to: 'prod' },
      { path: 'MemorySize', kind: 'changed', from: 128, to: 512 },
      { path: 'Timeout', kind: 'changed', from: 3, to: 30 },
    ]);
    // Backwards is the mirror image.
    expect(history.diff('orders', b.id, a.id).find((c) => c.path === 'Environment.Variables.NEW_ONE')).toEqual({
      path: 'Environment.Variables.NEW_ONE',
      kind: 'removed',
      from: 'y',
    });
    expect(history.diff('orders', a.id, a.id)).toEqual([]);
  });

  it('an item that only got a new revision and timestamp diffs as nothing', () => {
    const history = freshHistory();
    const a = history.record('orders', 'created', baseConfig('orders'));
    const b = history.record('orders', 'updated', { ...baseConfig('orders'), RevisionId: 'rev-9', LastModified: '2026-01-01T00:00:00.000+0000' });

    expect(history.diff('orders', a.id, b.id)).toEqual([]);
  });

  it('an Environment that appears or disappears whole lists each variable', () => {
    const { Environment: _env, ...noEnv } = baseConfig('orders');
    expect(diffConfigurations(noEnv, baseConfig('orders'))).toEqual([
      { path: 'Environment.Variables.FEATURE_FLAG', kind: 'added', to: 'off' },
      { path: 'Environment.Variables.REMOVED_LATER', kind: 'added', to: 'x' },
      { path: 'Environment.Variables.STAGE', kind: 'added', to: 'dev' },
    ]);
    expect(diffConfigurations({ Environment: { Variables: {} } }, {})).toEqual([{ path: 'Environment.Variables', kind: 'removed', from: {} }]);
  });

  it('a field whose shape changes (object to value) is one change', () => {
    expect(diffConfigurations({ TracingConfig: { Mode: 'Active' } }, { TracingConfig: null })).toEqual([
      { path: 'TracingConfig', kind: 'changed', from: { Mode: 'Active' }, to: null },
    ]);
    expect(diffConfigurations({ Layers: [{ Arn: 'a', CodeSize: 1 }] }, { Layers: [{ CodeSize: 1, Arn: 'a' }] })).toEqual([]);
  });

  it('diffing up to the deletion lists every field as removed', () => {
    const history = freshHistory();
    const a = history.record('orders', 'created', baseConfig('orders'));
    const gone = history.record('orders', 'deleted', null);

    const changes = history.diff('orders', a.id, gone.id);
    expect(changes.every((c) => c.kind === 'removed')).toBe(true);
    expect(changes.map((c) => c.path)).toContain('MemorySize');
    expect(changes.map((c) => c.path)).not.toContain('RevisionId');
  });

  it('an unknown function is ResourceNotFoundException naming the functions that have history', () => {
    const history = freshHistory();
    expect(() => history.list('orders')).toThrow(expect.objectContaining({ code: 'ResourceNotFoundException', message: expect.stringMatching(/No function has any history yet/) }));
    history.record('orders', 'created', baseConfig('orders'));
    history.record('billing', 'created', baseConfig('billing'));

    expect(() => history.list('nobody')).toThrow(expect.objectContaining({ code: 'ResourceNotFoundException', message: expect.stringMatching(/billing, orders/) }));
    expect(() => history.diff('nobody', 1, 2)).toThrow(expect.objectContaining({ code: 'ResourceNotFoundException', message: expect.stringMatching(/billing, orders/) }));
  });

  it('an unknown id, or one of another function, is ResourceNotFoundException naming the function\'s items', () => {
    const history = freshHistory();
    const a = history.record('orders', 'created', baseConfig('orders'));
    const other = history.record('billing', 'created', baseConfig('billing'));
    const b = history.record('orders', 'updated', updatedConfig('orders'));

    for (const [from, to] of [[a.id, 999], [999, b.id], [a.id, other.id], [a.id, Number.NaN], [1.5, b.id]] as const) {
      expect(() => history.diff('orders', from, to)).toThrow(
        expect.objectContaining({ code: 'ResourceNotFoundException', message: expect.stringContaining(`Its items are: ${a.id}, ${b.id}.`) }),
      );
    }
  });

  it('refuses an item other than deleted without a configuration', () => {
    const history = freshHistory();
    expect(() => history.record('orders', 'updated', null)).toThrow(expect.objectContaining({ code: 'InvalidParameterValueException' }));
  });
});
