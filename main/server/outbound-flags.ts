// `lwb serve` flags for what functions reach unless they say otherwise: the
// network mode, host ports, the execution role's credentials, local endpoints
// and DNS servers. Checked here, so a typo stops the start with the flag named.
import { isIP } from 'node:net';
import { LambdaError } from '../engine/errors.js';
import type { OutboundOptions } from '../engine/engine.js';
import { parseCredentialSource, parseEndpointUrl, parseHostPorts, serviceKey } from '../engine/control/workbench-settings.js';
import { UsageError, type FlagSpec, type Flags } from './args.js';

export const OUTBOUND_FLAGS: FlagSpec = {
  network: 'string',
  'host-ports': 'string',
  credentials: 'string',
  'endpoint-url': 'string',
  'service-endpoints': 'string',
  dns: 'string',
};

export const OUTBOUND_USAGE = `          --network <mode>      what functions reach unless they set WorkbenchNetwork (default internet):
                                internet: the world, never the host nor other envs (as on Lambda)
                                none:     only lo (the sealed env)
          --host-ports <p,q>    host TCP ports functions may reach at host.lambda.internal (default none)
          --credentials <src>   the execution role's keys in envs (default dummy):
                                dummy (clearly fake), none, or profile:<name> (your AWS profile)
          --endpoint-url <url>  AWS_ENDPOINT_URL for envs (e.g. http://host.lambda.internal:4566)
          --service-endpoints <S3=url,DynamoDB=url>  AWS_ENDPOINT_URL_<SERVICE> for envs
          --dns <ip,ip>         DNS servers envs use (default: this machine's)
`;

const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);

/** The engine's outbound options from the flags, or a UsageError naming the flag. */
export function outboundFromFlags(flags: Flags): OutboundOptions {
  const named = <T>(flag: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      if (err instanceof LambdaError) throw new UsageError(`--${flag}: ${err.message}`);
      throw err;
    }
  };
  const out: OutboundOptions = {};
  const network = flags.network as string | undefined;
  if (network !== undefined) {
    if (network !== 'internet' && network !== 'none') throw new UsageError(`--network must be internet or none, got ${JSON.stringify(network)}`);
    out.network = network;
  }
  const ports = flags['host-ports'] as string | undefined;
  if (ports !== undefined) out.hostPorts = named('host-ports', () => parseHostPorts(list(ports).map(Number), '--host-ports'));
  const creds = flags.credentials as string | undefined;
  if (creds !== undefined) out.credentials = named('credentials', () => parseCredentialSource(creds, '--credentials'));
  const url = flags['endpoint-url'] as string | undefined;
  const services = flags['service-endpoints'] as string | undefined;
  if (url !== undefined || services !== undefined) {
    out.endpoints = {};
    if (url !== undefined) out.endpoints.Url = named('endpoint-url', () => parseEndpointUrl(url, '--endpoint-url'));
    if (services !== undefined) {
      const map: Record<string, string> = {};
      for (const pair of list(services)) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`--service-endpoints takes SERVICE=url pairs separated by commas, got ${JSON.stringify(pair)}`);
        const key = named('service-endpoints', () => serviceKey(pair.slice(0, eq)));
        map[key] = named('service-endpoints', () => parseEndpointUrl(pair.slice(eq + 1), `--service-endpoints ${key}`));
      }
      out.endpoints.Services = map;
    }
  }
  const dns = flags.dns as string | undefined;
  if (dns !== undefined) {
    const servers = list(dns);
    const bad = servers.find((s) => isIP(s) === 0);
    if (bad !== undefined || servers.length === 0) throw new UsageError(`--dns takes IP addresses separated by commas, got ${JSON.stringify(dns)}`);
    out.dns = servers;
  }
  return out;
}
