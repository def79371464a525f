// How a function reaches the world, as workbench extension fields of its
// configuration (AWS clients ignore unknown fields in responses; they are set
// through the REST API or the UI, and are never deployed to AWS):
//
//   WorkbenchNetwork     { Mode: 'none' | 'internet', HostPorts: [5432] }
//   WorkbenchCredentials { Source: 'dummy' | 'none' | 'profile:<name>' }
//   WorkbenchEndpoints   { Url: 'http://host.lambda.internal:4566', Services: { S3: '…' } }
//   VpcConfig            AWS's own field, accepted and kept
//
// Each falls back to the workbench's default (`lwb serve` flags) when the
// function does not set it; what applies, and why, is computed here and shown
// as `Effective` in every configuration the API returns.
import { invalidParameter } from '../errors.js';
import { requireObject } from './validation.js';

export type NetworkMode = 'none' | 'internet';

/** The workbench-wide defaults (serve flags) and what this machine allows. */
export interface WorkbenchDefaults {
  network: NetworkMode;
  hostPorts: number[];
  /** `dummy`, `none` or `profile:<name>`. */
  credentials: string;
  endpoints: EndpointsInput;
  /** Why envs cannot have a network here (not root, …); undefined when they can. */
  networkUnavailable?: string;
}

export const DEFAULT_SETTINGS: WorkbenchDefaults = { network: 'internet', hostPorts: [], credentials: 'dummy', endpoints: {} };

export interface EndpointsInput {
  Url?: string;
  Services?: Record<string, string>;
}

export interface EffectiveNetwork {
  /** none: only lo; internet: the world (plus HostPorts, if any); host-ports: HostPorts only (a VPC without internet). */
  Mode: 'none' | 'internet' | 'host-ports';
  Internet: boolean;
  HostPorts: number[];
  Reason: string;
}

export interface WorkbenchNetworkField {
  Mode?: NetworkMode;
  HostPorts?: number[];
  Effective?: EffectiveNetwork;
}

export interface WorkbenchCredentialsField {
  Source?: string;
  Effective?: { Source: string; Reason: string };
}

export interface WorkbenchEndpointsField extends EndpointsInput {
  /** The variables the env gets: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>. */
  Effective?: Record<string, string>;
}

export interface VpcConfig {
  SubnetIds: string[];
  SecurityGroupIds: string[];
  Ipv6AllowedForDualStack?: boolean;
  VpcId?: string;
}

/** The fields as stored and shown. */
export interface WorkbenchFields {
  WorkbenchNetwork?: WorkbenchNetworkField;
  WorkbenchCredentials?: WorkbenchCredentialsField;
  WorkbenchEndpoints?: WorkbenchEndpointsField;
  VpcConfig?: VpcConfig;
}

export interface WorkbenchInput {
  WorkbenchNetwork?: unknown;
  WorkbenchCredentials?: unknown;
  WorkbenchEndpoints?: unknown;
  VpcConfig?: unknown;
}

const cleared = (v: unknown) => v === null || v === 'default';

const PROFILE_RE = /^[A-Za-z0-9_.@+-]{1,64}$/;

/** `dummy`, `none` or `profile:<name>` (as the serve flag and WorkbenchCredentials.Source take it). */
export function parseCredentialSource(value: unknown, field = 'WorkbenchCredentials.Source'): string {
  if (value === 'dummy' || value === 'none') return value;
  if (typeof value === 'string' && value.startsWith('profile:') && PROFILE_RE.test(value.slice('profile:'.length))) return value;
  throw invalidParameter(`${field} must be dummy (fixed, clearly fake keys), none (no keys), or profile:<name> (an AWS profile of yours: keys, SSO, assumed role or credential_process), not ${JSON.stringify(value)}.`);
}

export function parseHostPorts(value: unknown, field = 'WorkbenchNetwork.HostPorts'): number[] {
  if (!Array.isArray(value) || value.length > 32) throw invalidParameter(`${field} must be a list of at most 32 TCP ports.`);
  const ports = value.map((p) => {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) throw invalidParameter(`${field}: ${JSON.stringify(p)} is not a TCP port (1-65535).`);
    return p;
  });
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** An endpoint URL: http(s), with a host, and no user name or password (they would be stored and shown). */
export function parseEndpointUrl(value: unknown, field: string): string {
  let url: URL;
  try {
    if (typeof value !== 'string') throw new Error();
    url = new URL(value);
  } catch {
    throw invalidParameter(`${field} must be a URL such as http://host.lambda.internal:4566, not ${JSON.stringify(value)}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidParameter(`${field} must be an http or https URL.`);
  if (url.username || url.password) throw invalidParameter(`${field} must not hold a user name or password: they would be kept in the configuration in clear.`);
  return value as string;
}

/** `S3`, `DynamoDB`, `Secrets Manager` → S3, DYNAMODB, SECRETS_MANAGER (the SDKs' AWS_ENDPOINT_URL_<SERVICE> suffix). */
export function serviceKey(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9 _-]{0,63}$/.test(name)) throw invalidParameter(`WorkbenchEndpoints.Services: ${JSON.stringify(name)} is not a service id (letters, digits, spaces, - and _).`);
  return name.toUpperCase().replace(/[ -]/g, '_');
}

function parseEndpoints(value: unknown, base: EndpointsInput | undefined): EndpointsInput | undefined {
  if (cleared(value)) return undefined;
  const given = requireObject(value, 'WorkbenchEndpoints');
  const out: EndpointsInput = { ...(base?.Url ? { Url: base.Url } : {}), ...(base?.Services ? { Services: base.Services } : {}) };
  if ('Url' in given) {
    if (given.Url === null || given.Url === '') delete out.Url;
    else out.Url = parseEndpointUrl(given.Url, 'WorkbenchEndpoints.Url');
  }
  if ('Services' in given) {
    if (given.Services === null) delete out.Services;
    else {
      const services: Record<string, string> = {};
      for (const [k, v] of Object.entries(requireObject(given.Services, 'WorkbenchEndpoints.Services'))) services[serviceKey(k)] = parseEndpointUrl(v, `WorkbenchEndpoints.Services.${k}`);
      if (Object.keys(services).length) out.Services = services;
      else delete out.Services;
    }
  }
  return out.Url || out.Services ? out : undefined;
}

function stringList(value: unknown, field: string, max: number): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > max || value.some((v) => typeof v !== 'string' || v.length === 0 || v.length > 1024)) {
    throw invalidParameter(`${field} must be a list of at most ${max} ids.`);
  }
  return value as string[];
}

/**
 * The workbench fields present in `input`, checked and merged over `base`'s
 * (null or 'default' clears a setting: the workbench's default applies again).
 * A key set to undefined in the result is removed from the configuration.
 */
export function applyWorkbenchFields(input: WorkbenchInput, base?: WorkbenchFields): WorkbenchFields {
  const out: WorkbenchFields = {};
  if (input.WorkbenchNetwork !== undefined) {
    if (cleared(input.WorkbenchNetwork)) out.WorkbenchNetwork = undefined;
    else {
      const given = requireObject(input.WorkbenchNetwork, 'WorkbenchNetwork');
      const next: WorkbenchNetworkField = {};
      const mode = 'Mode' in given ? given.Mode : base?.WorkbenchNetwork?.Mode;
      if (mode !== undefined && !cleared(mode)) {
        if (mode !== 'none' && mode !== 'internet') throw invalidParameter(`WorkbenchNetwork.Mode must be none (only lo) or internet (the world; add HostPorts for services on this machine), not ${JSON.stringify(mode)}.`);
        next.Mode = mode;
      }
      const ports = 'HostPorts' in given ? given.HostPorts : base?.WorkbenchNetwork?.HostPorts;
      if (ports !== undefined && !cleared(ports)) next.HostPorts = parseHostPorts(ports);
      out.WorkbenchNetwork = next.Mode !== undefined || next.HostPorts !== undefined ? next : undefined;
    }
  }
  if (input.WorkbenchCredentials !== undefined) {
    if (cleared(input.WorkbenchCredentials)) out.WorkbenchCredentials = undefined;
    else {
      const source = requireObject(input.WorkbenchCredentials, 'WorkbenchCredentials').Source;
      out.WorkbenchCredentials = source === undefined || cleared(source) ? undefined : { Source: parseCredentialSource(source) };
    }
  }
  if (input.WorkbenchEndpoints !== undefined) {
    const endpoints = parseEndpoints(input.WorkbenchEndpoints, base?.WorkbenchEndpoints);
    out.WorkbenchEndpoints = endpoints ? { ...endpoints } : undefined;
  }
  if (input.VpcConfig !== undefined) {
    const given = input.VpcConfig === null ? {} : requireObject(input.VpcConfig, 'VpcConfig');
    const subnets = stringList(given.SubnetIds, 'VpcConfig.SubnetIds', 16);
    const groups = stringList(given.SecurityGroupIds, 'VpcConfig.SecurityGroupIds', 5);
    if (given.Ipv6AllowedForDualStack !== undefined && typeof given.Ipv6AllowedForDualStack !== 'boolean') throw invalidParameter('VpcConfig.Ipv6AllowedForDualStack must be true or false.');
    // As on AWS: empty lists take the function out of its VPC.
    out.VpcConfig = subnets.length || groups.length
      ? { SubnetIds: subnets, SecurityGroupIds: groups, ...(given.Ipv6AllowedForDualStack !== undefined ? { Ipv6AllowedForDualStack: given.Ipv6AllowedForDualStack as boolean } : {}) }
      : undefined;
  }
  return out;
}

const portsText = (ports: number[]) => `host port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} at host.lambda.internal`;

/** The network an env of this configuration gets, and why. */
export function effectiveNetwork(c: WorkbenchFields, d: WorkbenchDefaults): EffectiveNetwork {
  const set = c.WorkbenchNetwork ?? {};
  const inVpc = Boolean(c.VpcConfig?.SubnetIds.length);
  const hostPorts = set.HostPorts ?? d.hostPorts;
  const portsFrom = set.HostPorts ? 'set on the function (WorkbenchNetwork.HostPorts)' : "the workbench's default (lwb serve --host-ports)";
  let internet: boolean;
  let why: string;
  if (set.Mode) {
    internet = set.Mode === 'internet';
    why = `${set.Mode}: set on the function (WorkbenchNetwork.Mode)`;
  } else if (inVpc) {
    internet = false;
    why = 'no internet: the function has a VpcConfig, and a VPC without a NAT gateway has no way out (set WorkbenchNetwork.Mode to internet to give it one)';
  } else {
    internet = d.network === 'internet';
    why = `${d.network}: the workbench's default (lwb serve --network ${d.network})`;
  }
  if (d.networkUnavailable && (internet || hostPorts.length)) {
    return { Mode: 'none', Internet: false, HostPorts: [], Reason: `none, although ${why}: envs cannot have a network here, because ${d.networkUnavailable}.` };
  }
  const mode = internet ? 'internet' : hostPorts.length ? 'host-ports' : 'none';
  const parts = [why];
  if (hostPorts.length) parts.push(`${portsText(hostPorts)}: ${portsFrom}`);
  if (mode === 'none') parts.push('the env has only lo');
  return { Mode: mode, Internet: internet, HostPorts: internet || hostPorts.length ? hostPorts : [], Reason: `${parts.join('; ')}.` };
}

export function effectiveCredentials(c: WorkbenchFields, d: WorkbenchDefaults): { Source: string; Reason: string } {
  const own = c.WorkbenchCredentials?.Source;
  const source = own ?? d.credentials;
  const what = source === 'dummy'
    ? 'fixed, clearly fake keys (nothing real can leak; calls to real AWS fail to authenticate)'
    : source === 'none'
      ? 'no keys at all (AWS SDKs in the function find no credentials)'
      : `the keys of AWS profile ${source.slice('profile:'.length)}, resolved on this machine by AWS's own credential providers when an env starts`;
  return { Source: source, Reason: `${what}; ${own ? 'set on the function (WorkbenchCredentials.Source)' : `the workbench's default (lwb serve --credentials ${d.credentials})`}.` };
}

/** AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>: the function's own endpoints if it has any, else the workbench's. */
export function effectiveEndpoints(c: WorkbenchFields, d: WorkbenchDefaults): Record<string, string> {
  const e = c.WorkbenchEndpoints?.Url || c.WorkbenchEndpoints?.Services ? c.WorkbenchEndpoints! : d.endpoints;
  const vars: Record<string, string> = {};
  if (e.Url) vars.AWS_ENDPOINT_URL = e.Url;
  for (const [k, v] of Object.entries(e.Services ?? {})) vars[`AWS_ENDPOINT_URL_${serviceKey(k)}`] = v;
  return vars;
}

/** A copy of the configuration with what applies shown (`Effective`) in each workbench field. */
export function withEffective<T extends WorkbenchFields>(config: T, d: WorkbenchDefaults): T {
  const { Effective: _n, ...network } = config.WorkbenchNetwork ?? {};
  const { Effective: _c, ...credentials } = config.WorkbenchCredentials ?? {};
  const { Effective: _e, ...endpoints } = config.WorkbenchEndpoints ?? {};
  return {
    ...config,
    WorkbenchNetwork: { ...network, Effective: effectiveNetwork(config, d) },
    WorkbenchCredentials: { ...credentials, Effective: effectiveCredentials(config, d) },
    WorkbenchEndpoints: { ...endpoints, Effective: effectiveEndpoints(config, d) },
  };
}

/** The fields as set (without `Effective`), for deciding what the function asked for. */
export function ownFields(config: WorkbenchFields): WorkbenchFields {
  const strip = <F extends object>(f: F | undefined): Omit<F, 'Effective'> | undefined => {
    if (!f) return undefined;
    const { Effective: _x, ...rest } = f as F & { Effective?: unknown };
    return Object.keys(rest).length ? rest : undefined;
  };
  return {
    WorkbenchNetwork: strip(config.WorkbenchNetwork),
    WorkbenchCredentials: strip(config.WorkbenchCredentials),
    WorkbenchEndpoints: strip(config.WorkbenchEndpoints),
    VpcConfig: config.VpcConfig,
  };
}
