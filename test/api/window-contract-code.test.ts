// The window's code operations over a real engine: the tree (modes, binary
// files, the build's outputs), a save as one new `$LATEST` (a TypeScript
// function rebuilt by esbuild; a syntax error saves nothing and says where),
// graceful switching (a running invocation finishes on the old code, the next
// is cold "after-code-change"), stale revisions, read-only linked folders, and
// saved test events.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvocationResult } from '../../main/contract/index.js';
import { openWindow, type Window } from './window-contract-harness.js';

let w: Window;
beforeAll(async () => {
  w = await openWindow();
});
afterAll(async () => {
  await w?.close();
});

const json = (r: InvocationResult) => JSON.parse(r.response ?? 'null');

describe('window contract: code', () => {
  it('TypeScript: a type-correct change builds and runs; a syntax error saves nothing, says where, and the old code runs on', async () => {
    const created = await w.call('functions.create', { name: 'ts', template: 'typescript', runtime: 'nodejs20.x' });
    const tree = await w.call('code.tree', { name: 'ts' });
    expect(tree.readOnly).toBe(false);
    expect(tree.revisionId).toBe(created.revisionId);
    expect(tree.entries.map((e) => [e.path, e.generated ?? false])).toEqual([
      ['index.mjs', true],
      ['index.ts', false],
      ['tsconfig.json', false],
    ]);
    const source = (await w.call('code.read', { name: 'ts', path: 'index.ts' })).content!;
    expect(source).toContain('APIGatewayProxyHandlerV2');

    const changed = source.replace("message: 'Hello from Lambda!'", "message: `built ${[1, 2, 3].map((n: number) => n * 2).join('-')}`");
    const saved = await w.call('code.save', { name: 'ts', ops: [{ op: 'write', path: 'index.ts', content: changed }], expectedRevisionId: tree.revisionId });
    expect(saved.build).toMatchObject({ tool: 'esbuild', ok: true, errors: [], outputs: ['index.mjs'] });
    expect(saved.revisionId).not.toBe(tree.revisionId);
    const bundle = (await w.call('code.read', { name: 'ts', path: 'index.mjs' })).content!;
    expect(bundle).not.toContain(': number'); // types stripped: this is esbuild's output
    const ran = await w.call('invoke.run', { name: 'ts', payload: '{"rawPath":"/orders"}' });
    expect(JSON.parse(json(ran).body)).toMatchObject({ message: 'built 2-4-6', path: '/orders', invocations: 1 });

    const broken = await w.call('code.save', { name: 'ts', ops: [{ op: 'write', path: 'index.ts', content: `${changed}\nconst oops = {;\n` }] });
    expect(broken.build!.ok).toBe(false);
    expect(broken.revisionId).toBe(saved.revisionId); // nothing saved
    const lines = changed.split('\n').length;
    expect(broken.build!.errors[0]).toMatchObject({ file: 'index.ts', line: lines + 1, column: 15 });
    expect(broken.build!.errors[0]!.text).toMatch(/found ";"/);
    expect((await w.call('code.read', { name: 'ts', path: 'index.ts' })).content).toBe(changed);
    const still = await w.call('invoke.run', { name: 'ts', payload: '{}' });
    expect(JSON.parse(json(still).body)).toMatchObject({ message: 'built 2-4-6', invocations: 2 });
    expect(still).toMatchObject({ cold: false, envId: ran.envId });

    // A stale revision is a conflict, not an overwrite.
    const stale = await w.fail('code.save', { name: 'ts', ops: [{ op: 'write', path: 'x.ts', content: '' }], expectedRevisionId: tree.revisionId });
    expect(stale.code).toBe('ResourceConflictException');
  }, 60_000);

  it('a save while a 3 s invocation runs: that one returns the old result; the next is cold after-code-change on the new code', async () => {
    const v = (tag: string) => `export const handler = async (e) => {\n  if (e.ms) await new Promise((r) => setTimeout(r, e.ms));\n  return { tag: '${tag}' };\n};\n`;
    await w.call('functions.create', { name: 'switch', template: 'nodejs-esm', timeout: 10 });
    await w.call('code.save', { name: 'switch', ops: [{ op: 'write', path: 'index.mjs', content: v('v1') }] });
    const warm = await w.call('invoke.run', { name: 'switch', payload: '{}' });
    expect(json(warm)).toEqual({ tag: 'v1' });
    const frames = w.frames.length;
    const running = w.call('invoke.run', { name: 'switch', payload: '{"ms":3000}' });
    await new Promise((r) => setTimeout(r, 500));
    await w.call('code.save', { name: 'switch', ops: [{ op: 'write', path: 'index.mjs', content: v('v2') }] });
    const next = await w.call('invoke.run', { name: 'switch', payload: '{}' });
    expect(json(next)).toEqual({ tag: 'v2' });
    expect(next).toMatchObject({ cold: true, coldCause: 'after-code-change' });
    expect(next.envId).not.toBe(warm.envId);
    const old = await running;
    expect(old.functionError).toBeUndefined();
    expect(json(old)).toEqual({ tag: 'v1' });
    expect(old).toMatchObject({ envId: warm.envId, cold: false });
    expect(old.durationMs).toBeGreaterThan(2900);
    expect(w.frames.slice(frames).filter((f) => f.stream === 'functions').map((f) => f.data)).toContainEqual({ change: 'code', name: 'switch' });
  }, 60_000);

  it('the tree: folders, modes, binary files, links; operations apply together as one save', async () => {
    await w.call('functions.create', { name: 'files', template: 'provided-bash' });
    const tree = await w.call('code.tree', { name: 'files' });
    expect(tree.entries.find((e) => e.path === 'bootstrap')).toMatchObject({ kind: 'file', mode: 0o755, binary: false });
    expect(tree.entries.find((e) => e.path === 'function.sh')).toMatchObject({ mode: 0o644 });
    // A binary file arrives by the REST path (a zip); the window lists it as binary and never opens it as text.
    const { makeZip } = await import('../helpers/zip.js');
    await w.engine.functions.updateCode('files', {
      ZipFile: (
        await makeZip({
          bootstrap: { content: (await w.call('code.read', { name: 'files', path: 'bootstrap' })).content!, mode: 0o100755 },
          'function.sh': (await w.call('code.read', { name: 'files', path: 'function.sh' })).content!,
          'img/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
          'latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9]),
          'link.sh': { content: 'function.sh', mode: 0o120777 },
        })
      ).toString('base64'),
    });
    const t2 = await w.call('code.tree', { name: 'files' });
    expect(t2.entries.find((e) => e.path === 'img')).toMatchObject({ kind: 'dir' });
    expect(t2.entries.find((e) => e.path === 'img/logo.png')).toMatchObject({ binary: true, size: 12 });
    expect(t2.entries.find((e) => e.path === 'latin1.txt')).toMatchObject({ binary: true });
    expect(t2.entries.find((e) => e.path === 'link.sh')).toMatchObject({ link: 'function.sh' });
    expect(await w.call('code.read', { name: 'files', path: 'img/logo.png' })).toEqual({ path: 'img/logo.png', size: 12, binary: true });
    expect((await w.fail('code.read', { name: 'files', path: 'link.sh' })).code).toBe('NotAFile');

    const saved = await w.call('code.save', {
      name: 'files',
      ops: [
        { op: 'mkdir', path: 'lib' },
        { op: 'write', path: 'lib/greet.sh', content: 'greet() { echo "hi $1"; }\n' },
        { op: 'rename', from: 'img', to: 'assets/img' },
        { op: 'delete', path: 'latin1.txt' },
      ],
    });
    expect(saved.build).toBeUndefined();
    const t3 = await w.call('code.tree', { name: 'files' });
    expect(t3.entries.map((e) => e.path)).toEqual(['assets', 'assets/img', 'assets/img/logo.png', 'bootstrap', 'function.sh', 'lib', 'lib/greet.sh', 'link.sh']);
    expect(t3.entries.find((e) => e.path === 'bootstrap')!.mode).toBe(0o755); // kept through the save
    expect(t3.codeSha256).toBe(saved.codeSha256);
    expect(json(await w.call('invoke.run', { name: 'files', payload: '{"a":1}' }))).toMatchObject({ message: 'Hello from bash!' });
    // A failed operation saves none of them.
    const bad = await w.fail('code.save', { name: 'files', ops: [{ op: 'write', path: 'new.txt', content: 'x' }, { op: 'delete', path: 'nope' }] });
    expect(bad.code).toBe('ResourceNotFoundException');
    expect((await w.call('code.tree', { name: 'files' })).revisionId).toBe(saved.revisionId);
    expect((await w.fail('code.save', { name: 'files', ops: [{ op: 'write', path: 'bootstrap/x', content: 'x' }] })).code).toBe('InvalidCodeOperation');
  }, 60_000);

  it('a linked folder: tree and read from the folder (never through a link out of it); saving is refused', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lwb-window-linked-'));
    const secret = mkdtempSync(join(tmpdir(), 'lwb-window-outside-'));
    try {
      writeFileSync(join(folder, 'index.js'), 'exports.handler = async () => "from the folder";\n');
      await w.call('functions.create', { name: 'linked', template: 'nodejs-cjs' });
      await w.engine.linked.link('linked', folder);
      writeFileSync(join(secret, 'secret.txt'), 'not yours');
      const tree = await w.call('code.tree', { name: 'linked' });
      expect(tree).toMatchObject({ readOnly: true, linkedFolder: folder });
      expect(tree.entries.map((e) => e.path)).toEqual(['index.js']);
      expect((await w.call('code.read', { name: 'linked', path: 'index.js' })).content).toContain('from the folder');
      symlinkSync(join(secret, 'secret.txt'), join(folder, 'leak.txt'));
      symlinkSync(secret, join(folder, 'outside'));
      const withLinks = await w.call('code.tree', { name: 'linked' });
      expect(withLinks.entries.find((e) => e.path === 'outside')).toMatchObject({ link: secret, kind: 'file' });
      expect(withLinks.entries.some((e) => e.path.startsWith('outside/'))).toBe(false);
      expect((await w.fail('code.read', { name: 'linked', path: 'leak.txt' })).code).toBe('NotAFile');
      expect((await w.fail('code.read', { name: 'linked', path: 'outside/secret.txt' })).code).toBe('NotAFile');
      const refused = await w.fail('code.save', { name: 'linked', ops: [{ op: 'write', path: 'index.js', content: 'x' }] });
      expect(refused.code).toBe('ReadOnlyCode');
      expect(refused.message).toContain(folder);
      expect((await w.call('functions.get', { name: 'linked' })).linkedFolder).toBe(folder);
      // An edit in the user's own editor is deployed and told on the functions stream.
      const from = w.frames.length;
      rmSync(join(folder, 'leak.txt'));
      rmSync(join(folder, 'outside'));
      writeFileSync(join(folder, 'index.js'), 'exports.handler = async () => "edited";\n');
      await expect.poll(() => w.frames.slice(from).some((f) => f.stream === 'functions' && JSON.stringify(f.data) === JSON.stringify({ change: 'code', name: 'linked' })), { timeout: 10_000 }).toBe(true);
      expect(json(await w.call('invoke.run', { name: 'linked', payload: '{}' }))).toBe('edited');
    } finally {
      w.engine.linked.unlink('linked');
      rmSync(folder, { recursive: true, force: true });
      rmSync(secret, { recursive: true, force: true });
    }
  }, 60_000);

  it('saved events: save, list, rename, export, import, delete; they belong to an existing function', async () => {
    await w.call('functions.create', { name: 'events', template: 'nodejs-esm' });
    const templates = await w.call('events.templates', {});
    expect(templates.length).toBeGreaterThanOrEqual(73);
    const s3 = templates.find((t) => t.source === 's3' && t.type === 'put')!;
    expect(s3.params.some((p) => p.name === 'key')).toBe(true);
    const { payload } = await w.call('events.render', { source: 's3', type: 'put', params: { key: 'July 2026/a b.jpg' } });
    expect(JSON.stringify(payload)).toContain('July+2026/a+b.jpg');
    const saved = await w.call('events.saved.save', { name: 'events', eventName: 'upload', event: payload });
    expect(saved).toMatchObject({ functionName: 'events', name: 'upload', event: payload });
    await w.call('events.saved.save', { name: 'events', eventName: 'empty', event: {} });
    expect((await w.call('events.saved.rename', { name: 'events', eventName: 'empty', newName: 'blank' })).name).toBe('blank');
    expect((await w.call('events.saved.list', { name: 'events' })).map((e) => e.name)).toEqual(['blank', 'upload']);
    const doc = await w.call('events.saved.export', { name: 'events' });
    expect(doc).toMatchObject({ format: 'lambda-workbench/saved-events', version: 1 });
    expect(doc.events).toHaveLength(2);
    expect(await w.call('events.saved.delete', { name: 'events', eventName: 'upload' })).toEqual({ deleted: 'upload' });
    expect(await w.call('events.saved.import', { document: doc })).toEqual({ imported: 2 });
    expect((await w.call('events.saved.list', { name: 'events' })).find((e) => e.name === 'upload')!.event).toEqual(payload);
    const ran = await w.call('invoke.run', { name: 'events', payload: JSON.stringify(payload) });
    expect(ran.logLines.join('\n')).toContain('July+2026/a+b.jpg');

    expect((await w.fail('events.saved.save', { name: 'ghost', eventName: 'x', event: {} })).code).toBe('ResourceNotFoundException');
    const foreign = { ...doc, events: [{ functionName: 'ghost', name: 'x', event: {} }] };
    expect((await w.fail('events.saved.import', { document: foreign })).code).toBe('ResourceNotFoundException');
    expect((await w.fail('events.saved.save', { name: 'events', eventName: 'bad name', event: {} })).code).toBe('InvalidParameters');
  }, 60_000);
});
