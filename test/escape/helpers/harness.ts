// The escape suite's harness: one real workbench per test file, hostile
// functions deployed from test/escape/functions, a healthy witness function
// whose /tmp must survive every attack, and `attack(...)`, a vitest test that
// records what it expected and observed into the escape report.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../../helpers/server.js';
import { invoke, type Invoked } from '../../helpers/lambda.js';
import { deploy, type HostileSpec } from './hostile.js';
import { type EscapeRecord, writeFileRecords } from './report.js';

export { deploy, serverRssMb, workbenchGet } from './hostile.js';

export interface EscapeBench {
  server: RunningServer;
  client: LambdaClient;
  /** The healthy witness answers and its env's /tmp still holds what it planted; the server is alive. */
  unharmed: (observe: Observe) => Promise<void>;
}

export type Observe = (what: unknown) => void;

/**
 * Starts the workbench for one test file (shared by its attacks), deploys the
 * healthy witness and plants a secret in its env's /tmp. Records go to the
 * report when the file ends.
 */
export function escapeSuite(testFile: string, serverArgs: string[] = []) {
  const records: EscapeRecord[] = [];
  const bench = {} as EscapeBench;
  let current = '';
  const secret = randomBytes(8).toString('hex');

  beforeAll(async () => {
    bench.server = await startServer({ args: serverArgs });
    bench.client = bench.server.client();
    await deploy(bench.client, { name: 'healthy-witness', source: 'healthy.py', memory: 128 });
    const planted = await invoke(bench.client, 'healthy-witness', { plant: secret });
    expect(planted.json).toMatchObject({ witness: secret });
    bench.unharmed = async (observe) => {
      expect(bench.server.proc.exitCode, 'the workbench server exited').toBeNull();
      const out = await invoke(bench.client, 'healthy-witness', {});
      const intact = out.status === 200 && !out.functionError && out.json?.witness === secret;
      observe(`afterwards: healthy function ${out.status === 200 && !out.functionError ? 'answers' : `fails (${out.status} ${out.functionError})`}, another env's /tmp ${intact ? 'intact' : `changed (${out.payload.slice(0, 80)})`}`);
      expect(out.status).toBe(200);
      expect(out.functionError).toBeUndefined();
      expect(out.json.witness).toBe(secret);
    };
  });
  afterAll(async () => {
    writeFileRecords(testFile, records);
    await bench.server?.stop();
  });

  /** One attack: a vitest test whose expectations decide pass/fail, recorded with what it observed. */
  function attack(name: string, expected: string, run: (observe: Observe) => Promise<void>, timeoutMs = 30_000) {
    const inSection = current;
    it(name, async () => {
      const started = Date.now();
      const seen: string[] = [];
      const observe: Observe = (o) => void seen.push(typeof o === 'string' ? o : JSON.stringify(o));
      let pass = false;
      let failure = '';
      try {
        await run(observe);
        pass = true;
      } catch (err) {
        failure = String((err as Error)?.message ?? err).split('\n')[0] ?? '';
        throw err;
      } finally {
        const observed = (seen.join('; ') || '(nothing observed)') + (failure ? ` [assertion: ${failure}]` : '');
        records.push({ section: inSection, attack: name, expected, observed, pass, ms: Date.now() - started });
        console.log(`[escape] ${pass ? 'PASS' : 'FAIL'} ${name}\n  expected: ${expected}\n  observed: ${observed}`);
      }
    }, timeoutMs);
  }

  /** Heads the attacks defined after it in the report. */
  const section = (title: string) => void (current = title);

  return { bench, attack, section };
}

export type EscapeSuite = ReturnType<typeof escapeSuite>;

const deployed = new WeakMap<EscapeBench, Map<string, Promise<void>>>();

/** Deploys a hostile function the first time an attack of this workbench needs it (so any attack runs alone too). */
export function deployOnce(bench: EscapeBench, spec: HostileSpec): Promise<void> {
  let mine = deployed.get(bench);
  if (!mine) deployed.set(bench, (mine = new Map()));
  let p = mine.get(spec.name);
  if (!p) mine.set(spec.name, (p = deploy(bench.client, spec, bench.server)));
  return p;
}

/**
 * Invokes, but gives up after `ms` (an attack may wedge the workbench): the
 * outcome is an Invoked, or a string saying how the call itself failed.
 */
export async function invokeWithin(bench: EscapeBench, name: string, event: unknown, ms: number): Promise<Invoked | string> {
  const started = Date.now();
  const timer = new Promise<string>((r) => setTimeout(() => r(`no answer within ${ms / 1000} s`), ms).unref());
  const call = invoke(bench.client, name, event).catch((e: Error) => `the call failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${e.name}: ${e.message}`);
  return Promise.race([call, timer]);
}

/** Invokes and fails loudly (with the payload) when the hostile function itself broke rather than reporting. */
export async function run(bench: EscapeBench, name: string, event: unknown = {}): Promise<any> {
  const out: Invoked = await invoke(bench.client, name, event);
  if (out.status !== 200 || out.functionError) throw new Error(`${name} failed: ${out.status} ${out.functionError} ${out.payload.slice(0, 500)}\n${out.log.slice(-1000)}`);
  return out.json;
}
