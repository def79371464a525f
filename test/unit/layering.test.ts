// The architecture's layering, enforced (VS Code's layersChecker in small):
// the engine is plain Node and never imports electron or the layers above it;
// the renderer never imports Node (built-ins or main's code) except the
// contract, and the contract imports nothing that would drag Node into it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/server.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|mts|js|mjs|html)$/.test(name)) out.push(p);
  }
  return out;
}

/**
 * Every module specifier a file names: static and dynamic imports, re-exports, side-effect
 * imports and require (TypeScript's own scanner, so an import inside a string is not one),
 * and an HTML page's <script src>.
 */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.html')) return [...text.matchAll(/<script[^>]*\ssrc=["']([^"']+)["']/g)].map((m) => m[1]!);
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0]!);
const rel = (f: string) => relative(REPO, f);

/** Where a relative specifier points (the file itself may be .ts for a .js specifier; the folder is what counts). */
const target = (file: string, spec: string) => resolve(dirname(file), spec);
const under = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);

describe('layering', () => {
  it('main/engine never imports electron', () => {
    const offenders = sources(join(REPO, 'main/engine')).filter((f) => imports(f).some((i) => i === 'electron' || i.startsWith('electron/')));
    expect(offenders.map(rel)).toEqual([]);
  });

  it('main/engine never imports the layers above it (server, app, electron)', () => {
    const above = ['server', 'app', 'electron'].map((d) => join(REPO, 'main', d));
    const offenders = sources(join(REPO, 'main/engine')).flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith('.') && above.some((d) => under(target(f, i), d)))
        .map((i) => `${rel(f)} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('main/engine, main/server and main/app never import the Electron shell or electron', () => {
    const files = ['engine', 'server', 'app'].flatMap((d) => sources(join(REPO, 'main', d)));
    const shell = join(REPO, 'main/electron');
    const offenders = files.flatMap((f) =>
      imports(f)
        .filter((i) => i === 'electron' || (i.startsWith('.') && under(target(f, i), shell)))
        .map((i) => `${rel(f)} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer never imports Node built-ins, nor main/ other than main/contract', () => {
    // renderer/vite.config.ts is the build's config and runs in Node: not part of the window.
    const files = [...sources(join(REPO, 'renderer/src')), join(REPO, 'renderer/index.html')];
    expect(files.length).toBeGreaterThan(5);
    const main = join(REPO, 'main');
    const contract = join(REPO, 'main/contract');
    const offenders = files.flatMap((f) =>
      imports(f)
        .filter((i) => isNodeBuiltin(i) || (i.startsWith('.') && under(target(f, i), main) && !under(target(f, i), contract)))
        .map((i) => `${rel(f)} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('main/contract imports only zod and itself, so the renderer cannot reach Node through it', () => {
    const contract = join(REPO, 'main/contract');
    const offenders = sources(contract).flatMap((f) =>
      imports(f)
        .filter((i) => !(i === 'zod' || (i.startsWith('.') && under(target(f, i), contract))))
        .map((i) => `${rel(f)} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the checks see what they claim to: a Node import and a main/ import are found in a sample', () => {
    const specs = imports(join(REPO, 'test/unit/layering.test.ts'));
    expect(specs.filter(isNodeBuiltin)).toEqual(['node:fs', 'node:module', 'node:path']);
    expect(imports(join(REPO, 'renderer/index.html'))).toEqual(['./src/main.tsx']);
    expect(isNodeBuiltin('fs/promises')).toBe(true);
    expect(isNodeBuiltin('react')).toBe(false);
    expect(under(target(join(REPO, 'renderer/src/x.ts'), '../../main/engine/engine.js'), join(REPO, 'main'))).toBe(true);
    expect(under(target(join(REPO, 'renderer/src/x.ts'), '../../main/contract/index.js'), join(REPO, 'main/contract'))).toBe(true);
  });
});
