// The audit trail against a real SQLite file: the hash chain finds altered and
// removed entries, secrets never reach the disk, the chain survives a restart,
// and appending stays cheap.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../main/engine/store/database.js';
import {
  AUDIT_SCHEMA,
  AuditTrail,
  GENESIS_HASH,
  canonicalJson,
  functionNameOf,
  isSecretKey,
  type AuditCaller,
  type AuditInput,
} from '../../main/engine/telemetry/audit.js';
import { makeZip } from '../helpers/zip.js';

const SDK: AuditCaller = { type: 'sdk', accessKeyId: 'AKIAEXAMPLE', userAgent: 'aws-sdk-js/3.900.0' };
const CLI: AuditCaller = { type: 'cli', userAgent: 'aws-cli/2.17.0' };
const SECRET_VALUE = 'hunter2-super-secret-db-password';

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'lwb-audit-'));
}

function openAt(dir: string): Db {
  const db = openDatabase(dir);
  db.exec(AUDIT_SCHEMA);
  open.push(db);
  return db;
}

/** A plausible morning's work on one function: create, reconfigure, a refused call, publish, alias, delete. */
function script(name: string): AuditInput[] {
  return [
    { operation: 'CreateFunction', parameters: { FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::123456789012:role/r', Handler: 'index.handler', Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' } }, caller: SDK, result: 'success' },
    { operation: 'GetFunction', parameters: { FunctionName: name }, caller: CLI, result: 'success' },
    { operation: 'UpdateFunctionConfiguration', parameters: { FunctionName: name, MemorySize: 512, Environment: { Variables: { DB_PASSWORD: SECRET_VALUE } } }, caller: SDK, result: 'success' },
    { operation: 'UpdateFunctionConfiguration', parameters: { FunctionName: name, MemorySize: 1 }, caller: SDK, result: 'error', errorCode: 'InvalidParameterValueException' },
    { operation: 'PublishVersion', parameters: { FunctionName: name, Description: 'first' }, caller: { type: 'ui' }, result: 'success' },
    { operation: 'CreateAlias', parameters: { FunctionName: name, Name: 'live', FunctionVersion: '1' }, caller: CLI, result: 'success' },
    { operation: 'TagResource', parameters: { Resource: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, Tags: { team: 'a' } }, caller: SDK, result: 'success' },
    { operation: 'DeleteFunction', parameters: { FunctionName: name }, caller: SDK, result: 'success' },
  ];
}

function appendAll(trail: AuditTrail, inputs: AuditInput[]) {
  return inputs.map((input) => trail.append(input));
}

describe('AuditTrail chain', () => {
  it('a scripted sequence of calls verifies intact, chained from 64 zeros', () => {
    const trail = new AuditTrail(openAt(freshDir()));
    const entries = appendAll(trail, [...script('orders'), ...script('billing')]);

    expect(entries.map((e) => e.id)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(entries[3]).toMatchObject({ result: 'error', errorCode: 'InvalidParameterValueException', functionName: 'orders' });
    expect(trail.verify()).toEqual({ intact: true, count: 16 });
  });

  it('an empty trail is intact', () => {
    expect(new AuditTrail(openAt(freshDir())).verify()).toEqual({ intact: true, count: 0 });
  });

  it('altering one stored entry names exactly that entry', () => {
    const db = openAt(freshDir());
    const trail = new AuditTrail(db);
    appendAll(trail, script('orders'));

    db.prepare('UPDATE audit_log SET parameters = ? WHERE id = 3').run(JSON.stringify({ FunctionName: 'orders', MemorySize: 10240 }));

    expect(trail.verify()).toMatchObject({ intact: false, brokenAt: 3, reason: expect.stringMatching(/altered/) });
  });

  it('altering a column outside the parameters (the outcome) is found too', () => {
    const db = openAt(freshDir());
    const trail = new AuditTrail(db);
    appendAll(trail, script('orders'));

    db.prepare("UPDATE audit_log SET result = 'success', error_code = NULL WHERE id = 4").run();

    expect(trail.verify()).toMatchObject({ intact: false, brokenAt: 4 });
  });

  it('re-hashing an altered entry moves the break to the entry after it', () => {
    const db = openAt(freshDir());
    const trail = new AuditTrail(db);
    appendAll(trail, script('orders'));

    db.prepare("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = 2").run(GENESIS_HASH, 'f'.repeat(64));

    // Entry 2 no longer matches its own (forged) hash.
    expect(trail.verify()).toMatchObject({ intact: false, brokenAt: 2 });
  });

  it('rewriting stored JSON with its keys in another order is not tampering', () => {
    const db = openAt(freshDir());
    const trail = new AuditTrail(db);
    appendAll(trail, script('orders'));
    const row = db.prepare('SELECT parameters FROM audit_log WHERE id = 1').get() as { parameters: string };
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(row.parameters) as object).reverse()));
    expect(reordered).not.toBe(row.parameters);

    db.prepare('UPDATE audit_log SET parameters = ? WHERE id = 1').run(reordered);

    expect(trail.verify()).toEqual({ intact: true, count: 8 });
  });

  it('deleting an entry names the one after it', () => {
    const db = openAt(freshDir());
    const trail = new AuditTrail(db);
    appendAll(trail, script('orders'));

    db.prepare('DELETE FROM audit_log WHERE id = 5').run();

    expect(trail.verify()).toMatchObject({ intact: false, brokenAt: 6, reason: expect.stringMatching(/missing/) });
  });

  it('deleting the first entries names the first survivor', () => {
    const db = openAt(freshDir());
    const trail = new AuditTrail(db);
    appendAll(trail, script('orders'));

    db.prepare('DELETE FROM audit_log WHERE id <= 2').run();

    expect(trail.verify()).toMatchObject({ intact: false, brokenAt: 3 });
  });

  it('deleting entries from the end names the first missing id, and later appends do not hide it', () => {
    const dir = freshDir();
    const db = openAt(dir);
    const trail = new AuditTrail(db);
    appendAll(trail, script('orders'));

    db.prepare('DELETE FROM audit_log WHERE id >= 7').run();
    expect(trail.verify()).toMatchObject({ intact: false, brokenAt: 7, reason: expect.stringMatching(/removed from the end/) });

    // A restarted workbench continues after the highest id ever written, leaving the gap in view.
    db.close();
    const reopened = new AuditTrail(openAt(dir));
    const next = reopened.append(script('orders')[1]!);
    expect(next.id).toBe(9);
    expect(reopened.verify()).toMatchObject({ intact: false, brokenAt: 9 });
  });

  it('emptying the whole table is found', () => {
    const db = openAt(freshDir());
    const trail = new AuditTrail(db);
    appendAll(trail, script('orders'));

    db.prepare('DELETE FROM audit_log').run();

    expect(trail.verify()).toMatchObject({ intact: false, brokenAt: 1 });
  });

  it('reopening the database and appending continues the chain', () => {
    const dir = freshDir();
    const first = new AuditTrail(openAt(dir));
    const before = appendAll(first, script('orders'));
    open[0]!.close();

    const db = openAt(dir);
    db.exec(AUDIT_SCHEMA); // running the schema again (as a re-applied migration would) is harmless
    const second = new AuditTrail(db);
    const after = appendAll(second, script('billing'));

    expect(after[0]!.id).toBe(before.length + 1);
    expect(after[0]!.prevHash).toBe(before[before.length - 1]!.hash);
    expect(second.verify()).toEqual({ intact: true, count: 16 });
  });
});

describe('AuditTrail concurrency', () => {
  it('appends racing from concurrent requests in one process never fork the chain', async () => {
    const trail = new AuditTrail(openAt(freshDir()));
    const request = async (i: number) => {
      await new Promise((r) => setTimeout(r, i % 3));
      return trail.append({ operation: 'GetFunction', parameters: { FunctionName: `f${i % 7}` }, caller: SDK, result: 'success' });
    };

    const entries = await Promise.all(Array.from({ length: 200 }, (_, i) => request(i)));

    expect(new Set(entries.map((e) => e.id)).size).toBe(200);
    expect(trail.verify()).toEqual({ intact: true, count: 200 });
  });

  it('two trails on one database (a second writer) re-read the tip instead of forking', () => {
    const db = openAt(freshDir());
    const a = new AuditTrail(db);
    const b = new AuditTrail(db);
    for (let i = 0; i < 10; i++) (i % 2 ? a : b).append(script('orders')[i % 8]!);

    expect(a.verify()).toEqual({ intact: true, count: 10 });
  });

  it('an append rolled back with its caller\'s transaction leaves no gap', () => {
    const db = openAt(freshDir());
    const trail = new AuditTrail(db);
    trail.append(script('orders')[0]!);

    expect(() =>
      db.transaction(() => {
        trail.append(script('orders')[1]!);
        throw new Error('the control-plane call failed after auditing');
      })(),
    ).toThrow(/failed after auditing/);
    const next = trail.append(script('orders')[2]!);

    expect(next.id).toBe(2);
    expect(trail.verify()).toEqual({ intact: true, count: 2 });
  });
});

describe('AuditTrail masking', () => {
  it('environment values and ZipFile contents never reach the database file', async () => {
    const dir = freshDir();
    const db = openAt(dir);
    const trail = new AuditTrail(db);
    const zip = await makeZip({ 'index.mjs': `export const handler = async () => '${'payload-marker-'.repeat(20)}';` });
    const zipBase64 = zip.toString('base64');

    const created = trail.append({
      operation: 'CreateFunction',
      parameters: {
        FunctionName: 'orders',
        Code: { ZipFile: zipBase64 },
        Environment: { Variables: { DB_PASSWORD: SECRET_VALUE, PLAIN_SETTING: 'visible-only-as-a-name' } },
        Tags: { apiToken: 'tag-token-value', owner: 'team-a' },
      },
      caller: SDK,
      result: 'success',
    });
    trail.append({ operation: 'UpdateFunctionCode', parameters: { FunctionName: 'orders', ZipFile: zip }, caller: { type: 'ui' }, result: 'success' });

    const digest = createHash('sha256').update(zip).digest('base64');
    expect(created.parameters).toEqual({
      FunctionName: 'orders',
      Code: { ZipFile: { sha256: digest, bytes: zip.length } },
      Environment: { Variables: { DB_PASSWORD: '****', PLAIN_SETTING: '****' } },
      Tags: { apiToken: '****', owner: 'team-a' },
    });
    expect(trail.list()[1]!.parameters.ZipFile).toEqual({ sha256: digest, bytes: zip.length });

    const rows = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
    for (const secret of [SECRET_VALUE, 'visible-only-as-a-name', 'tag-token-value', zipBase64.slice(0, 40), 'payload-marker']) {
      expect(rows).not.toContain(secret);
    }
    // And not in the bytes on disk either (database and write-ahead log).
    db.close();
    const onDisk = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('');
    expect(onDisk).toContain('DB_PASSWORD');
    expect(onDisk).not.toContain(SECRET_VALUE);
    expect(onDisk).not.toContain('payload-marker');
  });

  it('masks secret-looking keys at any depth, keeps names that only mention a key', () => {
    const trail = new AuditTrail(openAt(freshDir()));
    const entry = trail.append({
      operation: 'UpdateFunctionConfiguration',
      parameters: {
        FunctionName: 'orders',
        KMSKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc',
        Nested: { deeper: [{ client_secret: 's1', Password: { any: 'shape' } }] },
        sessionToken: 't1',
        SecretAccessKey: 'k1',
      },
      caller: SDK,
      result: 'success',
    });
    expect(entry.parameters).toEqual({
      FunctionName: 'orders',
      KMSKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc',
      Nested: { deeper: [{ client_secret: '****', Password: '****' }] },
      sessionToken: '****',
      SecretAccessKey: '****',
    });
    // The caller's access key id is an identity, as CloudTrail records it, not a secret.
    expect(entry.caller).toEqual(SDK);
  });

  it('keeps who really called (verified key, UI session, refused with origin and host), bounds header-sized strings, drops anything else', () => {
    const dir = freshDir();
    const trail = new AuditTrail(openAt(dir));
    const verified = trail.append({ operation: 'CreateFunction', parameters: { FunctionName: 'a' }, caller: { type: 'sdk', accessKeyId: 'LWBKABCDEFGHIJKLMNOP', verified: true }, result: 'success' });
    expect(verified.caller).toEqual({ type: 'sdk', accessKeyId: 'LWBKABCDEFGHIJKLMNOP', verified: true });
    const ui = trail.append({ operation: 'PublishVersion', parameters: { FunctionName: 'a' }, caller: { type: 'ui', sessionId: 's-1' }, result: 'success' });
    expect(ui.caller).toEqual({ type: 'ui', sessionId: 's-1' });
    const hostile = 'x'.repeat(10_000);
    const refused = trail.append({
      operation: 'CreateFunction',
      parameters: { FunctionName: 'pwned' },
      caller: { type: 'refused', origin: 'https://evil.example', host: hostile, userAgent: hostile, cookie: 'c' } as AuditCaller,
      result: 'error',
      errorCode: 'AccessDeniedException',
    });
    expect(refused.caller).toEqual({ type: 'refused', origin: 'https://evil.example', host: 'x'.repeat(256), userAgent: 'x'.repeat(256) });
    expect(refused.errorCode).toBe('AccessDeniedException');
    expect(new AuditTrail(openAt(dir)).verify()).toEqual({ intact: true, count: 3 });
  });

  it.each([
    ['password', true], ['DB_PASSWORD', true], ['apiKey', true], ['API_KEY', true], ['privateKey', true], ['x-auth-token', true],
    ['SecretAccessKey', true], ['clientSecret', true], ['Authorization', true], ['credentials', true],
    ['AccessKeyId', false], ['KMSKeyArn', false], ['tagKeys', false], ['FunctionName', false], ['Monkey', false], ['KeyName', false],
  ])('isSecretKey(%s) is %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });
});

describe('AuditTrail list', () => {
  it('pages oldest first and filters by function, whether named by name, qualified name or ARN', () => {
    const trail = new AuditTrail(openAt(freshDir()));
    appendAll(trail, [...script('orders'), ...script('billing')]);
    trail.append({ operation: 'Invoke', parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders:live' }, caller: SDK, result: 'success' });
    trail.append({ operation: 'ListFunctions', parameters: {}, caller: CLI, result: 'success' });

    const page1 = trail.list({ limit: 5 });
    const page2 = trail.list({ limit: 5, afterId: page1[page1.length - 1]!.id });
    expect(page1.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
    expect(page2.map((e) => e.id)).toEqual([6, 7, 8, 9, 10]);

    const orders = trail.list({ functionName: 'orders', limit: 1000 });
    expect(orders.map((e) => e.operation)).toEqual([...script('orders').map((s) => s.operation), 'Invoke']);
    expect(trail.list({ functionName: 'nobody' })).toEqual([]);
    expect(trail.list({ limit: 1000 })[17]).not.toHaveProperty('functionName');
  });

  it('reads a function name from every form AWS takes, and tolerates malformed ones', () => {
    expect(functionNameOf({ FunctionName: 'orders' })).toBe('orders');
    expect(functionNameOf({ FunctionName: 'orders:$LATEST' })).toBe('orders');
    expect(functionNameOf({ FunctionName: '123456789012:function:orders' })).toBe('orders');
    expect(functionNameOf({ Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:orders' })).toBe('orders');
    expect(functionNameOf({ FunctionName: 'not a name!' })).toBeUndefined();
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order at any depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: undefined })).toBe('{"b":1}');
  });
});

describe('AuditTrail cost', () => {
  it('10,000 appends take well under a few seconds', () => {
    const trail = new AuditTrail(openAt(freshDir()));
    const input: AuditInput = {
      operation: 'UpdateFunctionConfiguration',
      parameters: { FunctionName: 'orders', MemorySize: 256, Timeout: 30, Environment: { Variables: { A: '1', B: '2', TOKEN: 'x' } } },
      caller: SDK,
      result: 'success',
    };

    const started = performance.now();
    for (let i = 0; i < 10_000; i++) trail.append(input);
    const ms = performance.now() - started;

    const verifyStarted = performance.now();
    expect(trail.verify()).toEqual({ intact: true, count: 10_000 });
    const verifyMs = performance.now() - verifyStarted;
    console.log(`[audit] 10,000 appends in ${ms.toFixed(0)} ms (${Math.round(10_000 / (ms / 1000))} appends/s); verify in ${verifyMs.toFixed(0)} ms`);
    expect(ms).toBeLessThan(4_000);
  });
});

describe('AuditTrail and hostile parameters', () => {
  it('a body nested thousands of levels deep is still recorded (kept to a depth, marked), and the chain verifies', () => {
    const trail = new AuditTrail(openAt(freshDir()));
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5000; i++) deep = { a: [deep] };
    const entry = trail.append({ operation: 'CreateFunction', parameters: { FunctionName: 'deep', Tags: deep as Record<string, unknown> }, caller: SDK, result: 'error', errorCode: 'InvalidParameterValueException' });
    expect(JSON.stringify(entry.parameters)).toContain('nested deeper than 32 levels: not kept');
    expect(trail.verify()).toEqual({ intact: true, count: 1 });
  });
});
