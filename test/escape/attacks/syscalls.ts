// Escape suite, syscalls: every syscall the workbench's seccomp profile denies
// returns -1 with EPERM inside an env (never success, never another errno), and
// the clock cannot be set.
import { expect } from 'vitest';
import { deployOnce, run, type EscapeSuite } from '../helpers/harness.js';

export function syscallAttacks({ bench, attack, section }: EscapeSuite): void {
  section('Denied syscalls and the clock');

  const DENIED = [
    'mount', 'umount2', 'pivot_root', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'kexec_load',
    'init_module', 'finit_module', 'delete_module', 'bpf', 'perf_event_open', 'userfaultfd', 'unshare',
    'setns', 'keyctl', 'add_key', 'request_key', 'open_by_handle_at', 'swapon', 'swapoff', 'reboot',
    'settimeofday', 'clock_settime', 'adjtimex', 'acct', 'quotactl', 'io_uring_setup', 'personality',
  ];

  for (const name of DENIED) {
    attack(`denied syscall: ${name}${name === 'personality' ? '(READ_IMPLIES_EXEC)' : ''}`, '-1 with errno EPERM', async (observe) => {
      await deployOnce(bench, { name: 'denied-syscalls', source: 'denied_syscall.py', memory: 128 });
      const r = await run(bench, 'denied-syscalls', { syscall: name });
      observe(r.errno ? `-1 ${r.errno}` : r.exception ?? `succeeded (returned ${r.ret})`);
      expect(r).toEqual({ ret: -1, errno: 'EPERM' });
      await bench.unharmed(observe);
    });
  }

  attack(
    'change the clock: clock_settime, settimeofday, adjtimex (read and set)',
    'EPERM for each',
    async (observe) => {
      await deployOnce(bench, { name: 'clock', source: 'clock.py', memory: 128 });
      const r = await run(bench, 'clock');
      observe(Object.fromEntries(Object.entries<any>(r).map(([k, v]) => [k, v.errno ?? `succeeded (${v.ret})`])));
      for (const k of ['clock_settime', 'settimeofday', 'adjtimex_read', 'adjtimex_set']) expect(r[k], k).toEqual({ ret: -1, errno: 'EPERM' });
      await bench.unharmed(observe);
    },
  );
}
