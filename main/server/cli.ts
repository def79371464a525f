// `lwb`: the workbench's command line. `serve` runs the engine headless with
// the Lambda API on 127.0.0.1; more commands join as the engine grows.
import { existsSync, readFileSync } from 'node:fs';
import { findTemplate, listTemplates, renderEvent } from '../engine/events/catalog.js';
import { SavedEvents } from '../engine/control/saved-events.js';
import { LambdaError } from '../engine/errors.js';
import { join, resolve } from 'node:path';
import { openDatabase } from '../engine/store/database.js';
import { AuditTrail } from '../engine/telemetry/audit.js';
import { compose } from '../app/compose.js';
import { parseFlags, UsageError } from './args.js';
import { OUTBOUND_FLAGS, OUTBOUND_USAGE, outboundFromFlags } from './outbound-flags.js';
import { checkDataDir, explainListenError, usageOf } from './startup-checks.js';
import { AUTH_MODES, type AuthMode } from './auth/guard.js';
import { loadOrCreateCredentials, writeAwsProfile } from './auth/credentials.js';
import { RENDERER_DIR } from './ui/static-files.js';

const isAuthMode = (m: string): m is AuthMode => (AUTH_MODES as readonly string[]).includes(m);

const USAGE = `usage: lwb <command> [flags]

commands:
  serve   run the workbench headless: the Lambda API and the window (in a browser) on 127.0.0.1;
          it prints the window's address with a token that is new at every start
          --port <p>            port (default 9000; 0 picks a free one)
          --function-url-port <p> port of function URLs, apart from the API's origin (default: a free one)
          --data-dir <dir>      where functions, code and state live (default ./.lwb)
          --keepalive-ms <ms>   idle time before an environment is reclaimed (default 300000)
          --freeze-after-ms <ms> idle time before an environment is frozen (default 100)
          --force-cold          every invoke starts a new environment
          --ready-sandboxes <n> started sandboxes kept ready per shape (default 1)
          --account-concurrency <n> the account's concurrency limit (default 1000)
          --async-retry-base-ms <ms> delay before an async retry (default 60000; the second waits twice that)
          --async-concurrency <n> most async deliveries at once (default 10; fewer while the cores are saturated)
          --region <r>          region in ARNs and the environment (default us-east-1)
          --auth <mode>         who may call the API (default: default)
          --telemetry-days <n>  how long invocations, log lines and envs are kept (default 7)
          --telemetry-max-mb <n> how much of them is kept on disk (default 512; the oldest go first)
          --no-telemetry        record no telemetry (the panels stay empty; for measuring what it costs)
                                default: a SigV4-signed request (any AWS client, any keys) and no foreign Origin
                                strict:  the signature must be made with the workbench's own keys (lwb credentials)
                                off:     no checks, for benchmarking only
${OUTBOUND_USAGE}  configure     write an AWS CLI profile for the workbench (for machines without AWS credentials or region)
          --profile <name>      the profile's name (default workbench)
          --region <r>          its region (default us-east-1)
          --data-dir <dir>      the workbench's data directory (default ./.lwb)
  credentials   the workbench's own access keys (made on first start), for --auth strict
          --data-dir <dir>      the workbench's data directory (default ./.lwb)
          --write-profile <name> also write them as AWS CLI profile <name> (~/.aws/credentials and
                                ~/.aws/config, or AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE)
          --region <r>          the profile's region (default us-east-1)
  audit verify  check the audit trail's hash chain: prints "intact", or the first broken entry
          --data-dir <dir>      the workbench's data directory (default ./.lwb)
  events list   every sample event: "<source> <type>  <description>", one a line
  events generate <source> <type> [--<param> <value> ...] [--records N]
                print a sample event as JSON, its fields derived from the parameters
  events export [--function f] [--data-dir <dir>]   saved test events as a JSON document
  events import <file> [--data-dir <dir>]           saved test events from such a document
`;

async function serve(argv: string[]): Promise<void> {
  const { flags } = parseFlags(argv, {
    port: 'number',
    'function-url-port': 'number',
    'data-dir': 'string',
    'keepalive-ms': 'number',
    'freeze-after-ms': 'number',
    'force-cold': 'boolean',
    'ready-sandboxes': 'number',
    'account-concurrency': 'number',
    'async-retry-base-ms': 'number',
    'async-concurrency': 'number',
    region: 'string',
    auth: 'string',
    'telemetry-days': 'number',
    'telemetry-max-mb': 'number',
    'no-telemetry': 'boolean',
    ...OUTBOUND_FLAGS,
  });
  const authMode = (flags.auth as string | undefined) ?? 'default';
  if (!isAuthMode(authMode)) throw new UsageError(`--auth must be one of ${AUTH_MODES.join(', ')}, got ${JSON.stringify(authMode)}`);
  // Whole numbers within range, or a usage error naming the flag (not a silently odd workbench).
  const limits: Record<string, [number, number]> = {
    port: [0, 65_535],
    'function-url-port': [0, 65_535],
    'keepalive-ms': [1, 86_400_000],
    'freeze-after-ms': [0, 86_400_000],
    'ready-sandboxes': [0, 100],
    'account-concurrency': [1, 100_000],
    'async-retry-base-ms': [0, 3_600_000],
    'async-concurrency': [1, 1_000],
    'telemetry-days': [1, 3650],
    'telemetry-max-mb': [16, 1_048_576],
  };
  for (const [name, [min, max]] of Object.entries(limits)) {
    const v = flags[name];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > max)) {
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${String(v)}`);
    }
  }
  const say = (m: string) => process.stderr.write(`${m}\n`);
  const dataDir = resolve((flags['data-dir'] as string | undefined) ?? '.lwb');
  checkDataDir(dataDir);
  if (authMode === 'off') {
    say('\n!!! WARNING: --auth off: ANY web page you visit and any local process can create, change and invoke functions');
    say('!!! and read their code through this workbench. Use it only to measure what the checks cost, never for work.\n');
  } else {
    say(authMode === 'strict'
      ? `[serve] auth strict: only requests signed with the workbench's keys are served (lwb credentials --data-dir ${dataDir})`
      : '[serve] auth default: SigV4-signed requests (any keys) from loopback names; pages of other origins are refused');
  }
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    say(`[serve] the window is not built (${RENDERER_DIR} has no index.html): npx vite build --config renderer/vite.config.ts (npm start does it)`);
  }
  const wanted = (flags.port as number | undefined) ?? 9000;
  const wb = await compose({
    dataDir,
    port: wanted,
    functionUrlPort: flags['function-url-port'] as number | undefined,
    auth: authMode,
    progress: say,
    browserUi: true,
    engine: {
      keepAliveMs: flags['keepalive-ms'] as number | undefined,
      freezeAfterMs: flags['freeze-after-ms'] as number | undefined,
      forceCold: flags['force-cold'] as boolean | undefined,
      readySandboxes: flags['ready-sandboxes'] as number | undefined,
      accountConcurrency: flags['account-concurrency'] as number | undefined,
      asyncRetryBaseMs: flags['async-retry-base-ms'] as number | undefined,
      asyncConcurrency: flags['async-concurrency'] as number | undefined,
      region: flags.region as string | undefined,
      outbound: outboundFromFlags(flags),
      telemetryRetention: {
        ...(flags['telemetry-days'] !== undefined ? { maxAgeMs: (flags['telemetry-days'] as number) * 86_400_000 } : {}),
        ...(flags['telemetry-max-mb'] !== undefined ? { maxBytes: (flags['telemetry-max-mb'] as number) * 1024 * 1024 } : {}),
      },
      recordTelemetry: flags['no-telemetry'] !== true,
    },
  }).catch((err) => {
    throw explainListenError(err, { api: wanted, functionUrls: flags['function-url-port'] as number | undefined });
  });
  // One write: whoever waits for the first line finds the others with it.
  process.stdout.write(`Lambda API listening on ${wb.apiUrl}\nFunction URLs on ${wb.functionUrlBase}\nWorkbench UI: ${wb.uiAddress}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`[serve] ${signal}: stopping, removing execution environments`);
    const force = setTimeout(() => process.exit(1), 20_000);
    await wb.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Started by `npm start` with an IPC channel: when that process dies, however, stop with it.
  if (process.send) process.on('disconnect', () => void stop('launcher gone'));
}

/**
 * `lwb configure`: one step for a machine without AWS credentials or region (the AWS CLI and SDKs
 * refuse to run without both): writes an AWS CLI profile with the workbench's keys (any keys work
 * in the default auth mode; these also work in strict mode) and says how to use it.
 */
function configureCommand(argv: string[]): void {
  const { flags, positional } = parseFlags(argv, { 'data-dir': 'string', profile: 'string', region: 'string' });
  if (positional.length > 0) throw new UsageError('usage: lwb configure [--profile <name>] [--region <r>] [--data-dir <dir>]');
  const dataDir = resolve((flags['data-dir'] as string | undefined) ?? '.lwb');
  checkDataDir(dataDir);
  const profile = (flags.profile as string | undefined) ?? 'workbench';
  const region = (flags.region as string | undefined) ?? 'us-east-1';
  const paths = writeAwsProfile(profile, loadOrCreateCredentials(dataDir), region);
  process.stdout.write(
    `wrote AWS CLI profile "${profile}" (region ${region}) to ${paths.credentials} and ${paths.config}\n` +
      `use it with:  export AWS_PROFILE=${profile}   (or --profile ${profile})\n` +
      `then:         aws lambda list-functions --endpoint-url http://127.0.0.1:9000\n`,
  );
}

const CREDENTIALS_USAGE = 'usage: lwb credentials [--data-dir <dir>] [--write-profile <name>] [--region <r>]';

/** `lwb credentials`: prints the workbench's access keys; with --write-profile, writes them as an AWS CLI profile. */
function credentialsCommand(argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${CREDENTIALS_USAGE}\n\nThe workbench's own access keys, made on its first start and kept in <data-dir>/credentials.json (mode 0600).\n` +
      'With `lwb serve --auth strict` only requests signed with them are accepted.\n' +
      '  --write-profile <name>  write them as AWS CLI profile <name>: keys in ~/.aws/credentials, region in ~/.aws/config\n' +
      '                          (AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE are honoured)\n' +
      '  --region <r>            the profile\'s region (default us-east-1)\n');
    return;
  }
  const { flags, positional } = parseFlags(argv, { 'data-dir': 'string', 'write-profile': 'string', region: 'string' });
  if (positional.length > 0) throw new UsageError(CREDENTIALS_USAGE);
  const creds = loadOrCreateCredentials(dataDirOf(flags));
  process.stdout.write(`AWS_ACCESS_KEY_ID=${creds.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${creds.secretAccessKey}\n`);
  const profile = flags['write-profile'] as string | undefined;
  if (profile !== undefined) {
    const paths = writeAwsProfile(profile, creds, (flags.region as string | undefined) ?? 'us-east-1');
    process.stderr.write(`wrote profile ${profile} to ${paths.credentials} and ${paths.config}\n`);
  }
}

/** `lwb audit verify`: walks the hash chain of the audit trail; exit 1 when it is broken. */
function audit(argv: string[]): void {
  const { flags, positional } = parseFlags(argv, { 'data-dir': 'string' });
  if (positional[0] !== 'verify') throw new UsageError('usage: lwb audit verify [--data-dir <dir>]');
  const db = openDatabase(dataDirOf(flags));
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

/**
 * `lwb events list | generate <source> <type> [--<param> <value> …] [--records N]
 *  | export [--function f] | import <file>` (the last two take --data-dir).
 */
async function events(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list':
      for (const t of listTemplates()) process.stdout.write(`${t.source} ${t.type}  ${t.description}\n`);
      return;
    case 'generate': {
      const [source, type, ...flags] = rest;
      if (!source || !type) throw new UsageError('usage: lwb events generate <source> <type> [--<param> <value> ...] [--records N]');
      const given: Record<string, string> = {};
      let records: number | undefined;
      for (let i = 0; i < flags.length; i++) {
        const flag = flags[i]!;
        if (!flag.startsWith('--')) throw new UsageError(`unexpected ${JSON.stringify(flag)}: parameters are given as --<name> <value>`);
        const eq = flag.indexOf('=');
        const name = flag.slice(2, eq < 0 ? undefined : eq);
        const value = eq < 0 ? flags[++i] : flag.slice(eq + 1);
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        if (name === 'records') records = Number(value);
        else given[name] = value;
      }
      process.stdout.write(`${JSON.stringify(renderEvent(source, type, given, records), null, 2)}\n`);
      return;
    }
    case 'export':
    case 'import': {
      const { flags, positional } = parseFlags(rest, { 'data-dir': 'string', function: 'string' });
      const db = openDatabase(dataDirOf(flags));
      try {
        const saved = new SavedEvents(db);
        if (sub === 'export') {
          process.stdout.write(`${JSON.stringify(saved.export(flags.function as string | undefined), null, 2)}\n`);
        } else {
          if (!positional[0]) throw new UsageError('usage: lwb events import <file> [--data-dir <dir>]');
          const n = saved.import(JSON.parse(readFileSync(positional[0], 'utf8')));
          process.stderr.write(`imported ${n} saved event(s)\n`);
        }
      } finally {
        db.close();
      }
      return;
    }
    default:
      throw new UsageError('usage: lwb events list | generate <source> <type> ... | export | import <file>');
  }
}

function dataDirOf(flags: Record<string, unknown>): string {
  const dataDir = resolve((flags['data-dir'] as string | undefined) ?? '.lwb');
  if (!existsSync(join(dataDir, 'workbench.db'))) throw new UsageError(`no workbench data in ${dataDir} (give --data-dir)`);
  return dataDir;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  // Every command answers --help (before its flags are parsed: `--help` is not a value).
  if (command && command !== 'help' && command !== '--help' && (rest.includes('--help') || rest.includes('-h'))) {
    // `events generate <source> <type> --help`: that template's parameters.
    const [sub, source, type] = rest;
    if (command === 'events' && sub === 'generate' && source && type && !source.startsWith('-') && !type.startsWith('-')) {
      const t = findTemplate(source, type);
      const lines = t.params.map((p) => `  --${p.name} <${p.choices ? p.choices.join('|') : p.type}>  ${p.description} (default ${JSON.stringify(p.default)})`);
      process.stdout.write(`usage: lwb events generate ${source} ${type} [--<param> <value> ...]${t.batch ? ' [--records N]' : ''}\n\n${t.description}\n\n${lines.join('\n') || '  (no parameters)'}\n`);
      return;
    }
    process.stdout.write(usageOf(USAGE, command));
    return;
  }
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'audit':
      return audit(rest);
    case 'credentials':
      return credentialsCommand(rest);
    case 'configure':
      return configureCommand(rest);
    case 'events':
      return events(rest);
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
  if (err instanceof LambdaError) {
    process.stderr.write(`lwb: ${err.code}: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`lwb: ${(err as Error).message}\n`);
  process.exit(1);
});
