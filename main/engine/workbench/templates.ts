// The starting points for a function the window creates: one template per
// runtime family, each small and idiomatic, showing what Lambda gives a handler
// (the event, the context) and what lives across warm invocations (a counter
// in module scope, reset by every cold start).
import type { RuntimeTemplate, RuntimeTemplateId } from '../../contract/results.js';
import { listRuntimes } from '../runtimes.js';

export interface TemplateFile {
  path: string;
  content: string;
  /** Unix permission bits (0o755 for a custom runtime's bootstrap). */
  mode: number;
}

interface TemplateSpec {
  id: RuntimeTemplateId;
  label: string;
  handler: string;
  description: string;
  family: 'nodejs' | 'python' | 'provided';
  files: TemplateFile[];
  /** Built on create and on every save (esbuild, as `sam build` does). */
  build?: 'typescript';
}

const file = (path: string, content: string, mode = 0o644): TemplateFile => ({ path, content, mode });

const NODE_ESM = `// A Node.js Lambda function (ES module). Lambda calls \`handler\` with the
// event and a context; what it returns is the response.
//
// Code outside the handler runs once per execution environment (INIT):
// \`invocations\` survives warm invocations and starts at 0 after a cold start.
let invocations = 0;

/** @type {import('aws-lambda').Handler} */
export const handler = async (event, context) => {
  invocations += 1;
  console.log('event', JSON.stringify(event));
  return {
    message: 'Hello from Lambda!',
    invocations,
    requestId: context.awsRequestId,
    remainingMs: context.getRemainingTimeInMillis(),
  };
};
`;

const NODE_CJS = `// A Node.js Lambda function (CommonJS). Lambda calls \`handler\` with the
// event and a context; what it returns is the response.
//
// Code outside the handler runs once per execution environment (INIT):
// \`invocations\` survives warm invocations and starts at 0 after a cold start.
let invocations = 0;

/** @type {import('aws-lambda').Handler} */
exports.handler = async (event, context) => {
  invocations += 1;
  console.log('event', JSON.stringify(event));
  return {
    message: 'Hello from Lambda!',
    invocations,
    requestId: context.awsRequestId,
    remainingMs: context.getRemainingTimeInMillis(),
  };
};
`;

const TYPESCRIPT = `// A TypeScript Lambda function behind an HTTP API (payload format 2.0).
// Saving builds it with esbuild into index.mjs, as \`sam build\` does; the types
// come from @types/aws-lambda.
import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';

// Runs once per execution environment (INIT): survives warm invocations.
let invocations = 0;

export const handler: APIGatewayProxyHandlerV2 = async (event, context) => {
  invocations += 1;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      message: 'Hello from Lambda!',
      path: event.rawPath ?? '/',
      invocations,
      requestId: context.awsRequestId,
    }),
  };
};
`;

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ES2022",
    "moduleResolution": "Bundler",
    "strict": true,
    "skipLibCheck": true,
    "noEmit": true,
    "types": ["aws-lambda", "node"]
  },
  "include": ["**/*.ts"]
}
`;

const PYTHON = `import json

# Runs once per execution environment (INIT): survives warm invocations
# and starts at 0 after a cold start.
invocations = 0


def lambda_handler(event, context):
    global invocations
    invocations += 1
    print("event", json.dumps(event))
    return {
        "message": "Hello from Lambda!",
        "invocations": invocations,
        "requestId": context.aws_request_id,
        "remainingMs": context.get_remaining_time_in_millis(),
    }
`;

// The custom runtime: this script IS the runtime. It speaks the Runtime API
// with curl, as AWS's own tutorial does (the workbench's provided.al2023 image
// carries bash, curl and the core tools, as AL2023 does). The handler runs in
// this shell, not a subshell, so its variables survive warm invocations.
const BOOTSTRAP = `#!/bin/bash
# A custom runtime (provided.al2023): Lambda starts this script once per
# execution environment. It loads the handler (INIT), then loops: fetch the
# next event from the Runtime API, run the handler, post its output.
set -euo pipefail

# _HANDLER is "function.handler": the file function.sh, the shell function handler.
source "$LAMBDA_TASK_ROOT/\${_HANDLER%%.*}.sh"
HANDLER="\${_HANDLER#*.}"
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
HEADERS="$(mktemp)"
RESPONSE="$(mktemp)"

while true; do
  EVENT="$(curl -sS -LD "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)"
  if "$HANDLER" "$EVENT" > "$RESPONSE"; then
    curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" --data-binary "@$RESPONSE"
  else
    STATUS=$?
    curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/error" \\
      -H "Lambda-Runtime-Function-Error-Type: Unhandled" \\
      --data-binary "{\\"errorType\\":\\"HandlerFailed\\",\\"errorMessage\\":\\"$HANDLER exited with status $STATUS\\"}"
  fi
done
`;

const FUNCTION_SH = `# The handler: the event (JSON) arrives as $1; what it prints on stdout is the
# response. Log to stderr (stdout is the response).

# Set outside the handler: survives warm invocations, 0 after a cold start.
INVOCATIONS=0

function handler () {
  INVOCATIONS=$((INVOCATIONS + 1))
  echo "event: $1" >&2
  printf '{"message":"Hello from bash!","invocations":%d,"event":%s}' "$INVOCATIONS" "$1"
}
`;

const SPECS: TemplateSpec[] = [
  { id: 'nodejs-esm', label: 'Node.js (ES module)', family: 'nodejs', handler: 'index.handler', description: 'index.mjs with an async handler', files: [file('index.mjs', NODE_ESM)] },
  { id: 'nodejs-cjs', label: 'Node.js (CommonJS)', family: 'nodejs', handler: 'index.handler', description: 'index.js with exports.handler', files: [file('index.js', NODE_CJS)] },
  {
    id: 'typescript',
    label: 'TypeScript',
    family: 'nodejs',
    handler: 'index.handler',
    description: 'index.ts for an HTTP API, built with esbuild on every save',
    files: [file('index.ts', TYPESCRIPT), file('tsconfig.json', TSCONFIG)],
    build: 'typescript',
  },
  { id: 'python', label: 'Python', family: 'python', handler: 'lambda_function.lambda_handler', description: 'lambda_function.py with lambda_handler', files: [file('lambda_function.py', PYTHON)] },
  {
    id: 'provided-bash',
    label: 'Custom runtime (bash)',
    family: 'provided',
    handler: 'function.handler',
    description: 'a bash bootstrap speaking the Runtime API, and function.sh',
    files: [file('bootstrap', BOOTSTRAP, 0o755), file('function.sh', FUNCTION_SH)],
  },
];

/** Runtimes a family can be created with, newest first (the default first). */
export function runtimesOf(family: TemplateSpec['family']): string[] {
  return listRuntimes()
    .filter((r) => r.family === family)
    .map((r) => r.id)
    .reverse();
}

export function listRuntimeTemplates(): RuntimeTemplate[] {
  return SPECS.map((s) => {
    const runtimes = runtimesOf(s.family);
    return { id: s.id, label: s.label, runtime: runtimes[0] ?? '', handler: s.handler, runtimes, description: s.description };
  });
}

export function templateSpec(id: RuntimeTemplateId): TemplateSpec {
  const spec = SPECS.find((s) => s.id === id);
  if (!spec) throw new Error(`no template ${id}`);
  return spec;
}

/** Whether a template's functions are built on save (TypeScript). */
export const isBuilt = (template: string | undefined): boolean => template === 'typescript';
