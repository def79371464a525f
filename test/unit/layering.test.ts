// The architecture's layering, enforced: the engine is plain Node and never
// imports electron; the renderer never imports Node built-ins.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/server.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|mts|js|mjs|html)$/.test(name)) out.push(p);
  }
  return out;
}

const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('layering', () => {
  it('main/engine never imports electron', () => {
    const offenders = sources(join(REPO, 'main/engine')).filter((f) => imports(f).some((i) => i === 'electron' || i.startsWith('electron/')));
    expect(offenders).toEqual([]);
  });

  it('main/engine and main/server never import the Electron shell', () => {
    const offenders = [...sources(join(REPO, 'main/engine')), ...sources(join(REPO, 'main/server'))].filter((f) =>
      imports(f).some((i) => i.includes('/electron/')),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer never imports Node built-ins', () => {
    const offenders = sources(join(REPO, 'renderer')).filter((f) => imports(f).some((i) => i.startsWith('node:') || ['fs', 'path', 'child_process', 'net', 'os'].includes(i)));
    expect(offenders).toEqual([]);
  });
});
