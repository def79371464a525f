// The "Network & credentials" form as text fields, and the functions.updateConfig
// fields it saves. Pure (no React), so the rules are tested on their own: what an
// empty field means, which setting goes back to the workbench's default (null),
// and the checks the engine would make (ports, profile names, endpoint URLs),
// said before saving.
import type { OutboundView } from '../../../main/contract/index.js';

export type NetworkChoice = 'default' | 'internet' | 'none';
export type CredentialsChoice = 'default' | 'dummy' | 'none' | 'profile';

export interface OutboundForm {
  network: NetworkChoice;
  /** Comma- or space-separated TCP ports. */
  hostPorts: string;
  credentials: CredentialsChoice;
  profile: string;
  endpointUrl: string;
  /** One SERVICE=url per line. */
  services: string;
}

export function outboundFormOf(o: OutboundView): OutboundForm {
  const source = o.credentials.source;
  const profile = source.startsWith('profile:') ? source.slice('profile:'.length) : '';
  return {
    network: o.network.mode,
    hostPorts: o.network.hostPorts.join(', '),
    credentials: profile ? 'profile' : source === 'dummy' || source === 'none' ? source : 'default',
    profile,
    endpointUrl: o.endpoints.url ?? '',
    services: Object.entries(o.endpoints.services)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  };
}

export function sameOutbound(a: OutboundForm, b: OutboundForm): boolean {
  return (Object.keys(a) as (keyof OutboundForm)[]).every((k) => a[k].trim() === b[k].trim());
}

// ---- checks, as the engine makes them (main/engine/control/workbench-settings.ts) ----------

export function parsePorts(text: string): { ports: number[]; error?: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const ports: number[] = [];
  for (const p of parts) {
    const n = /^\d+$/.test(p) ? Number(p) : NaN;
    if (!(n >= 1 && n <= 65535)) return { ports, error: `${p} is not a TCP port (1 – 65535)` };
    if (!ports.includes(n)) ports.push(n);
  }
  if (ports.length > 32) return { ports, error: 'At most 32 ports' };
  return { ports: ports.sort((a, b) => a - b) };
}

const PROFILE = /^[A-Za-z0-9_.@+-]{1,64}$/;
const SERVICE = /^[A-Za-z][A-Za-z0-9 _-]{0,63}$/;

export function profileError(name: string): string | undefined {
  if (!name.trim()) return 'The name of an AWS profile of yours, e.g. dev';
  if (!PROFILE.test(name.trim())) return 'Letters, digits and _ . @ + - only (at most 64)';
  return undefined;
}

export function endpointError(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'A URL such as http://host.lambda.internal:4566';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'An http or https URL';
  if (u.username || u.password) return 'No user name or password: they would be kept in the configuration in clear';
  return undefined;
}

/** SERVICE=url lines → { S3: url }; blank lines and # comments are ignored. */
export function parseServices(text: string): { services: Record<string, string>; errors: string[] } {
  const services: Record<string, string> = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const n = i + 1;
    if (eq < 0) return void errors.push(`Line ${n}: write SERVICE=url`);
    const name = line.slice(0, eq).trim();
    const url = line.slice(eq + 1).trim();
    // The SDKs' suffix: S3, DynamoDB, Secrets Manager → S3, DYNAMODB, SECRETS_MANAGER.
    const key = name.toUpperCase().replace(/[ -]/g, '_');
    const bad = !SERVICE.test(name) ? `"${name}" is not a service id (e.g. S3, DYNAMODB)` : endpointError(url);
    if (bad) errors.push(`Line ${n}: ${bad}`);
    else if (Object.hasOwn(services, key)) errors.push(`Line ${n}: ${key} is set twice`);
    else services[key] = url;
  });
  return { services, errors };
}

export interface OutboundErrors {
  hostPorts?: string;
  profile?: string;
  endpointUrl?: string;
  services?: string;
}

export function outboundErrors(f: OutboundForm): OutboundErrors {
  const services = parseServices(f.services).errors;
  return {
    hostPorts: parsePorts(f.hostPorts).error,
    profile: f.credentials === 'profile' ? profileError(f.profile) : undefined,
    endpointUrl: f.endpointUrl.trim() ? endpointError(f.endpointUrl.trim()) : undefined,
    services: services.length ? services.join('\n') : undefined,
  };
}

// ---- what Save sends -----------------------------------------------------------------------

export interface OutboundParams {
  network?: { mode: 'none' | 'internet' | null; hostPorts?: number[] } | null;
  credentials?: { source: string } | null;
  endpoints?: { url?: string; services?: Record<string, string> } | null;
}

/**
 * The updateConfig fields for the settings that changed from `base` (the form as loaded), so a
 * save never rewrites what the user did not touch. null puts a setting back to the workbench's
 * default. Host ports: an empty field leaves the workbench's default (lwb serve --host-ports)
 * unless the function had ports of its own, which an empty field then removes ([]).
 */
export function outboundParams(f: OutboundForm, base: OutboundForm): OutboundParams {
  const out: OutboundParams = {};
  if (f.network !== base.network || f.hostPorts.trim() !== base.hostPorts.trim()) {
    const ports = parsePorts(f.hostPorts).ports;
    const hadPorts = parsePorts(base.hostPorts).ports.length > 0;
    if (f.network === 'default' && !ports.length) out.network = null;
    else out.network = { mode: f.network === 'default' ? null : f.network, ...(ports.length || hadPorts ? { hostPorts: ports } : {}) };
  }
  if (f.credentials !== base.credentials || (f.credentials === 'profile' && f.profile.trim() !== base.profile.trim())) {
    out.credentials = f.credentials === 'default' ? null : { source: f.credentials === 'profile' ? `profile:${f.profile.trim()}` : f.credentials };
  }
  if (f.endpointUrl.trim() !== base.endpointUrl.trim() || f.services.trim() !== base.services.trim()) {
    const url = f.endpointUrl.trim();
    const { services } = parseServices(f.services);
    out.endpoints = !url && !Object.keys(services).length ? null : { url, services };
  }
  return out;
}

/**
 * The URL removed while service endpoints stay: functions.updateConfig passes only a non-empty
 * url on (an empty one keeps the old), so the save clears the endpoints first, then sets them.
 */
export function clearsEndpointUrl(f: OutboundForm, base: OutboundForm): boolean {
  return Boolean(base.endpointUrl.trim()) && !f.endpointUrl.trim() && Object.keys(parseServices(f.services).services).length > 0;
}

/** The workbench's own default network, as the effective reason names it when it applies. */
export function workbenchDefaultIn(reason: string, flag: 'network' | 'credentials'): string | undefined {
  return reason.match(new RegExp(`lwb serve --${flag} ([^)\\s]+)\\)`))?.[1];
}
