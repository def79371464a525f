// LoggingConfig, TracingConfig, DeadLetterConfig and KMSKeyArn through the SDK:
// kept and shown as AWS shows them, checked as AWS checks them, and, for
// LoggingConfig and TracingConfig, seen by the function (JSON application logs
// with a level, sampled trace ids).
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
    const lines = out.log.split('\n').filter((l) => l.startsWith('{'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'WARN', message: "loud { a: 1 }", requestId: expect.any(String) });
    expect(out.log).not.toContain('quiet');

    // Back to text: the levels go, the function logs text lines again.
    const text = await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'structured', LoggingConfig: { LogFormat: 'Text' }, TracingConfig: { Mode: 'PassThrough' } }));
    expect(text.LoggingConfig).toEqual({ LogFormat: 'Text', LogGroup: '/custom/orders' });
    const again = await invoke(client, 'structured');
    expect(again.json).toMatchObject({ format: null, level: null, trace: expect.stringMatching(/;Sampled=0$/) });
    expect(again.log).toMatch(/\tINFO\tquiet/);
    expect(again.log).toMatch(/\tWARN\tloud/);
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
