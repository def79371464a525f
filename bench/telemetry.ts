// What telemetry costs the warm path (issue 11: "at most 0.05 ms p50, with and
// without a subscribed UI"), as a section of `npm run bench`
// (`BENCH_ONLY=telemetry npm run bench` runs it alone). Three real workbenches,
// each with its own data dir, serve the same warm function:
//   A  `--no-telemetry` (the baseline: nothing recorded, persisted or published),
//   B  telemetry on, nobody subscribed (recorded, persisted, batched on the bus),
//   C  telemetry on, with a subscribed UI: a real WebSocket client that traded the
//      printed token for the session cookie, connected to /_ui/ws with this
//      server's Origin and Host, subscribed to `telemetry` and reads every frame.
// They are sampled in blocks, the order rotating every round (ABC, BCA, CAB…),
// so the machine's drift falls on all three alike, while each server's own
// deferred work (bus delivery every 16 ms, the store's write timer) still lands
// in its own block: invoke-by-invoke interleaving would spread B's and C's
// background cost over A's samples and hide it. A short pause between blocks
// lets the last block's deferred work finish before the next one starts.
//
// Beside the latencies, each server's CPU time per invoke (all its threads,
// read from /proc around each block and its pause): on a busy machine the p50
// differences swing by tenths of a millisecond from run to run, the CPU cost
// far less, and it says what the telemetry costs wherever it lands.
//
// The subscriber runs in a child process (this file, forked), as a browser
// would: its JSON parsing must not sit on the event loop that times the invokes.
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { LeanClient, invokeRequest } from './http-client.js';
import { startServer, removeDir, type RunningServer } from '../test/helpers/server.js';
import { createFunction } from '../test/helpers/lambda.js';
import { WS_PATH } from '../main/contract/wire.js';

export type Emit = (figure: string, values: Record<string, unknown>) => void;

/** Samples per configuration. */
const N = Number(process.env.BENCH_TELEMETRY_N ?? 4000);
/** Invokes per block (one configuration's turn in a round). */
const BLOCK = Number(process.env.BENCH_TELEMETRY_BLOCK ?? 500);
const WARMUP = 300;
/** Between blocks: the previous server's batched work (bus 16 ms, store timer) finishes on its own time. */
const BLOCK_PAUSE_MS = 100;
const BOUND_P50_MS = 0.05;
const MEMORY_MB = 1769;
const FN = 'bench-hello';
const SUBSCRIBER_FLAG = '--telemetry-subscriber';

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
const hr = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
const percentile = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
const median = (a: number[]) => percentile(sorted(a), 50);

interface Config {
  key: 'off' | 'on' | 'on_subscribed';
  args: string[];
  subscribed: boolean;
}

const CONFIGS: Config[] = [
  { key: 'off', args: ['--no-telemetry'], subscribed: false },
  { key: 'on', args: [], subscribed: false },
  { key: 'on_subscribed', args: [], subscribed: true },
];

/** What the subscribed UI received: proof that C's telemetry really travelled. */
export interface SubscriberCounts {
  messages: number;
  bytes: number;
  frames: number;
  byType: Record<string, number>;
  invocations: number;
  logLines: number;
  gaps: number;
  closed?: { code: number; reason: string };
}

export async function telemetryWarmCost(emit: Emit): Promise<void> {
  const loadStart = loadavg();
  const t0 = hr();
  const servers: RunningServer[] = [];
  let subscriber: UiSubscriber | undefined;
  try {
    servers.push(...(await Promise.all(CONFIGS.map((c) => startServer({ args: c.args })))));
    // Subscribed before anything happens on C, as a window opened at start would be.
    subscriber = await UiSubscriber.start(uiAddress(servers[2]!));
    await Promise.all(
      servers.map((s) =>
        createFunction(s.client(), {
          name: FN,
          memory: MEMORY_MB,
          files: { 'index.js': 'exports.handler = async (e) => { if (e.holdMs) await new Promise((r) => setTimeout(r, e.holdMs)); return { ok: true }; };' },
        }),
      ),
    );
    const runs = await Promise.all(
      CONFIGS.map(async (config, i) => ({
        config,
        client: await LeanClient.open(servers[i]!.port),
        req: await invokeRequest(FN, '{"n":1}', 'RequestResponse', servers[i]!.credentials),
        pid: servers[i]!.proc.pid!,
        samples: [] as number[],
        roundP50: [] as number[],
        cpuNs: 0,
        sent: 0,
      })),
    );
    const once = async (r: (typeof runs)[number]) => {
      const t = hr();
      const { status, body } = await r.client.request(r.req);
      const ms = hr() - t;
      r.sent++;
      if (status !== 200) throw new Error(`BENCH_TELEMETRY_INVOKE_FAILED: ${r.config.key} answered ${status} ${body.toString().slice(0, 300)}`);
      return ms;
    };
    // The first invoke takes the ready sandbox and another is made in the background: let that settle (as warmLatency does).
    for (const r of runs) await once(r);
    await sleep(2000);
    for (let i = 0; i < WARMUP; i++) for (const r of runs) await once(r);
    await sleep(BLOCK_PAUSE_MS * 2);
    const early = await subscriber.report();
    if (early.frames === 0) throw new Error(`BENCH_TELEMETRY_NO_FRAMES: the subscribed UI got no telemetry frame after ${WARMUP + 1} invokes (${JSON.stringify(early)}); check that serve mode publishes the bus on /_ui/ws.`);

    const rounds = Math.ceil(N / BLOCK);
    for (let k = 0; k < rounds; k++) {
      const size = Math.min(BLOCK, N - k * BLOCK);
      for (let j = 0; j < runs.length; j++) {
        const r = runs[(k + j) % runs.length]!;
        const block: number[] = [];
        const cpu0 = serverCpuNs(r.pid);
        for (let i = 0; i < size; i++) block.push(await once(r));
        await sleep(BLOCK_PAUSE_MS);
        // After the pause: the block's batched work (bus, store) is counted with it.
        r.cpuNs += serverCpuNs(r.pid) - cpu0;
        r.samples.push(...block);
        r.roundP50.push(median(block));
      }
    }
    for (const r of runs) r.client.close();
    await sleep(300); // the last batches reach the subscriber
    const counts = await subscriber.report();
    const loadEnd = loadavg();

    const byKey = Object.fromEntries(runs.map((r) => [r.config.key, r])) as Record<Config['key'], (typeof runs)[number]>;
    const p50 = (k: Config['key']) => percentile(sorted(byKey[k].samples), 50);
    const p99 = (k: Config['key']) => percentile(sorted(byKey[k].samples), 99);
    const costOn = p50('on') - p50('off');
    const costSub = p50('on_subscribed') - p50('off');
    // Paired per round (the blocks of one round ran within a few seconds of each other): the median of the differences.
    const pairedCost = (k: Config['key']) => median(byKey[k].roundP50.map((v, i) => v - byKey.off.roundP50[i]!));
    // The server's CPU time per invoke (all its threads): far less sensitive to a busy machine than latency.
    const cpuUs = (k: Config['key']) => byKey[k].cpuNs / N / 1000;
    const cpuCount = cpus().length;
    const busy = Math.max(loadStart[0]!, loadEnd[0]!) > cpuCount;
    const sentToC = byKey.on_subscribed.sent;
    emit('telemetry_warm_cost', {
      runtime: 'nodejs20.x',
      memory_mb: MEMORY_MB,
      off_p50_ms: round(p50('off')),
      off_p99_ms: round(p99('off')),
      on_p50_ms: round(p50('on')),
      on_p99_ms: round(p99('on')),
      on_subscribed_p50_ms: round(p50('on_subscribed')),
      on_subscribed_p99_ms: round(p99('on_subscribed')),
      cost_on_p50_ms: round(costOn),
      cost_on_subscribed_p50_ms: round(costSub),
      cost_on_p50_ms_paired_by_round: round(pairedCost('on')),
      cost_on_subscribed_p50_ms_paired_by_round: round(pairedCost('on_subscribed')),
      server_cpu_us_per_invoke: { off: round(cpuUs('off'), 1), on: round(cpuUs('on'), 1), on_subscribed: round(cpuUs('on_subscribed'), 1) },
      cost_server_cpu_us_per_invoke: { on: round(cpuUs('on') - cpuUs('off'), 1), on_subscribed: round(cpuUs('on_subscribed') - cpuUs('off'), 1) },
      bound_p50_ms: BOUND_P50_MS,
      within_bound: costOn <= BOUND_P50_MS && costSub <= BOUND_P50_MS,
      n: N,
      block: BLOCK,
      rounds,
      subscriber: {
        invokes_sent: sentToC,
        messages: counts.messages,
        bytes: counts.bytes,
        frames: counts.frames,
        invocation_records: counts.invocations,
        log_lines: counts.logLines,
        gaps: counts.gaps,
        by_type: counts.byType,
        ...(counts.closed ? { closed: counts.closed } : {}),
      },
      load_avg_start: loadStart.map((v) => round(v, 2)),
      load_avg_end: loadEnd.map((v) => round(v, 2)),
      cpus: cpuCount,
      machine_busy: busy,
      ...(busy ? { note: `the machine was busy (1-minute load average ${round(Math.max(loadStart[0]!, loadEnd[0]!), 1)} on ${cpuCount} CPUs): the differences carry that noise` } : {}),
      seconds: round((hr() - t0) / 1000, 1),
    });
    if (counts.frames === 0 || counts.invocations === 0) {
      throw new Error(`BENCH_TELEMETRY_NO_FRAMES: the subscribed UI received ${counts.frames} frames and ${counts.invocations} invocation records for ${sentToC} invokes; the "with a subscribed UI" figure measured nothing.`);
    }
  } finally {
    await subscriber?.stop();
    await Promise.all(servers.map(async (s) => {
      await s.stop();
      removeDir(s.dataDir);
    }));
  }
}

/**
 * CPU time of a process, all threads, in ns (the scheduler's own accounting, /proc/<pid>/task/<tid>/schedstat);
 * /proc/<pid>/stat's clock ticks (10 ms) where schedstat is missing.
 */
function serverCpuNs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        /* the thread ended meanwhile */
      }
    }
    return ns;
  } catch {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 1e7; // utime + stime, USER_HZ 100
  }
}

/** The window's address the server printed (`Workbench UI: http://127.0.0.1:<p>/?token=<t>`). */
function uiAddress(server: RunningServer): string {
  const m = server.output().match(/Workbench UI: (http:\/\/\S+\?token=\S+)/);
  if (!m) throw new Error(`BENCH_TELEMETRY_NO_UI_ADDRESS: the server printed no "Workbench UI:" address:\n${server.output().slice(0, 2000)}`);
  return m[1]!;
}

/** The subscribed UI, in a process of its own (this file, forked). */
class UiSubscriber {
  private constructor(private readonly child: ChildProcess) {}

  static async start(address: string): Promise<UiSubscriber> {
    const child = fork(fileURLToPath(import.meta.url), [SUBSCRIBER_FLAG, address], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('BENCH_TELEMETRY_SUBSCRIBER_TIMEOUT: the UI subscriber did not connect within 30 s.')), 30_000);
      child.once('message', (m: { ready?: boolean; error?: string }) => {
        clearTimeout(timer);
        if (m.ready) ok();
        else fail(new Error(`BENCH_TELEMETRY_SUBSCRIBER_FAILED: ${m.error}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`BENCH_TELEMETRY_SUBSCRIBER_FAILED: the UI subscriber exited (${code}) before it subscribed.`));
      });
    });
    return new UiSubscriber(child);
  }

  report(): Promise<SubscriberCounts> {
    return new Promise((ok, fail) => {
      const onExit = (code: number | null) => fail(new Error(`BENCH_TELEMETRY_SUBSCRIBER_FAILED: the UI subscriber exited (${code}).`));
      this.child.once('exit', onExit);
      this.child.once('message', (m: { counts: SubscriberCounts }) => {
        this.child.off('exit', onExit);
        ok(m.counts);
      });
      this.child.send('report');
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send('stop');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

// ---- the subscriber process -------------------------------------------------------------------

/** `/?token=…` → 303 with the session cookie, as a browser's first visit. */
function exchangeToken(address: URL): Promise<string> {
  return new Promise((ok, fail) => {
    const req = request({ host: address.hostname, port: address.port, path: `${address.pathname}${address.search}`, method: 'GET' }, (res) => {
      res.resume();
      const cookie = res.headers['set-cookie']?.[0]?.split(';')[0];
      if (res.statusCode !== 303 || !cookie) return fail(new Error(`the token exchange answered ${res.statusCode} without a session cookie`));
      ok(cookie);
    });
    req.on('error', fail);
    req.end();
  });
}

async function subscriberMain(address: string): Promise<void> {
  const url = new URL(address);
  const counts: SubscriberCounts = { messages: 0, bytes: 0, frames: 0, byType: {}, invocations: 0, logLines: 0, gaps: 0 };
  const cookie = await exchangeToken(url);
  // Host is 127.0.0.1:<port> (ws sets it from the URL); Origin is this server's page, as the window's.
  const ws = new WebSocket(`ws://${url.host}${WS_PATH}`, { headers: { cookie }, origin: `http://${url.host}`, perMessageDeflate: false });
  ws.on('message', (data: Buffer) => {
    counts.messages++;
    counts.bytes += data.length;
    const m = JSON.parse(data.toString()) as { t: string; frames?: { stream: string; data: { type: string; lines?: unknown[] } }[]; frame?: { stream: string; data: { type: string; lines?: unknown[] } } };
    const frames = m.t === 'evs' ? (m.frames ?? []) : m.t === 'ev' && m.frame ? [m.frame] : [];
    for (const f of frames) {
      if (f.stream !== 'telemetry') continue;
      counts.frames++;
      const type = f.data.type;
      counts.byType[type] = (counts.byType[type] ?? 0) + 1;
      if (type === 'logs') counts.logLines += f.data.lines?.length ?? 0;
      else if (type === 'invocation') counts.invocations++;
      else if (type === 'gap') counts.gaps++;
    }
  });
  ws.on('close', (code, reason) => (counts.closed = { code, reason: reason.toString() }));
  await new Promise<void>((ok, fail) => {
    ws.once('open', ok);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`the WebSocket handshake was refused: ${res.statusCode} ${res.headers['x-lwb-code'] ?? ''}`)));
    ws.once('error', fail);
  });
  ws.send(JSON.stringify({ t: 'sub', stream: 'telemetry' }));
  process.on('message', (m) => {
    if (m === 'report') process.send!({ counts });
    if (m === 'stop') {
      ws.close(1000);
      setTimeout(() => process.exit(0), 200).unref();
      ws.once('close', () => process.exit(0));
    }
  });
  // The bench went away (crashed, killed): so does its subscriber.
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}

if (process.argv[2] === SUBSCRIBER_FLAG && resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  subscriberMain(process.argv[3]!).catch((err: Error) => {
    process.send?.({ error: err.message });
    process.exit(1);
  });
}
