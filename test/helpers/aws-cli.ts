// Runs Debian's AWS CLI v2 against a workbench, with credentials and config
// of its own so nothing on the machine leaks into a test.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { credentialsFor, TEST_CREDENTIALS, type Credentials } from './signed-fetch.js';

const run = promisify(execFile);
export const AWS_CLI = '/usr/bin/aws';
export const hasAwsCli = existsSync(AWS_CLI);

export function awsCliEnv(creds: Credentials = TEST_CREDENTIALS): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'lwb-cli-'));
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
  };
}

/** `aws <args> --endpoint-url <url>`, signed with the keys that server accepts; resolves with stdout. */
export async function awsCli(url: string, ...args: string[]): Promise<string> {
  return awsCliAs(credentialsFor(url), url, ...args);
}

/** `aws <args> --endpoint-url <url>` signed with the given keys. */
export async function awsCliAs(creds: Credentials, url: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(AWS_CLI, [...args, '--endpoint-url', url], { env: awsCliEnv(creds) });
  return stdout;
}

export async function awsCliVersion(): Promise<string> {
  return (await run(AWS_CLI, ['--version'], { env: awsCliEnv() })).stdout;
}
