// The shape of the workbench's seccomp profile: what it must deny is nowhere
// allowed, what the runtimes need is allowed only in its safe form, and the
// answers glibc relies on (ENOSYS for clone3) are the ones it gets.
import { describe, expect, it } from 'vitest';
import {
  CLONE_NAMESPACE_FLAGS,
  DENIED,
  ENOSYS,
  EPERM,
  PERSONALITY_ALLOWED,
  SECCOMP_SECURITY_OPT,
  seccompProfile,
  type SeccompRule,
} from '../../main/engine/sandbox/seccomp.js';

const profile = seccompProfile();
const allowRules = profile.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW');
const rulesFor = (name: string): SeccompRule[] => profile.syscalls.filter((r) => r.names.includes(name));

// Issue 8's list: each must fail with EPERM inside an env.
const MUST_DENY = [
  'mount', 'umount2', 'pivot_root', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'kexec_load',
  'kexec_file_load', 'init_module', 'finit_module', 'delete_module', 'bpf', 'perf_event_open', 'userfaultfd',
  'unshare', 'setns', 'keyctl', 'add_key', 'request_key', 'open_by_handle_at', 'name_to_handle_at', 'swapon',
  'swapoff', 'reboot', 'settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex', 'acct', 'quotactl',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register',
];

describe('the seccomp profile', () => {
  it('denies by default with EPERM, for x86_64 and aarch64', () => {
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(profile.defaultErrnoRet).toBe(EPERM);
    expect(profile.archMap.map((a) => a.architecture)).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64']);
  });

  it.each(MUST_DENY)('%s is in no allow rule, and the denial says why', (name) => {
    expect(allowRules.filter((r) => r.names.includes(name))).toEqual([]);
    expect(DENIED[name]).toBeTruthy();
  });

  it('no denied name slipped into an allow rule', () => {
    const allowed = new Set(allowRules.flatMap((r) => r.names));
    expect(Object.keys(DENIED).filter((n) => allowed.has(n))).toEqual([]);
  });

  it('still allows what every runtime needs', () => {
    const plain = new Set(allowRules.filter((r) => !r.args && !r.includes).flatMap((r) => r.names));
    for (const name of ['read', 'write', 'openat', 'mmap', 'futex', 'epoll_wait', 'execve', 'wait4', 'kill', 'setsid', 'prctl', 'getrandom', 'rseq']) {
      expect(plain, name).toContain(name);
    }
    expect(rulesFor('arch_prctl')).toEqual([expect.objectContaining({ action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } })]);
  });

  it('clone3 answers ENOSYS (so glibc falls back to clone) and clone is allowed only without namespace flags', () => {
    expect(rulesFor('clone3')).toEqual([expect.objectContaining({ action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS })]);
    const clone = rulesFor('clone');
    expect(clone).toHaveLength(1);
    expect(clone[0]).toMatchObject({
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    });
    expect(CLONE_NAMESPACE_FLAGS).toBe(0x7e020000);
  });

  it('personality is allowed only for the values Docker allows, one exact value per rule', () => {
    const rules = rulesFor('personality');
    expect(rules.every((r) => r.action === 'SCMP_ACT_ALLOW' && r.args?.length === 1 && r.args[0]!.op === 'SCMP_CMP_EQ' && r.args[0]!.index === 0)).toBe(true);
    expect(rules.map((r) => r.args![0]!.value).sort((a, b) => a - b)).toEqual([0x0, 0x8, 0x20000, 0x20008, 0xffffffff]);
    expect(PERSONALITY_ALLOWED).not.toContain(0x0040000); // ADDR_NO_RANDOMIZE
  });

  it('socket is allowed for every family but AF_VSOCK', () => {
    expect(rulesFor('socket')).toEqual([expect.objectContaining({ args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] })]);
  });

  it('is what Docker is given, as one JSON document', () => {
    expect(SECCOMP_SECURITY_OPT.startsWith('seccomp={')).toBe(true);
    expect(JSON.parse(SECCOMP_SECURITY_OPT.slice('seccomp='.length))).toEqual(profile);
  });
});
