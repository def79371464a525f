// Environment variables as the window edits them: one KEY=VALUE per line.
// Keys follow Lambda's rule (a letter, then letters, digits, underscores);
// values may contain '=' (only the first one splits). Blank lines and lines
// starting with '#' are ignored.
export interface EnvParse {
  vars: Record<string, string>;
  /** One message per bad line, naming the line. */
  errors: string[];
}

const KEY = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const RESERVED = new Set(['_HANDLER', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);

export function parseEnv(text: string): EnvParse {
  const vars: Record<string, string> = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const n = i + 1;
    if (eq < 0) {
      errors.push(`Line ${n}: write KEY=VALUE`);
      return;
    }
    const key = line.slice(0, eq).trim();
    const value = raw.slice(raw.indexOf('=') + 1);
    if (!KEY.test(key)) errors.push(`Line ${n}: "${key}" is not a valid name (a letter, then letters, digits or _)`);
    else if (RESERVED.has(key)) errors.push(`Line ${n}: ${key} is reserved by Lambda`);
    else if (Object.hasOwn(vars, key)) errors.push(`Line ${n}: ${key} is set twice`);
    else if (value.length > 4096) errors.push(`Line ${n}: the value of ${key} is longer than 4096 characters`);
    else vars[key] = value;
  });
  return { vars, errors };
}

export function formatEnv(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}
