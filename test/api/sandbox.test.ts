// What a function sees from inside its execution environment: Lambda's user,
// read-only code and root, a sized /tmp, no network, no capabilities, its
// own processes only, and Lambda's environment variables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { scratchDisksUnavailable } from '../../main/engine/sandbox/scratch-disk.js';
import { configure } from '../helpers/reach.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const PROBE = `
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const tryWrite = (p) => { try { fs.writeFileSync(p, 'x'); return 'written'; } catch (e) { return e.code; } };
const connect = (host, port) => new Promise((resolve) => {
  const s = net.connect({ host, port, timeout: 1000 });
  s.on('connect', () => { s.destroy(); resolve('connected'); });
  s.on('timeout', () => { s.destroy(); resolve('timeout'); });
  s.on('error', (e) => resolve(e.code));
});
exports.handler = async (event) => {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const field = (name) => status.match(new RegExp('^' + name + ':\\\\s+(.*)$', 'm'))[1];
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  const tmp = fs.statfsSync('/tmp');
  const read = (...paths) => { for (const p of paths) { try { return fs.readFileSync(p, 'utf8').trim(); } catch {} } return null; };
  const cgroup = {
    memory: read('/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/memory.max'),
    cpu: read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us', '/sys/fs/cgroup/cpu.max'),
    pids: read('/sys/fs/cgroup/pids/pids.max', '/sys/fs/cgroup/pids.max'),
  };
  return {
    uid: process.getuid(), gid: process.getgid(),
    task: tryWrite('/var/task/new.js'), etc: tryWrite('/etc/new'), tmp: tryWrite('/tmp/new'),
    tmpBytes: tmp.blocks * tmp.bsize, tmpMode: (fs.statSync('/tmp').mode & 0o7777).toString(8), tmpEntries: fs.readdirSync('/tmp').filter((n) => n !== 'new'),
    interfaces: Object.keys(os.networkInterfaces()),
    gateway: await connect('172.17.0.1', event.port),
    capEff: field('CapEff'), noNewPrivs: field('NoNewPrivs'),
    maxOpenFiles: limits.match(/Max open files\\s+(\\d+)/)[1],
    cgroup,
    processes: fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).length,
    env: {
      name: process.env.AWS_LAMBDA_FUNCTION_NAME, version: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, api: process.env.AWS_LAMBDA_RUNTIME_API,
      tz: process.env.TZ, handler: process.env._HANDLER, execEnv: process.env.AWS_EXECUTION_ENV,
      task: process.env.LAMBDA_TASK_ROOT, group: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME, trace: process.env._X_AMZN_TRACE_ID,
      initType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE, mine: process.env.MY_SETTING,
    },
  };
};`;

describe('inside an execution environment', () => {
  it("runs as Lambda's non-root user with read-only code and root, a sized /tmp, no network and no privileges", async () => {
    await createFunction(server.client(), { name: 'probe', memory: 256, files: { 'index.js': PROBE }, env: { MY_SETTING: 'on' } });
    // The sealed env (no network): functions get the internet by default (network.test.ts).
    await configure(server, 'probe', { WorkbenchNetwork: { Mode: 'none' } });
    const out = await invoke(server.client(), 'probe', { port: server.port });
    expect(out.functionError).toBeUndefined();
    const r = out.json;
    expect(r.uid).toBe(993);
    expect(r.gid).toBe(990);
    expect(r.task).toBe('EROFS');
    expect(['EROFS', 'EACCES']).toContain(r.etc);
    expect(r.tmp).toBe('written');
    // 512 MB of /tmp by default, less what the filesystem keeps for itself; empty and world-writable.
    expect(r.tmpBytes).toBeLessThanOrEqual(512 * 1024 * 1024);
    expect(r.tmpBytes).toBeGreaterThan(0.95 * 512 * 1024 * 1024);
    expect(r.tmpMode).toBe('1777');
    expect(r.tmpEntries).toEqual([]);
    expect(r.interfaces).toEqual(['lo']);
    // The host's Docker bridge (and the workbench's own API port on it) is unreachable.
    expect(r.gateway).toBe('ENETUNREACH');
    expect(r.capEff).toBe('0000000000000000');
    expect(r.noNewPrivs).toBe('1');
    expect(r.maxOpenFiles).toBe('1024');
    // 256 MB of memory, no swap; CPU in proportion (256 / 1,769 of a CPU); 1,024 processes.
    expect(r.cgroup.memory).toBe(String(256 * 1024 * 1024));
    expect(r.cgroup.cpu.split(' ')[0]).toBe(String(Math.round((256 / 1769) * 100000)));
    expect(r.cgroup.pids).toBe('1024');
    expect(r.processes).toBeLessThanOrEqual(3); // the init and the runtime: no other env's processes
    expect(r.env).toEqual({
      name: 'probe',
      version: '$LATEST',
      memory: '256',
      api: '127.0.0.1:9001',
      tz: ':UTC',
      handler: 'index.handler',
      execEnv: 'AWS_Lambda_nodejs20.x',
      task: '/var/task',
      group: '/aws/lambda/probe',
      stream: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
      trace: expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/),
      initType: 'on-demand',
      mine: 'on',
    });
  });
});

// Writes `mb` MB to a file in /tmp in 1 MB chunks; returns how far it got and the error, if any.
const FILL_TMP = `
const fs = require('node:fs');
exports.handler = async (event) => {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const fd = fs.openSync('/tmp/' + event.file, 'w');
  let written = 0, error = null;
  try { for (; written < event.mb; written++) fs.writeSync(fd, chunk); } catch (e) { error = e.code; } finally { fs.closeSync(fd); }
  const files = fs.readdirSync('/tmp').map((f) => [f, fs.statSync('/tmp/' + f).size / 1048576]);
  return { written, error, files: Object.fromEntries(files) };
};`;

const disks = scratchDisksUnavailable();
describe.skipIf(disks !== undefined)(`/tmp as Lambda's disk, not memory${disks ? ` (skipped: ${disks})` : ''}`, () => {
  it('a 128 MB function writes 300 MB to /tmp and keeps it across invokes; past the ephemeral size it gets ENOSPC', async () => {
    await createFunction(server.client(), { name: 'filler', memory: 128, timeout: 60, files: { 'index.js': FILL_TMP } });
    const first = await invoke(server.client(), 'filler', { file: 'a', mb: 300 });
    expect(first.functionError).toBeUndefined();
    expect(first.json).toEqual({ written: 300, error: null, files: { a: 300 } });
    // Same env, same disk: 300 MB are there; 512 MB in all leaves room for about 200 more.
    const second = await invoke(server.client(), 'filler', { file: 'b', mb: 400 });
    expect(second.functionError).toBeUndefined();
    expect(second.json.error).toBe('ENOSPC');
    expect(second.json.written).toBeGreaterThan(180);
    expect(second.json.written).toBeLessThan(212);
    expect(second.json.files.a).toBe(300);
  }, 90_000);
});
