// Every failure mode of spec §4 for Node.js and Python, with Lambda's exact
// error type, and the next invoke of the same function succeeding. Init
// failures depend on a flag in /tmp, which survives the env reset: the retry
// in the same env then initialises cleanly, as a fixed deployment would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke, report } from '../helpers/lambda.js';

let server: RunningServer;
let pythonRuntime: string;
beforeAll(async () => {
  server = await startServer();
  const { execFileSync } = await import('node:child_process');
  pythonRuntime = `python${execFileSync('/usr/bin/python3', ['-c', 'import sys;print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim()}`;
});
afterAll(async () => {
  await server?.stop();
});

const NODE_MODES = `
const fs = require('node:fs');
exports.handler = async (event) => {
  switch (event.mode) {
    case 'throw': throw new Error('boom');
    case 'hang': await new Promise(() => setInterval(() => {}, 1000)); break;
    case 'oom': { const keep = []; for (;;) keep.push(Buffer.alloc(16 * 1024 * 1024, 1)); }
    case 'exit': process.exit(3);
    case 'big': return 'x'.repeat(7 * 1024 * 1024);
  }
  fs.writeFileSync('/tmp/alive', 'yes');
  return { ok: true, tmp: fs.existsSync('/tmp/alive') };
};`;

const PYTHON_MODES = `
import os, time
def handler(event, context):
    mode = event.get('mode')
    if mode == 'throw':
        raise ValueError('boom')
    if mode == 'hang':
        time.sleep(3600)
    if mode == 'oom':
        keep = []
        while True:
            keep.append(b'x' * (16 * 1024 * 1024))
    if mode == 'exit':
        os._exit(3)
    if mode == 'big':
        return 'x' * (7 * 1024 * 1024)
    return {'ok': True}
`;

interface Case {
  mode: string;
  errorType: string;
  message?: RegExp;
}

const CASES: Case[] = [
  { mode: 'hang', errorType: 'Sandbox.Timedout', message: /Task timed out after 2\.00 seconds/ },
  { mode: 'oom', errorType: 'Runtime.OutOfMemory' },
  { mode: 'exit', errorType: 'Runtime.ExitError', message: /Runtime exited with error: exit status 3/ },
  { mode: 'big', errorType: 'Function.ResponseSizeTooLarge', message: /Response payload size exceeded maximum allowed payload size \(6291556 bytes\)/ },
];

for (const lang of ['nodejs', 'python'] as const) {
  describe(`${lang} failure modes`, () => {
    // Two copies of the function: a 2 s timeout for the hang, and room for the rest
    // (filling memory until the OOM killer acts takes a while at 0.14 vCPU).
    const name = `modes-${lang}`;
    const hangName = `hang-${lang}`;
    beforeAll(async () => {
      for (const [fn, timeout] of [[name, 20], [hangName, 2]] as const) {
        await createFunction(server.client(), {
          name: fn,
          runtime: lang === 'nodejs' ? 'nodejs20.x' : pythonRuntime,
          handler: lang === 'nodejs' ? 'index.handler' : 'app.handler',
          files: lang === 'nodejs' ? { 'index.js': NODE_MODES } : { 'app.py': PYTHON_MODES },
          memory: 256,
          timeout,
        });
      }
    });

    it('a handler error returns the runtime error body with X-Amz-Function-Error: Unhandled', async () => {
      const out = await invoke(server.client(), name, { mode: 'throw' });
      expect(out.status).toBe(200);
      expect(out.functionError).toBe('Unhandled');
      if (lang === 'nodejs') {
        expect(out.json).toMatchObject({ errorType: 'Error', errorMessage: 'boom' });
        expect(out.json.trace[0]).toBe('Error: boom');
      } else {
        expect(out.json).toMatchObject({ errorType: 'ValueError', errorMessage: 'boom' });
        expect(out.json.stackTrace.length).toBeGreaterThan(0);
      }
      expect((await invoke(server.client(), name, { mode: 'ok' })).json).toMatchObject({ ok: true });
    });

    for (const c of CASES) {
      it(`${c.mode}: ${c.errorType}, then the next invoke works`, async () => {
        const fn = c.mode === 'hang' ? hangName : name;
        const out = await invoke(server.client(), fn, { mode: c.mode });
        expect(out.functionError).toBe('Unhandled');
        expect(out.json.errorType).toBe(c.errorType);
        if (c.message) expect(out.json.errorMessage).toMatch(c.message);
        const r = report(out.log);
        if (c.mode === 'hang') {
          expect(r.Status).toBe('timeout');
          expect(out.log).toMatch(/Task timed out after 2\.00 seconds/);
        } else expect(r['Error Type']).toBe(c.errorType);
        const next = await invoke(server.client(), fn, { mode: 'ok' });
        expect(next.functionError).toBeUndefined();
        expect(next.json).toMatchObject({ ok: true });
      });
    }
  });
}

describe('init failures (Node.js)', () => {
  const flagged = (failing: string, healthy: string) => `
const fs = require('node:fs');
if (!fs.existsSync('/tmp/tried')) {
  fs.writeFileSync('/tmp/tried', '1');
  ${failing}
}
${healthy}`;
  const cases: { name: string; errorType: string; files: Record<string, string>; message: RegExp }[] = [
    {
      name: 'init-import',
      errorType: 'Runtime.ImportModuleError',
      files: { 'index.js': flagged("require('no-such-package');", 'exports.handler = async () => ({ ok: true });') },
      message: /Cannot find module 'no-such-package'/,
    },
    {
      name: 'init-handler',
      errorType: 'Runtime.HandlerNotFound',
      files: { 'index.js': "const fs = require('node:fs');\nif (fs.existsSync('/tmp/tried')) exports.handler = async () => ({ ok: true });\nfs.writeFileSync('/tmp/tried', '1');" },
      message: /index\.handler is undefined or not exported/,
    },
    {
      name: 'init-syntax',
      errorType: 'Runtime.UserCodeSyntaxError',
      files: { 'index.js': flagged("require('./broken.js');", 'exports.handler = async () => ({ ok: true });'), 'broken.js': 'module.exports = {{;' },
      message: /SyntaxError/,
    },
  ];
  for (const c of cases) {
    it(`${c.errorType}, then the next invoke initialises and works`, async () => {
      await createFunction(server.client(), { name: c.name, files: c.files });
      const out = await invoke(server.client(), c.name);
      expect(out.functionError).toBe('Unhandled');
      expect(out.json.errorType).toBe(c.errorType);
      expect(out.json.errorMessage).toMatch(c.message);
      expect(out.log).toMatch(new RegExp(`INIT_REPORT Init Duration: [\\d.]+ ms\\tPhase: init\\tStatus: error\\tError Type: ${c.errorType.replace('.', '\\.')}`));
      const next = await invoke(server.client(), c.name);
      expect(next.functionError).toBeUndefined();
      expect(next.json).toEqual({ ok: true });
    });
  }

  it('an init over 10 s is retried inside the invoke (suppressed init), within the function timeout', async () => {
    await createFunction(server.client(), {
      name: 'init-slow',
      timeout: 30,
      files: {
        'index.js': flagged('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 12000);', 'exports.handler = async () => ({ ok: true });'),
      },
    });
    const out = await invoke(server.client(), 'init-slow');
    expect(out.log).toMatch(/INIT_REPORT Init Duration: 10000\.00 ms\tPhase: init\tStatus: timeout/);
    expect(out.functionError).toBeUndefined();
    expect(out.json).toEqual({ ok: true });
  }, 60_000);
});

describe('init failures (Python)', () => {
  const flagged = (failing: string, healthy: string) => `import os
if not os.path.exists('/tmp/tried'):
    open('/tmp/tried', 'w').write('1')
    ${failing}
${healthy}
`;
  const cases: { name: string; errorType: string; files: Record<string, string>; message: RegExp }[] = [
    {
      name: 'py-import',
      errorType: 'Runtime.ImportModuleError',
      files: { 'app.py': flagged('import no_such_module', 'def handler(e, c):\n    return {"ok": True}') },
      message: /Unable to import module 'app': No module named 'no_such_module'/,
    },
    {
      name: 'py-handler',
      errorType: 'Runtime.HandlerNotFound',
      files: { 'app.py': "import os\nif os.path.exists('/tmp/tried'):\n    def handler(e, c):\n        return {'ok': True}\nopen('/tmp/tried', 'w').write('1')\n" },
      message: /Handler 'handler' missing on module 'app'/,
    },
    {
      name: 'py-syntax',
      errorType: 'Runtime.UserCodeSyntaxError',
      files: { 'app.py': flagged('import broken', 'def handler(e, c):\n    return {"ok": True}'), 'broken.py': 'def oops(:\n' },
      message: /Syntax error in module/,
    },
  ];
  for (const c of cases) {
    it(`${c.errorType}, then the next invoke initialises and works`, async () => {
      await createFunction(server.client(), { name: c.name, runtime: pythonRuntime, handler: 'app.handler', files: c.files });
      const out = await invoke(server.client(), c.name);
      expect(out.functionError).toBe('Unhandled');
      expect(out.json.errorType).toBe(c.errorType);
      expect(out.json.errorMessage).toMatch(c.message);
      const next = await invoke(server.client(), c.name);
      expect(next.functionError).toBeUndefined();
      expect(next.json).toEqual({ ok: true });
    });
  }
});
