// The environment variables a runtime process gets, as Lambda sets them
// (spec §2). The function's own variables come first so reserved keys always win;
// `platformEnv` holds the execution role's credentials (data/credentials.ts).
import type { FunctionVersion } from './model.js';

export interface EnvIdentity {
  logGroup: string;
  logStream: string;
  initializationType: 'on-demand' | 'provisioned-concurrency';
}

export function runtimeEnvironment(fv: FunctionVersion, id: EnvIdentity, platformEnv: Record<string, string>): Record<string, string> {
  const family = fv.runtime.family;
  return {
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    ...(family === 'nodejs'
      ? { NODE_PATH: `/opt/nodejs/node${fv.runtime.nodeMajor}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task` }
      : {}),
    ...(family === 'python' ? { PYTHONPATH: '/var/runtime' } : {}),
    // Local endpoints (WorkbenchEndpoints): the function's own variables may still override them.
    ...fv.endpoints,
    ...fv.environment,
    ...platformEnv,
    _HANDLER: fv.handler,
    AWS_REGION: fv.region,
    AWS_DEFAULT_REGION: fv.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fv.runtime.id}`,
    AWS_LAMBDA_FUNCTION_NAME: fv.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: fv.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fv.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: id.initializationType,
    AWS_LAMBDA_LOG_GROUP_NAME: id.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: id.logStream,
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    // JSON logging (LoggingConfig): the managed runtimes format console/logging output from these.
    ...(fv.logFormat === 'JSON' ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: fv.applicationLogLevel ?? 'INFO' } : {}),
  };
}
