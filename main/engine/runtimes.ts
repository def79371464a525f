// The runtimes the workbench can run, and how each one is started inside an
// execution environment. The rootfs recipes live in images/; this module is
// what the control plane validates against and what the env pool launches.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type RuntimeFamily = 'nodejs' | 'python' | 'provided';

export interface RuntimeSpec {
  /** The Lambda runtime identifier, e.g. `nodejs20.x`. */
  id: string;
  family: RuntimeFamily;
  /** Node.js major version for nodejs runtimes. */
  nodeMajor?: number;
  /** Absolute path of the host's Python for python runtimes. */
  pythonPath?: string;
}

/** The command line the init starts as the runtime (the env's `bootstrap`). */
export function bootstrapArgv(spec: RuntimeSpec, codeHasBootstrapInOpt = false): string[] {
  switch (spec.family) {
    case 'nodejs':
      // The flags AWS's Node.js bootstrap passes.
      return ['/var/lang/bin/node', '--expose-gc', '--max-http-header-size', '81920', '/var/runtime/index.mjs'];
    case 'python':
      // -u: unbuffered stdout so print() output precedes the response, as in Lambda's logs.
      return [spec.pythonPath!, '-u', '/var/runtime/bootstrap.py'];
    case 'provided':
      return [codeHasBootstrapInOpt ? '/opt/bootstrap' : '/var/task/bootstrap'];
  }
}

let hostPython: { path: string; version: string } | null | undefined;

/**
 * The Python the machine has, named by its real version (`python3.11`). We use
 * the distribution's interpreter, not a user-level one (pyenv and the like),
 * because its standard library sits at fixed paths we can copy into a rootfs.
 */
export function detectHostPython(): { path: string; version: string } | null {
  if (hostPython !== undefined) return hostPython;
  hostPython = null;
  for (const candidate of ['/usr/bin/python3', '/usr/local/bin/python3']) {
    if (!existsSync(candidate)) continue;
    try {
      const out = execFileSync(
        candidate,
        ['-c', 'import sys,os;print("%d.%d" % sys.version_info[:2]);print(os.path.realpath(sys.executable))'],
        { encoding: 'utf8', timeout: 5000 },
      ).trim().split('\n');
      hostPython = { version: out[0]!, path: out[1]! };
      break;
    } catch {
      /* try the next one */
    }
  }
  return hostPython;
}

export function listRuntimes(): RuntimeSpec[] {
  const runtimes: RuntimeSpec[] = [
    { id: 'nodejs20.x', family: 'nodejs', nodeMajor: 20 },
    { id: 'nodejs22.x', family: 'nodejs', nodeMajor: 22 },
  ];
  const py = detectHostPython();
  if (py) runtimes.push({ id: `python${py.version}`, family: 'python', pythonPath: py.path });
  runtimes.push({ id: 'provided.al2023', family: 'provided' });
  return runtimes;
}

/** Runtimes AWS has retired for new functions, with what to use instead. */
export const DEPRECATED_RUNTIMES: Record<string, string> = {
  'nodejs12.x': 'nodejs22.x',
  'nodejs14.x': 'nodejs22.x',
  'nodejs16.x': 'nodejs22.x',
  'nodejs18.x': 'nodejs22.x',
  'python3.7': 'python3.13',
  'python3.8': 'python3.13',
  'go1.x': 'provided.al2023',
  'provided': 'provided.al2023',
};

export function findRuntime(id: string): RuntimeSpec | undefined {
  return listRuntimes().find((r) => r.id === id);
}
