// The Network & credentials form's rules: what each field saves, what goes back
// to the workbench's default, and the checks said before saving.
import { describe, expect, it } from 'vitest';
import type { OutboundView } from '../../../main/contract/index.js';
import { clearsEndpointUrl, outboundErrors, outboundFormOf, outboundParams, parsePorts, parseServices, workbenchDefaultIn } from './outbound.js';

const view = (over: Partial<{ mode: OutboundView['network']['mode']; hostPorts: number[]; source: string; url: string; services: Record<string, string> }> = {}): OutboundView => ({
  network: { mode: over.mode ?? 'default', hostPorts: over.hostPorts ?? [], effective: { mode: 'internet', internet: true, hostPorts: [], reason: "internet: the workbench's default (lwb serve --network internet)." } },
  credentials: { source: over.source ?? 'default', effective: { source: 'dummy', reason: "fixed, clearly fake keys; the workbench's default (lwb serve --credentials dummy)." } },
  endpoints: { ...(over.url ? { url: over.url } : {}), services: over.services ?? {}, effective: {} },
});

describe('outbound form', () => {
  it('fills from the view: profile split from its name, services as lines', () => {
    const f = outboundFormOf(view({ mode: 'none', hostPorts: [5432, 6379], source: 'profile:dev', url: 'http://h:1', services: { S3: 'http://h:2' } }));
    expect(f).toEqual({ network: 'none', hostPorts: '5432, 6379', credentials: 'profile', profile: 'dev', endpointUrl: 'http://h:1', services: 'S3=http://h:2' });
  });

  it('saves only what changed; Default sends null', () => {
    const base = outboundFormOf(view({ mode: 'none', source: 'none' }));
    expect(outboundParams({ ...base, network: 'internet' }, base)).toEqual({ network: { mode: 'internet' } });
    expect(outboundParams({ ...base, network: 'default' }, base)).toEqual({ network: null });
    expect(outboundParams({ ...base, credentials: 'default' }, base)).toEqual({ credentials: null });
    expect(outboundParams({ ...base, credentials: 'profile', profile: ' dev ' }, base)).toEqual({ credentials: { source: 'profile:dev' } });
    expect(outboundParams(base, base)).toEqual({});
  });

  it('host ports: sorted and unique; emptied ports of its own are removed, never-set ones left to the workbench', () => {
    const own = outboundFormOf(view({ mode: 'internet', hostPorts: [5432] }));
    expect(outboundParams({ ...own, hostPorts: '' }, own)).toEqual({ network: { mode: 'internet', hostPorts: [] } });
    const none = outboundFormOf(view({ mode: 'internet' }));
    expect(outboundParams({ ...none, network: 'none' }, none)).toEqual({ network: { mode: 'none' } });
    expect(outboundParams({ ...none, network: 'default', hostPorts: '6379 5432,5432' }, none)).toEqual({ network: { mode: null, hostPorts: [5432, 6379] } });
    expect(parsePorts('80, 0').error).toMatch(/0 is not a TCP port/);
    expect(parsePorts('65536').error).toMatch(/1 – 65535/);
    expect(parsePorts('http').error).toBeDefined();
  });

  it('endpoints: service names as the SDKs suffix them, URLs checked, both empty → the workbench default', () => {
    expect(parseServices('s3=http://h:1\nSecrets Manager=https://h:2\n# note\n')).toEqual({ services: { S3: 'http://h:1', SECRETS_MANAGER: 'https://h:2' }, errors: [] });
    expect(parseServices('S3 http://h').errors).toEqual(['Line 1: write SERVICE=url']);
    expect(parseServices('S3=ftp://h').errors[0]).toMatch(/http or https/);
    expect(parseServices('S3=http://u:p@h').errors[0]).toMatch(/user name or password/);
    const base = outboundFormOf(view({ url: 'http://h:1', services: { S3: 'http://h:2' } }));
    expect(outboundParams({ ...base, endpointUrl: '', services: '' }, base)).toEqual({ endpoints: null });
    expect(outboundParams({ ...base, services: '' }, base)).toEqual({ endpoints: { url: 'http://h:1', services: {} } });
    expect(clearsEndpointUrl({ ...base, endpointUrl: '' }, base)).toBe(true);
    expect(clearsEndpointUrl({ ...base, services: 'S3=http://h:3' }, base)).toBe(false);
  });

  it('says what is wrong before saving', () => {
    const f = outboundFormOf(view());
    expect(outboundErrors({ ...f, credentials: 'profile', profile: '' }).profile).toBeDefined();
    expect(outboundErrors({ ...f, credentials: 'profile', profile: 'a b' }).profile).toMatch(/Letters/);
    expect(outboundErrors({ ...f, endpointUrl: 'localhost:4566' }).endpointUrl).toBeDefined();
    expect(Object.values(outboundErrors(f)).filter(Boolean)).toEqual([]);
  });

  it("reads the workbench's defaults from the reasons", () => {
    const v = view();
    expect(workbenchDefaultIn(v.network.effective.reason, 'network')).toBe('internet');
    expect(workbenchDefaultIn(v.credentials.effective.reason, 'credentials')).toBe('dummy');
    expect(workbenchDefaultIn('internet: set on the function (WorkbenchNetwork.Mode).', 'network')).toBeUndefined();
  });
});
