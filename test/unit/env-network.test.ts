// The env addresses of the workbench's network: never the subnet's own address, its
// broadcast or the gateway; never one in use; a given-back address only after the
// rest of the subnet was handed out once.
import { describe, expect, it } from 'vitest';
import { AddressPool, resolvConf } from '../../main/engine/sandbox/network.js';

describe('AddressPool', () => {
  it('hands out the subnet in order, skipping the gateway', () => {
    const p = new AddressPool('172.18.0.0/16', '172.18.0.1');
    expect(p.prefix).toBe(16);
    expect([p.take(), p.take(), p.take()]).toEqual(['172.18.0.2', '172.18.0.3', '172.18.0.4']);
  });

  it('uses every address of a small subnet once, then only the ones given back, and says when none is left', () => {
    const p = new AddressPool('10.1.2.0/29', '10.1.2.1'); // .0 network, .1 gateway, .7 broadcast
    const got = [p.take(), p.take(), p.take(), p.take(), p.take()];
    expect(got).toEqual(['10.1.2.2', '10.1.2.3', '10.1.2.4', '10.1.2.5', '10.1.2.6']);
    expect(() => p.take()).toThrow(/no free address/);
    p.give('10.1.2.4');
    expect(p.take()).toBe('10.1.2.4');
    expect(() => p.take()).toThrow(/no free address/);
  });

  it('does not reuse a given-back address before the others', () => {
    const p = new AddressPool('192.168.64.0/24', '192.168.64.1');
    const a = p.take();
    p.give(a);
    expect(p.take()).not.toBe(a);
  });

  it('refuses subnets it cannot work with', () => {
    expect(() => new AddressPool('10.0.0.0/30', '10.0.0.1')).toThrow(/prefix/);
  });
});

describe('resolvConf (the envs\' /etc/resolv.conf)', () => {
  const files = (m: Record<string, string>) => (p: string) => m[p];
  it('names the --dns servers alone when given', () => {
    expect(resolvConf(['10.0.0.53', '10.0.0.54'], files({}))).toBe('nameserver 10.0.0.53\nnameserver 10.0.0.54\n');
  });
  it('keeps the host\'s servers, search and options, without loopback or IPv6 servers', () => {
    const out = resolvConf(undefined, files({ '/etc/resolv.conf': '# generated\nsearch corp.example\nnameserver 127.0.0.1\nnameserver 10.255.255.53\nnameserver fe80::1\noptions ndots:2\n' }));
    expect(out).toBe('search corp.example\nnameserver 10.255.255.53\noptions ndots:2\n');
  });
  it('reads systemd-resolved\'s upstream list instead of its stub', () => {
    const out = resolvConf(undefined, files({ '/etc/resolv.conf': 'nameserver 127.0.0.53\n', '/run/systemd/resolve/resolv.conf': 'nameserver 192.168.1.1\n' }));
    expect(out).toBe('nameserver 192.168.1.1\n');
  });
  it('falls back to public servers when the host has only loopback ones (as Docker does)', () => {
    expect(resolvConf(undefined, files({ '/etc/resolv.conf': 'nameserver 127.0.0.1\n' }))).toBe('nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  });
});
