// Randomised parameters for the event catalogue's verification suite: each
// template's declared samples or choices first, then values shaped by the
// parameter's name and type (regions, account ids, keys with spaces and
// non-ASCII characters, bodies, numbers).
import type { EventTemplate, ParamSpec } from '../../main/engine/events/template.js';

import { rng } from './rng.js';

export { rng };

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'sa-east-1', 'cn-north-1', 'us-gov-west-1'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'größe', 'データ', 'a b', 'x+y', 'q=1&r=2'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function randomString(p: ParamSpec, r: () => number): string {
  const n = p.name.toLowerCase();
  if (n === 'region') return pick(r, REGIONS);
  if (n === 'account' || n.endsWith('account')) return String(Math.floor(r() * 9e11) + 1e11);
  if (n.includes('bucket')) return `bucket-${Math.floor(r() * 1e6)}`;
  if (n === 'key' || n.endsWith('key')) return `${pick(r, WORDS)}/${pick(r, WORDS)} file ${Math.floor(r() * 100)}.json`;
  if (n.includes('method')) return pick(r, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
  if (n.includes('path')) return `/${pick(r, WORDS).replace(/[^a-z]/gi, '')}/${Math.floor(r() * 100)}`;
  if (n.includes('body') || n.includes('message') || n.includes('data')) return JSON.stringify({ word: pick(r, WORDS), n: Math.floor(r() * 1e6) });
  if (n.includes('email')) return `user${Math.floor(r() * 1e4)}@example.com`;
  return `${pick(r, WORDS).replace(/[^a-z]/gi, '') || 'value'}-${Math.floor(r() * 1e4)}`;
}

export function randomValue(p: ParamSpec, r: () => number): unknown {
  if (p.samples && p.samples.length) return pick(r, p.samples);
  if (p.choices && p.choices.length) return pick(r, p.choices);
  switch (p.type) {
    case 'string':
      return randomString(p, r);
    case 'number':
      return typeof p.default === 'number' ? Math.max(0, Math.round(p.default * (0.5 + r()) + r() * 10)) : Math.floor(r() * 1000);
    case 'boolean':
      return r() < 0.5;
    case 'json':
      return { word: pick(r, WORDS), n: Math.floor(r() * 1000), nested: { ok: r() < 0.5 } };
  }
}

/** One random parameter set for a template; every parameter gets a value. */
export function randomParams(t: EventTemplate, seed: number): Record<string, unknown> {
  const r = rng(seed);
  return Object.fromEntries(t.params.map((p) => [p.name, randomValue(p, r)]));
}

/** How many records a randomised batch render asks for. */
export function randomRecords(t: EventTemplate, seed: number): number {
  return t.batch ? 1 + Math.floor(rng(seed * 7919)() * 10) : 1;
}
