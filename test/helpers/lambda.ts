// Test-side helpers over the real AWS SDK: create a function from source files
// and invoke it, decoding what Lambda returns.
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { makeZip, type ZipFileSpec } from './zip.js';

export const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';

export interface FunctionSpec {
  name: string;
  runtime?: string;
  handler?: string;
  files: Record<string, string | Buffer | ZipFileSpec>;
  memory?: number;
  timeout?: number;
  env?: Record<string, string>;
}

export async function createFunction(client: LambdaClient, spec: FunctionSpec) {
  return client.send(
    new CreateFunctionCommand({
      FunctionName: spec.name,
      Runtime: (spec.runtime ?? 'nodejs20.x') as never,
      Role: ROLE,
      Handler: spec.handler ?? 'index.handler',
      Code: { ZipFile: await makeZip(spec.files) },
      MemorySize: spec.memory,
      Timeout: spec.timeout,
      Environment: spec.env ? { Variables: spec.env } : undefined,
    }),
  );
}

export interface Invoked {
  status?: number;
  functionError?: string;
  payload: string;
  json: any;
  log: string;
  version?: string;
}

export async function invoke(client: LambdaClient, name: string, event: unknown = {}, tail = true): Promise<Invoked> {
  const out = await client.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify(event)),
      LogType: tail ? 'Tail' : 'None',
    }),
  );
  const payload = Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    json = undefined;
  }
  return {
    status: out.StatusCode,
    functionError: out.FunctionError,
    payload,
    json,
    log: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : '',
    version: out.ExecutedVersion,
  };
}

/** The REPORT line of a tail log, parsed into its fields. */
export function report(log: string): Record<string, string> {
  const line = log.split('\n').find((l) => l.startsWith('REPORT '));
  if (!line) throw new Error(`no REPORT line in:\n${log}`);
  const fields: Record<string, string> = {};
  for (const part of line.split('\t')) {
    const i = part.indexOf(': ');
    if (i > 0) fields[part.slice(0, i).replace(/^REPORT /, '')] = part.slice(i + 2);
  }
  return fields;
}
