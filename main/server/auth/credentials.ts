// The workbench's own access key: made on first start, kept in the data
// directory readable by its owner only, checked by `--auth strict`, shown by
// `lwb credentials` and written as an AWS CLI profile on request.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface WorkbenchCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const CREDENTIALS_FILE = 'credentials.json';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Same shape as an AWS key pair (20-character id, 40-character secret), with an id prefix AWS never issues. */
function newCredentials(): WorkbenchCredentials {
  const id = [...randomBytes(16)].map((b) => BASE32[b & 31]).join('');
  return { accessKeyId: `LWBK${id}`, secretAccessKey: randomBytes(30).toString('base64') };
}

function valid(c: unknown): c is WorkbenchCredentials {
  const o = c as Partial<WorkbenchCredentials> | null;
  return typeof o?.accessKeyId === 'string' && /^[A-Z0-9]{16,128}$/.test(o.accessKeyId) && typeof o.secretAccessKey === 'string' && o.secretAccessKey.length >= 16;
}

/** The keys in `<dataDir>/credentials.json`, or undefined when there are none yet. */
export function readCredentials(dataDir: string): WorkbenchCredentials | undefined {
  const file = join(dataDir, CREDENTIALS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!valid(parsed)) throw new Error(`${file} does not hold the workbench's access key; remove it and start the workbench to make a new one`);
  chmodSync(file, 0o600); // a copied or older file keeps no looser mode than a secret needs
  return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
}

/** The data directory's keys, made (0600, never overwritten) when it has none. */
export function loadOrCreateCredentials(dataDir: string): WorkbenchCredentials {
  const existing = readCredentials(dataDir);
  if (existing) return existing;
  const created = newCredentials();
  const file = join(dataDir, CREDENTIALS_FILE);
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600); // exclusive: a second process starting at once reads the first one's keys
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readCredentials(dataDir)!;
    throw err;
  }
  try {
    writeSync(fd, `${JSON.stringify({ ...created, created: new Date().toISOString() }, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return created;
}

/** Where the AWS CLI and the SDKs read profiles: the variables they honour, else ~/.aws. */
export function awsConfigPaths(env: NodeJS.ProcessEnv = process.env): { credentials: string; config: string } {
  return {
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials'),
    config: env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'),
  };
}

/**
 * An INI file with `[section]` set to exactly `values`: other sections and
 * comments are kept as they were, an existing section of that name replaced.
 */
export function setIniSection(text: string, section: string, values: Record<string, string>): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let skipping = false;
  for (const line of lines) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) skipping = header[1]!.trim() === section;
    if (!skipping) out.push(line);
  }
  while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
  if (out.length > 0) out.push('');
  out.push(`[${section}]`, ...Object.entries(values).map(([k, v]) => `${k} = ${v}`));
  return `${out.join('\n')}\n`;
}

function writePrivate(file: string, text: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.lwb-${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file); // the old file stays whole if anything above fails
}

/** Writes the keys as profile `name` (keys in the credentials file, region in the config file). */
export function writeAwsProfile(name: string, creds: WorkbenchCredentials, region: string, env: NodeJS.ProcessEnv = process.env): { credentials: string; config: string } {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new Error(`profile name ${JSON.stringify(name)}: use letters, digits, '_', '.', '-'`);
  const paths = awsConfigPaths(env);
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  writePrivate(paths.credentials, setIniSection(read(paths.credentials), name, { aws_access_key_id: creds.accessKeyId, aws_secret_access_key: creds.secretAccessKey }));
  // The config file names profiles `[profile x]`, except the default one.
  writePrivate(paths.config, setIniSection(read(paths.config), name === 'default' ? 'default' : `profile ${name}`, { region }));
  return paths;
}
