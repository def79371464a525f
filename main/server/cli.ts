// `lwb`: the workbench's command line. `serve` runs the engine headless with
// the Lambda API on 127.0.0.1; more commands join as the engine grows.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../engine/store/database.js';
import { AuditTrail } from '../engine/telemetry/audit.js';
import { Engine } from '../engine/engine.js';
import { LambdaApi } from './lambda-api.js';
import { parseFlags, UsageError } from './args.js';
import { servePlaceholderUi } from './ui.js';
import { workbenchRoutes } from './workbench-api.js';

const USAGE = `usage: lwb <command> [flags]

commands:
  serve   run the workbench headless: the Lambda API (and the UI) on 127.0.0.1
          --port <p>            port (default 9000; 0 picks a free one)
          --data-dir <dir>      where functions, code and state live (default ./.lwb)
          --keepalive-ms <ms>   idle time before an environment is reclaimed (default 300000)
          --freeze-after-ms <ms> idle time before an environment is frozen (default 100)
          --force-cold          every invoke starts a new environment
          --ready-sandboxes <n> started sandboxes kept ready per shape (default 1)
          --account-concurrency <n> the account's concurrency limit (default 1000)
          --async-retry-base-ms <ms> delay before an async retry (default 60000; the second waits twice that)
          --region <r>          region in ARNs and the environment (default us-east-1)
  audit verify  check the audit trail's hash chain: prints "intact", or the first broken entry
          --data-dir <dir>      the workbench's data directory (default ./.lwb)
`;

async function serve(argv: string[]): Promise<void> {
  const { flags } = parseFlags(argv, {
    port: 'number',
    'data-dir': 'string',
    'keepalive-ms': 'number',
    'freeze-after-ms': 'number',
    'force-cold': 'boolean',
    'ready-sandboxes': 'number',
    'account-concurrency': 'number',
    'async-retry-base-ms': 'number',
    region: 'string',
  });
  const say = (m: string) => process.stderr.write(`${m}\n`);
  const engine = await Engine.open({
    dataDir: resolve((flags['data-dir'] as string | undefined) ?? '.lwb'),
    keepAliveMs: flags['keepalive-ms'] as number | undefined,
    freezeAfterMs: flags['freeze-after-ms'] as number | undefined,
    forceCold: flags['force-cold'] as boolean | undefined,
    readySandboxes: flags['ready-sandboxes'] as number | undefined,
    accountConcurrency: flags['account-concurrency'] as number | undefined,
    asyncRetryBaseMs: flags['async-retry-base-ms'] as number | undefined,
    region: flags.region as string | undefined,
    progress: say,
  });
  const workbench = workbenchRoutes(engine);
  const api = new LambdaApi({ engine, log: say, fallback: (req, res) => workbench(req, res) || servePlaceholderUi(req, res) });
  const port = await api.listen((flags.port as number | undefined) ?? 9000);
  process.stdout.write(`Lambda API listening on http://127.0.0.1:${port}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`[serve] ${signal}: stopping, removing execution environments`);
    const force = setTimeout(() => process.exit(1), 20_000);
    await api.close();
    await engine.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** `lwb audit verify`: walks the hash chain of the audit trail; exit 1 when it is broken. */
function audit(argv: string[]): void {
  const { flags, positional } = parseFlags(argv, { 'data-dir': 'string' });
  if (positional[0] !== 'verify') throw new UsageError('usage: lwb audit verify [--data-dir <dir>]');
  const dataDir = resolve((flags['data-dir'] as string | undefined) ?? '.lwb');
  if (!existsSync(join(dataDir, 'workbench.db'))) throw new UsageError(`no workbench data in ${dataDir} (give --data-dir)`);
  const db = openDatabase(dataDir);
  try {
    const verdict = new AuditTrail(db).verify();
    if (verdict.intact) {
      process.stdout.write('intact\n');
      process.stderr.write(`${verdict.count} entries, chain unbroken\n`);
    } else {
      process.stdout.write(`broken at entry ${verdict.brokenAt}: ${verdict.reason}\n`);
      process.exitCode = 1;
    }
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'audit':
      return audit(rest);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

main().catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`lwb: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  process.stderr.write(`lwb: ${(err as Error).message}\n`);
  process.exit(1);
});
