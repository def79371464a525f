// LoggingConfig, TracingConfig, DeadLetterConfig and KMSKeyArn through the SDK:
// kept and shown as AWS shows them, checked as AWS checks them, and, for
// LoggingConfig and TracingConfig, seen in the logs and by the function (JSON
// application logs with a level, platform.* records, sampled trace ids).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { ROLE, invoke } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const LOGGER = `
exports.handler = async () => {
  console.info('quiet');
  console.warn('loud', { a: 1 });
  return {
    trace: process.env._X_AMZN_TRACE_ID,
    format: process.env.AWS_LAMBDA_LOG_FORMAT ?? null,
    level: process.env.AWS_LAMBDA_LOG_LEVEL ?? null,
    group: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  };
};`;

describe('logging and tracing settings', () => {
  it('JSON logs at WARN: the function logs JSON and drops INFO; Active tracing samples; the settings read back as AWS shows them', async () => {
    const client = server.client();
    await client.send(
      new CreateFunctionCommand({
        FunctionName: 'structured',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: await makeZip({ 'index.js': LOGGER }) },
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'WARN', LogGroup: '/custom/orders' },
        TracingConfig: { Mode: 'Active' },
        DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq' },
      }),
    );
    const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'structured' }));
    expect(config).toMatchObject({
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'WARN', SystemLogLevel: 'INFO', LogGroup: '/custom/orders' },
      TracingConfig: { Mode: 'Active' },
      DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq' },
    });

    const out = await invoke(client, 'structured');
    expect(out.json).toMatchObject({ format: 'JSON', level: 'WARN', group: '/custom/orders', trace: expect.stringMatching(/;Sampled=1$/) });
    // Everything is JSON: the platform's records in CloudWatch's order around the function's one kept line.
    const records = out.log.trim().split('\n').map((l) => JSON.parse(l) as { type?: string; level?: string; message?: string; record?: Record<string, any> });
    expect(records.map((r) => r.type ?? r.level)).toEqual([
      'platform.initStart',
      'platform.initRuntimeDone',
      'platform.initReport',
      'platform.start',
      'WARN',
      'platform.runtimeDone',
      'platform.report',
    ]);
    expect(records[4]).toMatchObject({ message: 'loud { a: 1 }', requestId: records[3]!.record!.requestId });
    expect(records[6]!.record).toMatchObject({
      status: 'success',
      metrics: { billedDurationMs: expect.any(Number), memorySizeMB: 128, maxMemoryUsedMB: expect.any(Number), initDurationMs: expect.any(Number) },
    });
    expect(out.log).not.toContain('quiet');

    // SystemLogLevel WARN drops the platform's INFO records; the function's WARN line stays.
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'structured', LoggingConfig: { SystemLogLevel: 'WARN' } }));
    const quiet = await invoke(client, 'structured');
    expect(quiet.log.trim().split('\n').map((l) => (JSON.parse(l) as { level?: string }).level)).toEqual(['WARN']);

    // Back to text: the levels go, the function logs text lines again.
    const text = await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'structured', LoggingConfig: { LogFormat: 'Text' }, TracingConfig: { Mode: 'PassThrough' } }));
    expect(text.LoggingConfig).toEqual({ LogFormat: 'Text', LogGroup: '/custom/orders' });
    const again = await invoke(client, 'structured');
    expect(again.json).toMatchObject({ format: null, level: null, trace: expect.stringMatching(/;Sampled=0$/) });
    expect(again.log).toMatch(/\tINFO\tquiet/);
    expect(again.log).toMatch(/\tWARN\tloud/);
    expect(again.log).toMatch(/^INIT_START Runtime Version: [\s\S]*START RequestId: [\s\S]*END RequestId: [\s\S]*REPORT RequestId: /);
  });

  it('refuses what AWS refuses, saying what to fix', async () => {
    const client = server.client();
    const update = (input: Record<string, unknown>) => client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'structured', ...input }));
    await expect(update({ LoggingConfig: { LogFormat: 'Text', ApplicationLogLevel: 'DEBUG' } })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('set LoggingConfig.LogFormat to JSON'),
    });
    await expect(update({ LoggingConfig: { LogFormat: 'XML' } })).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('Text or JSON') });
    await expect(update({ LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'ERROR' } })).rejects.toMatchObject({ message: expect.stringContaining('DEBUG, INFO, WARN') });
    await expect(update({ TracingConfig: { Mode: 'On' } })).rejects.toMatchObject({ message: expect.stringContaining('Active or PassThrough') });
    await expect(update({ DeadLetterConfig: { TargetArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/t' } })).rejects.toMatchObject({
      message: expect.stringContaining('SQS queue or an SNS topic'),
    });
    // An empty TargetArn removes the dead-letter queue, as on AWS.
    const cleared = await update({ DeadLetterConfig: { TargetArn: '' } });
    expect(cleared.DeadLetterConfig).toBeUndefined();
  });
});
