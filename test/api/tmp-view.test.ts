// An env's /tmp seen from the host (issue 11 item 2, story 5), with real Docker: the init's TMP
// listings after each invocation (per-invocation changes through TmpTracker), and files read
// from the env's own disk image by tmp-reader.ts, never through a path the host resolves: a
// function's links to host files show as links and the host's bytes never come back, also
// while the function swaps a directory for a link in a loop. A frozen env is read and stays
// frozen. Most cases drive sandboxes directly (DockerSandbox + the channel, with a small Node
// function that speaks the Runtime API itself); the last goes through the window's methods
// (envs.tmp, envs.tmpChanges, envs.tmpRead) on a real engine.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, freezerState, waitFor } from '../helpers/workbench.js';
import { DockerSandbox, openRunDir, type RunDir } from '../../main/engine/sandbox/docker-sandbox.js';
import { encodeInvoke, encodeStart, type InitMessage } from '../../main/engine/sandbox/channel.js';
import { readTmpFile, type TmpRead } from '../../main/engine/sandbox/tmp-reader.js';
import { scratchDisksUnavailable } from '../../main/engine/sandbox/scratch-disk.js';
import { hostCommand } from '../../main/engine/sandbox/host-commands.js';
import { unmountUnder } from '../../main/engine/sandbox/run-fs.js';
import { TmpTracker, type TmpListing } from '../../main/engine/telemetry/tmp-tracker.js';
import { RuntimeImages } from '../../main/engine/images/runtime-images.js';
import { findRuntime } from '../../main/engine/runtimes.js';
import { Engine } from '../../main/engine/engine.js';
import { createHandlers } from '../../main/app/handlers.js';
import { dispatch } from '../../main/app/dispatch.js';
import type { Method } from '../../main/contract/index.js';

// The function: a Runtime API loop and a handler doing what each event asks to /tmp.
const BOOTSTRAP = String.raw`
const http = require('node:http');
const fs = require('node:fs');
const agent = new http.Agent({ keepAlive: true });
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const call = (method, path, body) => new Promise((resolve, reject) => {
  const req = http.request({ host, port, method, path: '/2018-06-01/runtime' + path, agent }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString() }));
  });
  req.on('error', reject);
  req.end(body);
});
let racer;
const pattern = (n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = i % 251; return b; };
const actions = {
  noop: () => {},
  write: () => fs.writeFileSync('/tmp/seen.txt', 'seen once\n'),
  modify: () => fs.appendFileSync('/tmp/seen.txt', 'seen twice\n'),
  dirAndRemove: () => { fs.mkdirSync('/tmp/d'); fs.writeFileSync('/tmp/d/inner.txt', 'inner'); fs.unlinkSync('/tmp/seen.txt'); },
  links: (e) => {
    fs.symlinkSync(e.hostFile, '/tmp/x');
    fs.symlinkSync('/etc/shadow', '/tmp/y');
    fs.symlinkSync(e.hostDir, '/tmp/hostdir');
  },
  names: () => {
    fs.writeFileSync('/tmp/new\nline', 'newline name');
    fs.writeFileSync(Buffer.from([0x2f, 0x74, 0x6d, 0x70, 0x2f, 0x62, 0x61, 0x64, 0xff, 0xfe]), 'bytes name');
  },
  big: () => fs.writeFileSync('/tmp/big.bin', pattern(10 * 1024 * 1024)),
  many: () => { fs.mkdirSync('/tmp/many'); for (let i = 0; i < 2100; i++) fs.writeFileSync('/tmp/many/f' + i, ''); },
  unmany: () => fs.rmSync('/tmp/many', { recursive: true }),
  // /tmp/r flips between a directory of the env's own and a link to a host directory, in a loop.
  race: (e) => {
    fs.mkdirSync('/tmp/r');
    fs.writeFileSync('/tmp/r/secret.txt', 'ENV-OWN-BYTES');
    fs.symlinkSync(e.hostDir, '/tmp/r-link');
    let isDir = true;
    racer = setInterval(() => {
      for (let i = 0; i < 21; i++) { // odd: a tick ends in the other state
        try {
          if (isDir) { fs.renameSync('/tmp/r', '/tmp/r-real'); fs.renameSync('/tmp/r-link', '/tmp/r'); }
          else { fs.renameSync('/tmp/r', '/tmp/r-link'); fs.renameSync('/tmp/r-real', '/tmp/r'); }
          isDir = !isDir;
        } catch {}
      }
    }, 1);
  },
  stopRace: () => clearInterval(racer),
};
(async () => {
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const id = next.headers['lambda-runtime-aws-request-id'];
    const event = JSON.parse(next.body);
    let result;
    try { actions[event.action](event); result = { ok: event.action }; } catch (err) { result = { error: String(err) }; }
    await call('POST', '/invocation/' + id + '/response', JSON.stringify(result));
  }
})();
`;

const runtime = findRuntime('nodejs20.x')!;
const dataDir = mkdtempSync(join(tmpdir(), 'lwb-tmpview-'));
// A host file and folder outside any env, with bytes no answer may ever hold.
const hostDir = mkdtempSync(join(tmpdir(), 'lwb-tmpview-host-'));
const SECRET = `HOST-SECRET-${randomBytes(12).toString('hex')}`;
const hostFile = join(hostDir, 'secret.txt');
writeFileSync(hostFile, SECRET);
writeFileSync(join(hostDir, 'HOST-ONLY-NAME.txt'), SECRET);

type TmpMessage = Extract<InitMessage, { type: 'tmp' }>;

/** One env: its sandbox, the function started in it, every TMP listing through a tracker. */
class Env {
  readonly tracker: TmpTracker;
  /** Everything any answer carried, to prove the host's bytes are in none of it. */
  readonly answers: string[] = [];
  private constructor(readonly sb: DockerSandbox) {
    this.tracker = new TmpTracker(sb.id, 512 * 1024 * 1024);
  }

  static async start(run: RunDir, image: string, scratchDisks: boolean): Promise<Env> {
    const sb = await DockerSandbox.create(
      { docker, workbenchId: 'tmpviewtest00000', runDir: run.dir, isolatedMounts: run.isolated, diskDir: run.diskDir, scratchDisks },
      { runtimeId: runtime.id, image, memoryMb: 512, ephemeralMb: 512 },
    );
    const env = new Env(sb);
    writeFileSync(join(sb.taskDir, 'bootstrap.js'), BOOTSTRAP);
    const ready = env.next((m) => m.type === 'initDone' || m.type === 'exit' || m.type === 'fatal');
    sb.channel.send(encodeStart({ cwd: '/var/task', argv: ['/var/lang/bin/node', '/var/task/bootstrap.js'], env: { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', PATH: '/var/lang/bin:/usr/bin:/bin' } }));
    const first = await ready;
    if (first.type !== 'initDone') throw new Error(`the function did not start: ${JSON.stringify(first)}`);
    return env;
  }

  private next(pred: (m: InitMessage) => boolean): Promise<InitMessage> {
    return new Promise((resolve) => {
      const on = (m: InitMessage) => {
        if (!pred(m)) return;
        this.sb.channel.off('message', on);
        resolve(m);
      };
      this.sb.channel.on('message', on);
    });
  }

  /** Invokes the function; resolves at its MEMORY frame with the response and the TMP listing, if one came. */
  async invoke(event: Record<string, unknown>): Promise<{ response: unknown; tmp?: TmpMessage; change?: ReturnType<TmpTracker['onListing']> }> {
    const id = randomUUID();
    let tmp: TmpMessage | undefined;
    let response: unknown;
    let order = '';
    const collect = (m: InitMessage) => {
      if (m.type === 'tmp' && m.requestId === id) (tmp = m), (order += 'T');
      if (m.type === 'response' && m.requestId === id) (response = JSON.parse(m.body.toString())), (order += 'R');
      if (m.type === 'memory' && m.requestId === id) order += 'M';
    };
    this.sb.channel.on('message', collect);
    const done = this.next((m) => m.type === 'memory' && m.requestId === id);
    const headers = `Lambda-Runtime-Aws-Request-Id: ${id}\r\nLambda-Runtime-Deadline-Ms: ${Date.now() + 60_000}\r\nContent-Type: application/json\r\n`;
    this.sb.channel.send(encodeInvoke(id, headers, Buffer.from(JSON.stringify(event))));
    await done;
    this.sb.channel.off('message', collect);
    // TMP goes before MEMORY (the host takes MEMORY as the end of the invocation's reporting).
    expect(order).toBe(tmp ? 'RTM' : 'RM');
    expect(response).toEqual({ ok: event.action });
    const change = tmp ? this.tracker.onListing(tmp as TmpListing, Date.now()) : undefined;
    this.answers.push(JSON.stringify(tmp ?? null), JSON.stringify(this.tracker.view()), JSON.stringify(this.tracker.changes()));
    return { response, tmp, change };
  }

  /** Reads through tmp-reader, keeping whatever came back (bytes or error) for the leak check. */
  async read(path: string, opts: { offset?: number; maxBytes?: number } = {}): Promise<TmpRead | { code: string; message: string }> {
    try {
      const r = await readTmpFile(this.sb.tmpDisk, path, opts);
      this.answers.push(r.bytes.toString('latin1'));
      return r;
    } catch (err) {
      const e = err as { code: string; message: string; hint?: string };
      this.answers.push(e.message, e.hint ?? '');
      return { code: e.code, message: e.message };
    }
  }

  /** No answer so far holds the host's secret. */
  assertNoLeak(): void {
    for (const a of this.answers) expect(a.includes(SECRET)).toBe(false);
  }
}

const path = (e: { path: string }) => e.path;
const codeOf = (r: TmpRead | { code: string }): string => ('code' in r ? r.code : 'read');
const pattern = (n: number, from = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) % 251));

const disksMissing = scratchDisksUnavailable();
let run: RunDir;
let image: string;
const envs: Env[] = [];

beforeAll(async () => {
  image = await new RuntimeImages(docker, join(dataDir, 'cache')).ensure(runtime);
  run = openRunDir(dataDir);
}, 300_000);
afterAll(async () => {
  await Promise.all(envs.map((e) => e.sb.destroy()));
  unmountUnder(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(hostDir, { recursive: true, force: true });
});

describe.skipIf(disksMissing !== undefined)(`an env's /tmp from the host${disksMissing ? ` (skipped: ${disksMissing})` : ''}`, () => {
  let env: Env;
  beforeAll(async () => {
    env = await Env.start(run, image, true);
    envs.push(env);
  }, 120_000);

  it('lists /tmp after each invocation that changed it: seen.txt added, modified; a dir added and the file removed', async () => {
    const first = await env.invoke({ action: 'write' });
    expect(first.tmp!.entries.map(path)).toEqual(['seen.txt']);
    expect(first.tmp!.entries[0]).toMatchObject({ type: 'file', size: 10 });
    expect(first.tmp!.sizeBytes).toBeGreaterThan(0.9 * 512 * 1024 * 1024);
    expect(first.tmp!.usedBytes).toBeGreaterThan(0);
    expect(first.change).toMatchObject({ requestId: first.tmp!.requestId, added: [{ path: 'seen.txt', size: 10 }], modified: [], removed: [] });

    const second = await env.invoke({ action: 'modify' });
    expect(second.change).toMatchObject({ added: [], modified: [{ path: 'seen.txt', size: 21 }], removed: [] });

    const third = await env.invoke({ action: 'dirAndRemove' });
    expect(third.change!.added.map(path).sort()).toEqual(['d', 'd/inner.txt']);
    expect(third.change!.removed).toEqual(['seen.txt']);
    expect(env.tracker.changes().map((c) => c.requestId)).toEqual([first, second, third].map((i) => i.tmp!.requestId));

    // Unchanged /tmp: no frame at all. (Flushed first: ext4's delayed allocation may still move
    // the used-bytes figure once, which is a change of the listing's header.)
    await hostCommand('sync', ['-f', `/proc/${env.sb.tmpDisk!.pid}/root/tmp`]);
    await env.invoke({ action: 'noop' });
    const quiet = await env.invoke({ action: 'noop' });
    expect(quiet.tmp).toBeUndefined();
    const view = env.tracker.view();
    expect(view.entries.map(path).sort()).toEqual(['d', 'd/inner.txt']);
    expect(view.truncated).toBe(false);
  }, 60_000);

  it('reads a file from the env disk image: the bytes the function wrote, bounded by offset and maxBytes', async () => {
    expect(await env.read('d/inner.txt')).toEqual({ size: 5, bytes: Buffer.from('inner'), truncated: false });
    await env.invoke({ action: 'big' });
    const head = (await env.read('big.bin')) as TmpRead;
    expect(head.size).toBe(10 * 1024 * 1024);
    expect(head.truncated).toBe(true);
    expect(head.bytes.equals(pattern(64 * 1024))).toBe(true);
    const tail = (await env.read('big.bin', { offset: 10 * 1024 * 1024 - 100, maxBytes: 1000 })) as TmpRead;
    expect(tail).toMatchObject({ size: 10 * 1024 * 1024, truncated: false });
    expect(tail.bytes.equals(pattern(100, 10 * 1024 * 1024 - 100))).toBe(true);
    const whole = (await env.read('big.bin', { maxBytes: 16 * 1024 * 1024 })) as TmpRead;
    expect(whole.truncated).toBe(false);
    expect(whole.bytes.equals(pattern(10 * 1024 * 1024))).toBe(true);
    expect(codeOf(await env.read('big.bin', { maxBytes: 16 * 1024 * 1024 + 1 }))).toBe('TmpInvalidPath');
    expect(codeOf(await env.read('nothing-here'))).toBe('TmpNotFound');
    expect(codeOf(await env.read('d'))).toBe('TmpNotAFile');
    expect(codeOf(await env.read('../etc/passwd'))).toBe('TmpInvalidPath');
  }, 60_000);

  it('story 5: links show as links with their targets as text; reading them is refused and the host file never comes back', async () => {
    const { tmp } = await env.invoke({ action: 'links', hostFile, hostDir });
    const byPath = new Map(tmp!.entries.map((e) => [e.path, e]));
    expect(byPath.get('x')).toMatchObject({ type: 'link', target: hostFile });
    expect(byPath.get('y')).toMatchObject({ type: 'link', target: '/etc/shadow' });
    expect(byPath.get('hostdir')).toMatchObject({ type: 'link', target: hostDir });
    expect([...byPath.keys()].some((p) => p.startsWith('hostdir/'))).toBe(false);
    for (const p of ['x', 'y', 'hostdir', 'hostdir/secret.txt', 'hostdir/HOST-ONLY-NAME.txt']) {
      expect(codeOf(await env.read(p)), p).toBe('TmpNotAFile');
    }
    env.assertNoLeak();
  }, 60_000);

  it('story 5, raced: the function swaps a directory for a link to a host folder in a loop while it is listed and read', async () => {
    await env.invoke({ action: 'race', hostDir });
    const seen = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const r = await env.read('r/secret.txt');
      const got = codeOf(r) === 'read' ? (r as TmpRead).bytes.toString() : codeOf(r);
      seen.set(got, (seen.get(got) ?? 0) + 1);
      expect(['ENV-OWN-BYTES', 'TmpNotAFile', 'TmpNotFound', 'TmpReadFailed']).toContain(got);
      expect(['TmpNotAFile', 'TmpNotFound', 'TmpReadFailed']).toContain(codeOf(await env.read('r/HOST-ONLY-NAME.txt')));
      // Invocations meanwhile: their listings show r as a directory or a link, never what a link leads to.
      if (i % 8 === 0) {
        const { tmp } = await env.invoke({ action: 'noop' });
        for (const e of tmp?.entries ?? []) expect(e.path.includes('HOST-ONLY-NAME')).toBe(false);
      }
    }
    await env.invoke({ action: 'stopRace' });
    console.log(`raced reads of r/secret.txt: ${JSON.stringify(Object.fromEntries(seen))}`);
    env.assertNoLeak();
  }, 120_000);

  it('names with a newline and with bytes that are not UTF-8 are listed and read', async () => {
    const { tmp } = await env.invoke({ action: 'names' });
    const names = tmp!.entries.map(path);
    expect(names).toContain('new\nline');
    expect(names).toContain('bad\uFFFD\uFFFD');
    expect(await env.read('new\nline')).toMatchObject({ bytes: Buffer.from('newline name') });
    expect(await env.read('bad\uFFFD\uFFFD')).toMatchObject({ bytes: Buffer.from('bytes name') });
  }, 60_000);

  it('a /tmp of more than 2,000 entries is listed truncated, and nothing past the cut is reported removed', async () => {
    const { tmp } = await env.invoke({ action: 'many' });
    expect(tmp!.truncated).toBe(true);
    expect(tmp!.entries).toHaveLength(2000);
    expect(env.tracker.view().truncated).toBe(true);
    const { change } = await env.invoke({ action: 'unmany' });
    // Back under the limit: a complete listing, in which all of many/ is gone at once.
    expect(change!.removed).toContain('many');
    expect(env.tracker.view().truncated).toBe(false);
  }, 60_000);

  it('reads a frozen env without thawing it', async () => {
    const id = env.sb.containerId!;
    await env.sb.freeze();
    try {
      expect(await freezerState(id)).toBe('FROZEN');
      expect(await env.read('new\nline')).toMatchObject({ bytes: Buffer.from('newline name') });
      expect(codeOf(await env.read('y'))).toBe('TmpNotAFile');
      expect(await freezerState(id)).toBe('FROZEN');
    } finally {
      await env.sb.thaw();
    }
    env.assertNoLeak();
  }, 60_000);
});

describe('an env with a tmpfs /tmp', () => {
  it('is still listed, but its files are not read from the host (TmpUnavailable, saying why)', async () => {
    const env = await Env.start(run, image, false);
    envs.push(env);
    expect(env.sb.tmpDisk).toBeUndefined();
    const { tmp } = await env.invoke({ action: 'links', hostFile, hostDir });
    expect(tmp!.entries.find((e) => e.path === 'x')).toMatchObject({ type: 'link', target: hostFile });
    const refused = await env.read('x');
    expect(refused).toMatchObject({ code: 'TmpUnavailable', message: expect.stringContaining('tmpfs') });
    env.assertNoLeak();
  }, 120_000);
});

describe.skipIf(disksMissing !== undefined)('through the window\'s methods (envs.tmp, envs.tmpChanges, envs.tmpRead)', () => {
  const engineDir = mkdtempSync(join(tmpdir(), 'lwb-tmpview-engine-'));
  let engine: Engine;
  /** Every answer, as JSON, for the leak check. */
  const answers: string[] = [];
  const call = async (method: Method, params: unknown): Promise<{ ok: true; value: any } | { ok: false; error: { code: string; message: string } }> => {
    const r = await dispatch(createHandlers(engine, { apiEndpoint: () => 'http://127.0.0.1:9', functionUrlEndpoint: () => 'http://127.0.0.1:10', authMode: () => 'default' as const }), method, params);
    answers.push(JSON.stringify(r));
    return r as never;
  };
  const value = async (method: Method, params: unknown) => {
    const r = await call(method, params);
    if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
    return r.value;
  };
  afterAll(async () => {
    await engine?.close();
    rmSync(engineDir, { recursive: true, force: true });
  });

  it('story 1 and 5: per-invocation changes, links shown as links, the host file never read, a frozen env read and left frozen', async () => {
    engine = await Engine.open({ dataDir: engineDir, freezeAfterMs: 100 });
    await value('functions.create', { name: 'tmpfn', template: 'nodejs-esm' });
    const HANDLER = `
import fs from 'node:fs';
export const handler = async (event) => {
  const a = event.action;
  if (a === 'write') fs.writeFileSync('/tmp/seen.txt', 'seen once\\n');
  if (a === 'modify') fs.appendFileSync('/tmp/seen.txt', 'seen twice\\n');
  if (a === 'dirAndRemove') { fs.mkdirSync('/tmp/d'); fs.writeFileSync('/tmp/d/inner.txt', 'inner'); fs.unlinkSync('/tmp/seen.txt'); }
  if (a === 'links') { fs.symlinkSync(event.hostFile, '/tmp/x'); fs.symlinkSync('/etc/shadow', '/tmp/y'); }
  return a;
};`;
    await value('code.save', { name: 'tmpfn', ops: [{ op: 'write', path: 'index.mjs', content: HANDLER }] });
    const ids: string[] = [];
    let envId = '';
    for (const action of ['write', 'modify', 'dirAndRemove', 'links']) {
      const r = await value('invoke.run', { name: 'tmpfn', payload: JSON.stringify({ action, hostFile }) });
      ids.push(r.requestId);
      envId = r.envId;
    }
    const changes = (await value('envs.tmpChanges', { envId })) as { requestId: string; added: { path: string }[]; modified: { path: string }[]; removed: string[] }[];
    expect(changes.map((c) => c.requestId)).toEqual(ids);
    expect(changes[0]!.added.map(path)).toEqual(['seen.txt']);
    expect(changes[1]!.modified.map(path)).toEqual(['seen.txt']);
    expect(changes[2]!.added.map(path).sort()).toEqual(['d', 'd/inner.txt']);
    expect(changes[2]!.removed).toEqual(['seen.txt']);
    expect(changes[3]!.added.map(path).sort()).toEqual(['x', 'y']);

    // Frozen once idle; read without a thaw.
    const env = engine.invoker.environments().find((e) => e.id === envId)!;
    await waitFor('the env to freeze', async () => env.state === 'frozen');
    const container = env.sandbox.containerId!;
    expect(await freezerState(container)).toBe('FROZEN');
    const view = await value('envs.tmp', { envId });
    const by = new Map((view.entries as { path: string; type: string; target?: string }[]).map((e) => [e.path, e]));
    expect(by.get('x')).toMatchObject({ type: 'link', target: hostFile });
    expect(by.get('y')).toMatchObject({ type: 'link', target: '/etc/shadow' });
    expect(view).toMatchObject({ available: true, requestId: ids[3], truncated: false });
    const inner = await value('envs.tmpRead', { envId, path: 'd/inner.txt' });
    expect(Buffer.from(inner.base64, 'base64').toString()).toBe('inner');
    for (const p of ['x', 'y']) {
      const refused = await call('envs.tmpRead', { envId, path: p });
      expect(refused.ok ? 'read' : refused.error.code).toBe('TmpNotAFile');
    }
    expect(await freezerState(container)).toBe('FROZEN');
    expect(env.state).toBe('frozen');
    for (const a of answers) expect(a.includes(SECRET)).toBe(false);
  }, 180_000);
});
