// What applies to a function's network, credentials and endpoints, and why:
// its own settings, VpcConfig, the workbench's defaults (serve flags) and what
// the machine allows; and the serve flags themselves.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  applyWorkbenchFields,
  effectiveCredentials,
  effectiveEndpoints,
  effectiveNetwork,
  withEffective,
  type WorkbenchDefaults,
} from '../../main/engine/control/workbench-settings.js';
import { outboundFromFlags } from '../../main/server/outbound-flags.js';
import { UsageError } from '../../main/server/args.js';

const d = (over: Partial<WorkbenchDefaults> = {}): WorkbenchDefaults => ({ ...DEFAULT_SETTINGS, ...over });
const vpc = { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] };

describe('effective network', () => {
  it('internet by default; none when the workbench says so; the function decides over both', () => {
    expect(effectiveNetwork({}, d())).toMatchObject({ Mode: 'internet', Internet: true, HostPorts: [] });
    expect(effectiveNetwork({}, d({ network: 'none' }))).toMatchObject({ Mode: 'none', Reason: expect.stringContaining('lwb serve --network none') });
    expect(effectiveNetwork({ WorkbenchNetwork: { Mode: 'internet' } }, d({ network: 'none' }))).toMatchObject({ Mode: 'internet', Reason: expect.stringContaining('set on the function') });
  });

  it('host ports: the function list replaces the workbench one; they need a network', () => {
    expect(effectiveNetwork({}, d({ hostPorts: [4566] }))).toMatchObject({ Mode: 'internet', HostPorts: [4566], Reason: expect.stringContaining('--host-ports') });
    expect(effectiveNetwork({ WorkbenchNetwork: { HostPorts: [5432] } }, d({ hostPorts: [4566] }))).toMatchObject({ HostPorts: [5432] });
    expect(effectiveNetwork({ WorkbenchNetwork: { Mode: 'none', HostPorts: [5432] } }, d())).toMatchObject({ Mode: 'host-ports', Internet: false, HostPorts: [5432] });
  });

  it('a VpcConfig without an allowlist means none, with one the host ports only; Mode overrides', () => {
    expect(effectiveNetwork({ VpcConfig: vpc }, d())).toMatchObject({ Mode: 'none', Reason: expect.stringContaining('VpcConfig') });
    expect(effectiveNetwork({ VpcConfig: vpc, WorkbenchNetwork: { HostPorts: [5432] } }, d())).toMatchObject({ Mode: 'host-ports', HostPorts: [5432] });
    expect(effectiveNetwork({ VpcConfig: vpc, WorkbenchNetwork: { Mode: 'internet' } }, d())).toMatchObject({ Mode: 'internet' });
  });

  it('where envs cannot have a network (not root) every function gets none, and the reason says why', () => {
    const r = effectiveNetwork({ WorkbenchNetwork: { Mode: 'internet', HostPorts: [5432] } }, d({ networkUnavailable: 'the workbench is not running as root' }));
    expect(r).toEqual({ Mode: 'none', Internet: false, HostPorts: [], Reason: expect.stringContaining('not running as root') });
    expect(effectiveNetwork({ WorkbenchNetwork: { Mode: 'none' } }, d({ networkUnavailable: 'x' })).Reason).not.toContain('cannot');
  });
});

describe('credentials and endpoints', () => {
  it("the function's source, else the workbench's", () => {
    expect(effectiveCredentials({}, d())).toMatchObject({ Source: 'dummy' });
    expect(effectiveCredentials({}, d({ credentials: 'profile:dev' }))).toMatchObject({ Source: 'profile:dev', Reason: expect.stringContaining('--credentials profile:dev') });
    expect(effectiveCredentials({ WorkbenchCredentials: { Source: 'none' } }, d({ credentials: 'profile:dev' }))).toMatchObject({ Source: 'none' });
  });

  it("AWS_ENDPOINT_URL[_<SERVICE>]: the function's own endpoints replace the workbench's", () => {
    const wb = d({ endpoints: { Url: 'http://host.lambda.internal:4566' } });
    expect(effectiveEndpoints({}, wb)).toEqual({ AWS_ENDPOINT_URL: 'http://host.lambda.internal:4566' });
    expect(effectiveEndpoints({ WorkbenchEndpoints: { Services: { 'Secrets Manager': 'http://x:1', DynamoDB: 'http://x:2' } } }, wb)).toEqual({
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://x:1',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://x:2',
    });
  });
});

describe('setting the fields', () => {
  it('merges over what is set; null or default clears a setting; Effective is never taken as input', () => {
    const base = withEffective({ WorkbenchNetwork: { Mode: 'none' as const } }, d());
    expect(applyWorkbenchFields({ WorkbenchNetwork: { HostPorts: [6379, 5432, 5432] } }, base).WorkbenchNetwork).toEqual({ Mode: 'none', HostPorts: [5432, 6379] });
    expect(applyWorkbenchFields({ WorkbenchNetwork: { Mode: null } }, base).WorkbenchNetwork).toBeUndefined();
    expect(applyWorkbenchFields({ WorkbenchNetwork: null }, base)).toEqual({ WorkbenchNetwork: undefined });
    expect(applyWorkbenchFields({ WorkbenchCredentials: { Source: 'profile:dev', Effective: { Source: 'x' } } })).toEqual({ WorkbenchCredentials: { Source: 'profile:dev' } });
    expect(applyWorkbenchFields({ VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } })).toEqual({ VpcConfig: undefined });
  });

  it('refuses what it cannot use, saying what it takes', () => {
    for (const input of [
      { WorkbenchNetwork: { Mode: 'bridge' } },
      { WorkbenchNetwork: { HostPorts: [70000] } },
      { WorkbenchCredentials: { Source: 'profile:a b' } },
      { WorkbenchCredentials: { Source: 'keys' } },
      { WorkbenchEndpoints: { Url: 'https://u:p@example.test' } },
      { WorkbenchEndpoints: { Services: { 'S3!': 'http://x' } } },
      { VpcConfig: { SecurityGroupIds: ['a', 'b', 'c', 'd', 'e', 'f'] } },
    ]) {
      expect(() => applyWorkbenchFields(input), JSON.stringify(input)).toThrow(/must|not a/);
    }
  });
});

describe('serve flags', () => {
  it('parses each, and names the flag of a bad value', () => {
    expect(
      outboundFromFlags({
        network: 'none',
        'host-ports': '5432, 4566',
        credentials: 'profile:dev',
        'endpoint-url': 'http://host.lambda.internal:4566',
        'service-endpoints': 's3=http://host.lambda.internal:9000,Secrets Manager=http://host.lambda.internal:4566',
        dns: '198.51.100.2',
      }),
    ).toEqual({
      network: 'none',
      hostPorts: [4566, 5432],
      credentials: 'profile:dev',
      endpoints: { Url: 'http://host.lambda.internal:4566', Services: { S3: 'http://host.lambda.internal:9000', SECRETS_MANAGER: 'http://host.lambda.internal:4566' } },
      dns: ['198.51.100.2'],
    });
    expect(outboundFromFlags({})).toEqual({});
    for (const [flags, named] of [
      [{ network: 'open' }, '--network'],
      [{ 'host-ports': 'x' }, '--host-ports'],
      [{ credentials: 'aws' }, '--credentials'],
      [{ 'endpoint-url': 'nope' }, '--endpoint-url'],
      [{ 'service-endpoints': 's3' }, '--service-endpoints'],
      [{ dns: 'dns.example' }, '--dns'],
    ] as const) {
      expect(() => outboundFromFlags(flags)).toThrow(UsageError);
      expect(() => outboundFromFlags(flags)).toThrow(named);
    }
  });
});

describe('isolation hints', () => {
  it('a refusal of an env with a network, or an unreachable network of a sealed env, says what to change; other errors get none', async () => {
    const { isolationHint } = await import('../../main/engine/control/network-hint.js');
    expect(isolationHint('Error: connect ECONNREFUSED 172.18.0.1:5432', { mode: 'internet', hostPorts: [] })).toMatch(/WorkbenchNetwork.HostPorts.*host.lambda.internal/);
    expect(isolationHint('ConnectionRefusedError: [Errno 111] Connection refused', { mode: 'host-ports', hostPorts: [5432] })).toMatch(/no internet.*only host port 5432/);
    expect(isolationHint('connect ENETUNREACH 198.51.100.2:80', { mode: 'none', hostPorts: [] })).toMatch(/only lo.*Mode to internet/);
    expect(isolationHint('getaddrinfo EAI_AGAIN example.com', { mode: 'none', hostPorts: [] })).toBeDefined();
    expect(isolationHint('connect ENETUNREACH 1.2.3.4:80', { mode: 'internet', hostPorts: [] })).toBeUndefined();
    expect(isolationHint('TypeError: x is not a function', { mode: 'internet', hostPorts: [] })).toBeUndefined();
  });
});
