// Host commands (losetup, mount, ss, ldd…) run by a small helper process, not
// by the workbench's own thread.
//
// Node's spawn blocks the calling thread until the child has exec'd: libuv
// forks, and forking the workbench (hundreds of MB: its page tables, then
// copy-on-write faults on its heap) took a median 38 ms and up to 210 ms on a
// busy machine, during which the server answered nothing. Spawning from a
// worker thread still forks the whole process: on a loaded 2-core machine, 60
// spawns from a 300 MB process stalled the main loop up to 3.6 s when made on
// it, 210–330 ms from a worker thread, and 80–150 ms (its scheduling noise
// alone: 35–85 ms) from a ~40 MB helper process, which also got through them
// twice as fast. So a long-lived helper (this Node binary running HELPER
// below) spawns the commands; the workbench only writes a line to a pipe.
//
// The helper is started on first use and gets commands once it says it is
// ready; one that dies fails only what it was running, and the next command
// starts another. It holds the workbench's event loop open only while
// commands are pending: an idle workbench exits as if it were not there. It
// exits, killing what it still runs, when its stdin closes, so a workbench
// killed with SIGKILL does not leave it (or a hung command) behind. Where it
// cannot start at all (an Electron whose RunAsNode fuse is off), commands run
// in this process as before, with a warning.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface HostCommandOptions {
  cwd?: string;
  /** Killed (SIGKILL) after this long. Default 60 s. */
  timeoutMs?: number;
  /** Largest stdout or stderr kept; more fails the command. Default 1 MiB. */
  maxBuffer?: number;
  /** Written to the command's stdin (otherwise it reads nothing). */
  input?: string;
}

export interface HostCommandResult {
  stdout: string;
  stderr: string;
}

export type HostCommandErrorCode = 'HOST_COMMAND_FAILED' | 'HOST_COMMAND_TIMEOUT' | 'HOST_COMMAND_UNAVAILABLE';

/** A host command that failed, timed out or could not run; the message names it and says what it said. */
export class HostCommandError extends Error {
  constructor(
    readonly code: HostCommandErrorCode,
    readonly command: string,
    message: string,
    readonly exitCode: number | null = null,
    readonly stdout = '',
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'HostCommandError';
  }
}

/** Commands running at once: enough to overlap slow ones (mkfs), few enough not to crowd the cores. */
const MAX_RUNNING = 8;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_BUFFER = 1024 * 1024;

interface Request {
  id: number;
  file: string;
  args: string[];
  cwd?: string;
  timeoutMs: number;
  maxBuffer: number;
  input?: string;
}

interface Reply {
  id: number;
  /** Exit code; null when killed by a signal or when it never ran. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Why it did not run or was cut short (ENOENT, timeout, maxBuffer), from Node's error. */
  error?: { code?: string; message: string };
  timedOut?: boolean;
}

/**
 * Runs one request and calls `done` with its reply; the running child, to kill when the helper
 * goes. Self-contained (execFile is passed in): the helper gets it as source text, and the
 * in-process fallback calls it as it is.
 */
function execute(execFile: typeof import('node:child_process').execFile, q: Request, done: (r: Reply) => void): ChildProcess | undefined {
  try {
    const child = execFile(q.file, q.args, { cwd: q.cwd, timeout: q.timeoutMs, killSignal: 'SIGKILL', maxBuffer: q.maxBuffer, encoding: 'utf8' }, (err, stdout, stderr) => {
      const r: Reply = { id: q.id, code: 0, signal: null, stdout, stderr };
      if (err) {
        const code = (err as { code?: unknown }).code;
        r.code = typeof code === 'number' ? code : null;
        r.signal = err.signal || null;
        // A string code: it did not run (ENOENT, EACCES) or its output passed maxBuffer.
        if (typeof code === 'string') r.error = { code, message: err.message };
        else r.timedOut = err.killed === true && err.signal === 'SIGKILL';
      }
      done(r);
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(q.input);
    return child;
  } catch (err) {
    done({ id: q.id, code: null, signal: null, stdout: '', stderr: '', error: { code: (err as { code?: string }).code, message: (err as Error).message } });
    return undefined;
  }
}

/**
 * What the helper runs (CommonJS, nothing of ours but `execute`: it must start in a plain Node,
 * or Electron as Node). It says it is ready, then takes one JSON request per line and answers
 * one reply per line.
 */
const HELPER = `
const { execFile } = require('node:child_process');
const { createInterface } = require('node:readline');
const restore = JSON.parse(process.argv[1] || '{}');
for (const [k, v] of Object.entries(restore)) { if (v === null) delete process.env[k]; else process.env[k] = v; }
const execute = ${execute.toString()};
const running = new Set();
const reply = (r) => process.stdout.write(JSON.stringify(r) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  let q;
  try { q = JSON.parse(line); } catch { return; }
  const child = execute(execFile, q, (r) => { running.delete(child); reply(r); });
  if (child) running.add(child);
});
// The workbench is gone (or closing): so are the commands it was waiting for.
process.stdin.on('end', () => {
  for (const c of running) c.kill('SIGKILL');
  process.exit(0);
});
reply({ ready: true });
`;

interface Pending {
  request: Request;
  resolve: (r: HostCommandResult) => void;
  reject: (err: HostCommandError) => void;
  /** Our own guard, should the helper never answer. */
  timer?: NodeJS.Timeout;
}

const describe = (file: string, args: string[]): string => [file, ...args].join(' ');

/** How long a new helper may take to say it is ready (a Node start on a very busy machine). */
const HELPER_START_MS = 30_000;

class HostCommands {
  private helper: { proc: ChildProcess; ready: boolean } | undefined;
  /** The helper could not start here (e.g. an Electron that will not run as Node): commands run in this process. */
  private direct = false;
  private readonly queued: Pending[] = [];
  private readonly running = new Map<number, Pending>();
  private nextId = 1;

  run(file: string, args: string[], options: HostCommandOptions = {}): Promise<HostCommandResult> {
    const request: Request = {
      id: this.nextId++,
      file,
      args,
      cwd: options.cwd,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBuffer: options.maxBuffer ?? DEFAULT_MAX_BUFFER,
      input: options.input,
    };
    return new Promise((resolve, reject) => {
      this.queued.push({ request, resolve, reject });
      this.pump();
    });
  }

  /** Stops the helper; pending commands fail. */
  async close(): Promise<void> {
    const helper = this.helper?.proc;
    this.helper = undefined;
    this.fail([...this.running.values(), ...this.queued.splice(0)], 'the workbench is closing');
    this.running.clear();
    if (!helper || helper.exitCode !== null || helper.signalCode !== null) return;
    const exited = new Promise<void>((r) => helper.once('exit', () => r()));
    helper.stdin?.end();
    const timer = setTimeout(() => helper.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }

  private pump(): void {
    const helper = this.direct ? undefined : this.ensureHelper();
    if (this.direct || helper?.ready) {
      while (this.running.size < MAX_RUNNING && this.queued.length > 0) {
        const p = this.queued.shift()!;
        this.running.set(p.request.id, p);
        if (this.direct) {
          execute(execFile, p.request, (r) => this.settle(r));
          continue;
        }
        // The helper kills the command at its timeout; this fires only if the helper itself hangs.
        p.timer = setTimeout(() => this.settle({ id: p.request.id, code: null, signal: null, stdout: '', stderr: '', timedOut: true }), p.request.timeoutMs + 10_000);
        p.timer.unref();
        helper!.proc.stdin!.write(`${JSON.stringify(p.request)}\n`);
      }
    }
    this.holdLoop(this.running.size + this.queued.length > 0);
  }

  private ensureHelper(): { proc: ChildProcess; ready: boolean } | undefined {
    if (this.helper) return this.helper;
    // Electron's binary is Node only when told so; the helper then puts the environment back for its commands.
    const restore: Record<string, string | null> = {};
    const env = { ...process.env };
    if (process.versions.electron) {
      restore.ELECTRON_RUN_AS_NODE = process.env.ELECTRON_RUN_AS_NODE ?? null;
      env.ELECTRON_RUN_AS_NODE = '1';
    }
    // NODE_OPTIONS (e.g. --import tsx) would load into the helper: its commands get it back.
    if (env.NODE_OPTIONS !== undefined) {
      restore.NODE_OPTIONS = env.NODE_OPTIONS;
      delete env.NODE_OPTIONS;
    }
    let proc: ChildProcess;
    try {
      proc = spawn(process.execPath, ['--max-old-space-size=64', '-e', HELPER, JSON.stringify(restore)], { stdio: ['pipe', 'pipe', 'inherit'], env });
    } catch (err) {
      this.fallBack(`could not be started (${(err as Error).message})`);
      return undefined;
    }
    const helper = { proc, ready: false };
    this.helper = helper;
    const startTimer = setTimeout(() => proc.kill('SIGKILL'), HELPER_START_MS);
    startTimer.unref();
    proc.stdin!.on('error', () => {}); // a dead helper is reported by 'exit'
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let r: Reply | { ready: true };
      try {
        r = JSON.parse(line) as Reply | { ready: true };
      } catch {
        return; // not a reply
      }
      if ('ready' in r) {
        clearTimeout(startTimer);
        helper.ready = true;
        this.pump();
      } else this.settle(r);
    });
    const gone = (why: string) => {
      clearTimeout(startTimer);
      if (this.helper !== helper) return;
      this.helper = undefined;
      if (!helper.ready) return this.fallBack(why); // nothing was sent to it
      // What it was running may or may not have run: its callers decide. What waited goes to a new helper.
      const lost = [...this.running.values()];
      this.running.clear();
      this.fail(lost, `the host command helper ${why}`);
      this.pump();
    };
    proc.once('error', (err) => gone(`failed: ${err.message}`));
    proc.once('exit', (code, signal) => gone(`exited (${signal ?? code})`));
    return helper;
  }

  /** Commands run in this process from now on: correct, but each spawn stalls the event loop again. */
  private fallBack(why: string): void {
    if (this.direct) return;
    this.direct = true;
    process.emitWarning(`host commands run in the workbench's own process (each one stalls it briefly): their helper process ${why} before it was ready`, { code: 'LWB_HOST_COMMANDS_IN_PROCESS' });
    this.pump();
  }

  /** Keeps the event loop alive while commands are pending, and only then. */
  private holdLoop(busy: boolean): void {
    const h = this.helper?.proc;
    if (!h) return;
    const handles = [h, h.stdin, h.stdout] as ({ ref?: () => void; unref?: () => void } | null)[];
    for (const x of handles) (busy ? x?.ref : x?.unref)?.call(x);
  }

  private settle(r: Reply): void {
    const p = this.running.get(r.id);
    if (!p) return;
    this.running.delete(r.id);
    clearTimeout(p.timer);
    const { file, args } = p.request;
    const cmd = describe(file, args);
    const said = (r.stderr || r.stdout).trim().slice(0, 2000);
    if (r.timedOut) {
      p.reject(new HostCommandError('HOST_COMMAND_TIMEOUT', file, `${cmd} did not finish within ${p.request.timeoutMs} ms and was killed`, r.code, r.stdout, r.stderr));
    } else if (r.error) {
      if (r.error.code === 'ENOENT') {
        p.reject(new HostCommandError('HOST_COMMAND_UNAVAILABLE', file, `${cmd} could not run: ${file} was not found (is it installed?)`, null, r.stdout, r.stderr));
      } else p.reject(new HostCommandError('HOST_COMMAND_FAILED', file, `${cmd} failed: ${r.error.message}`, r.code, r.stdout, r.stderr));
    } else if (r.code !== 0) {
      const how = r.signal ? `was killed by ${r.signal}` : `exited with ${r.code}`;
      p.reject(new HostCommandError('HOST_COMMAND_FAILED', file, `${cmd} ${how}${said ? `: ${said}` : ''}`, r.code, r.stdout, r.stderr));
    } else p.resolve({ stdout: r.stdout, stderr: r.stderr });
    this.pump();
  }

  private fail(pending: Pending[], why: string): void {
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new HostCommandError('HOST_COMMAND_UNAVAILABLE', p.request.file, `${describe(p.request.file, p.request.args)} did not complete: ${why}; try again`));
    }
  }
}

const commands = new HostCommands();

/**
 * Runs `file` with `args` on the host without blocking this thread; resolves with its output when
 * it exits 0, rejects with a HostCommandError naming the command otherwise.
 */
export function hostCommand(file: string, args: string[], options?: HostCommandOptions): Promise<HostCommandResult> {
  return commands.run(file, args, options);
}

/** Stops the helper process (it also goes by itself when this process exits); later commands start a new one. */
export function closeHostCommands(): Promise<void> {
  return commands.close();
}

/**
 * Where a host tool (iptables, ip, losetup, mkfs.ext4, mount…) is: the first of PATH's folders, then
 * root's sbin and bin folders (Debian keeps these in /usr/sbin, which a normal user's PATH lacks),
 * that has it; the bare name when none does (the caller's existence check then fails).
 */
export function hostTool(name: string): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return name;
}
