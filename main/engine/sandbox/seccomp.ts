// The workbench's own seccomp profile. Docker's default profile is written for
// any container (it widens with each capability granted); ours is for one
// kind of container only: no capabilities, no new privileges, hostile code.
// It starts from what Docker's default allows an unprivileged container and
// takes away what a Lambda function has no use for and an attacker has: the
// kernel's widest attack surfaces (io_uring, bpf, perf, userfaultfd),
// namespaces and mounts (the usual first step of a container escape), other
// processes' memory (the init's, above all: it reports what the host trusts),
// and the host's clock. Everything not allowed fails with EPERM, as on Lambda.
//
// The profile is passed inline (`SecurityOpt: ['seccomp=<json>']`), so there
// is no file to drift from this module; `npm run lwb` never writes one.

/** An argument comparison, as runc takes it (the OCI runtime spec's seccomp arg). */
export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: 'SCMP_CMP_EQ' | 'SCMP_CMP_NE' | 'SCMP_CMP_MASKED_EQ';
}

export interface SeccompRule {
  names: string[];
  action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO';
  errnoRet?: number;
  args?: SeccompArg[];
  /** Go architecture names (amd64, arm64…): the rule applies only there. */
  includes?: { arches: string[] };
  excludes?: { arches: string[] };
  comment?: string;
}

export interface SeccompProfile {
  defaultAction: 'SCMP_ACT_ERRNO';
  defaultErrnoRet: number;
  archMap: { architecture: string; subArchitectures: string[] }[];
  syscalls: SeccompRule[];
}

export const EPERM = 1;
export const ENOSYS = 38;

/**
 * What Docker's default profile allows a container with no capabilities
 * (moby profiles/seccomp/default.json, its unconditional list plus the
 * `minKernel` ptrace group), kept as Docker spells it so the two can be
 * compared. DENIED below is taken out of it.
 */
const DOCKER_UNPRIVILEGED = `
accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32
clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64
clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3
epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old
eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate
fanotify_mark fchdir fchmod fchmodat fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr
flistxattr flock fork fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate
ftruncate64 futex futex_time64 futex_waitv futimesat getcpu getcwd getdents getdents64 getegid
getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getitimer getpeername getpgid
getpgrp getpid getppid getpriority getrandom getresgid getresgid32 getresuid getresuid32 getrlimit
get_robust_list getrusage getsid getsockname getsockopt get_thread_area gettid gettimeofday getuid
getuid32 getxattr inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl
io_destroy io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit
io_uring_enter io_uring_register io_uring_setup ipc kill landlock_add_rule landlock_create_ruleset
landlock_restrict_self lchown lchown32 lgetxattr link linkat listen listxattr llistxattr _llseek
lremovexattr lseek lsetxattr lstat lstat64 madvise membarrier memfd_create memfd_secret mincore mkdir
mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open
mq_timedreceive mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap msgctl
msgget msgrcv msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep newfstatat _newselect
open openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect
poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6
pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv recvfrom
recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr rename renameat renameat2
restart_syscall rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn
rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity
sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min sched_getscheduler
sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam
sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop semtimedop_time64 send
sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32
setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid setresgid32
setresuid setresuid32 setreuid setreuid32 setrlimit set_robust_list setsid setsockopt
set_thread_area set_tid_address setuid setuid32 setxattr shmat shmctl shmdt shmget shutdown
sigaltstack signalfd signalfd4 sigprocmask sigreturn socketcall socketpair splice stat stat64 statfs
statfs64 statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill time timer_create
timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime timer_settime64
timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill
truncate truncate64 ugetrlimit umask uname unlink unlinkat utime utimensat utimensat_time64 utimes
vfork vmsplice wait4 waitid waitpid write writev
ptrace process_vm_readv process_vm_writev
`
  .trim()
  .split(/\s+/);

/**
 * Denied, with the reason. Some are in Docker's unprivileged list and are
 * taken out here; the others Docker grants only with a capability we never
 * grant, and are listed so that the denial is stated (and tested), not a
 * side effect of which capabilities happen to be dropped.
 */
export const DENIED: Readonly<Record<string, string>> = {
  // Namespaces and mounts: the first step of most container escapes (a user
  // namespace gives "root" to reach kernel code written for real root).
  mount: 'mounts', umount: 'mounts', umount2: 'mounts', pivot_root: 'mounts', chroot: 'mounts',
  open_tree: 'mounts', move_mount: 'mounts', fsopen: 'mounts', fsconfig: 'mounts', fsmount: 'mounts',
  fspick: 'mounts', mount_setattr: 'mounts',
  unshare: 'namespaces', setns: 'namespaces',
  // Other processes' memory: the init (PID 1) reports responses, durations and
  // exits that the host believes; nothing in the env may read or write it.
  ptrace: 'other processes', process_vm_readv: 'other processes', process_vm_writev: 'other processes',
  kcmp: 'other processes', pidfd_getfd: 'other processes', process_madvise: 'other processes',
  // The kernel's largest attack surfaces, none of which Lambda offers.
  io_uring_setup: 'io_uring (a steady source of kernel CVEs)',
  io_uring_enter: 'io_uring', io_uring_register: 'io_uring',
  bpf: 'kernel programs', perf_event_open: 'kernel profiling (side channels)',
  userfaultfd: 'stalls kernel threads at will (race exploits)',
  // Kernel state that belongs to the host.
  kexec_load: 'host kernel', kexec_file_load: 'host kernel', init_module: 'host kernel',
  finit_module: 'host kernel', delete_module: 'host kernel', reboot: 'host kernel',
  swapon: 'host kernel', swapoff: 'host kernel', acct: 'host kernel', quotactl: 'host kernel',
  quotactl_fd: 'host kernel', syslog: 'host kernel log', lookup_dcookie: 'host kernel',
  sethostname: 'host identity', setdomainname: 'host identity', iopl: 'host hardware', ioperm: 'host hardware',
  // The clock is the host's (there is no time namespace in Docker).
  settimeofday: 'host clock', stime: 'host clock', clock_settime: 'host clock', clock_settime64: 'host clock',
  clock_adjtime: 'host clock', clock_adjtime64: 'host clock', adjtimex: 'host clock',
  // The kernel keyring is shared across containers of one uid.
  keyctl: 'shared keyring', add_key: 'shared keyring', request_key: 'shared keyring',
  // File handles bypass the mount namespace (the "shocker" escape).
  open_by_handle_at: 'file handles', name_to_handle_at: 'file handles',
  fanotify_init: 'watches other mounts',
};

// The runtimes need clone for threads and processes, never for namespaces:
// CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET (and NEWTIME, 0x80, which the
// mask leaves alone as Docker's does: a time namespace needs CAP_SYS_ADMIN).
export const CLONE_NAMESPACE_FLAGS = 0x7e020000;

// personality(2) values glibc and the runtimes use: PER_LINUX, PER_LINUX32,
// UNAME26 variants and the query (0xffffffff). ADDR_NO_RANDOMIZE and the like
// (turning off ASLR for an exploit) stay denied.
export const PERSONALITY_ALLOWED = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

export function seccompProfile(): SeccompProfile {
  const allowed = DOCKER_UNPRIVILEGED.filter((name) => !(name in DENIED));
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    archMap: [
      // 32-bit calls of a 64-bit kernel go through the same rules, by name.
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    ],
    syscalls: [
      // Names an architecture lacks (aarch64 has no open, fork, stat…) are skipped by runc.
      { names: allowed, action: 'SCMP_ACT_ALLOW' },
      {
        names: ['socket'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }],
        comment: 'not AF_VSOCK: the hypervisor socket family reaches the host, not the env',
      },
      ...PERSONALITY_ALLOWED.map(
        (value): SeccompRule => ({ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }] }),
      ),
      {
        names: ['clone'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
        excludes: { arches: ['s390', 's390x'] },
        comment: 'threads and processes, no new namespaces',
      },
      {
        names: ['clone3'],
        action: 'SCMP_ACT_ERRNO',
        errnoRet: ENOSYS,
        // Its flags live in memory seccomp cannot read; ENOSYS (not EPERM) makes glibc fall back to clone.
        comment: 'ENOSYS so that glibc and the runtimes fall back to clone, whose flags seccomp can check',
      },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
      { names: ['modify_ldt'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32', 'x86'] } },
      {
        names: ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls'],
        action: 'SCMP_ACT_ALLOW',
        includes: { arches: ['arm', 'arm64'] },
      },
    ],
  };
}

/** The profile as Docker takes it in `SecurityOpt` (`seccomp=<json>`); built once. */
export const SECCOMP_SECURITY_OPT = `seccomp=${JSON.stringify(seccompProfile())}`;
