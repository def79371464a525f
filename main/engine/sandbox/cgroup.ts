// Direct access to a container's cgroup, where the engine is local and we run
// with the rights to write it. Freezing and CPU changes through sysfs take tens
// of microseconds; through the Docker API (pause/unpause, update) they take
// tens of milliseconds and would put the daemon on the invoke path.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export class CgroupControl {
  private constructor(
    private readonly v2: string | null,
    private readonly v1: Map<string, string>,
  ) {}

  /** Finds the cgroup of a process on this host; null when it is not reachable (remote engine, no rights). */
  static forPid(pid: number): CgroupControl | null {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    } catch {
      return null;
    }
    const v1 = new Map<string, string>();
    let v2: string | null = null;
    for (const line of text.split('\n')) {
      const m = line.match(/^\d+:([^:]*):(.*)$/);
      if (!m) continue;
      const [, controllers, path] = m as unknown as [string, string, string];
      if (controllers === '') {
        const p = `/sys/fs/cgroup${path}`;
        if (existsSync(`${p}/cgroup.freeze`)) v2 = p;
      } else {
        for (const c of controllers.split(',')) {
          const p = `/sys/fs/cgroup/${c}${path}`;
          if (existsSync(p)) v1.set(c, p);
        }
      }
    }
    const ctl = new CgroupControl(v2, v1);
    return ctl.canFreeze() ? ctl : null;
  }

  private canFreeze(): boolean {
    return this.v2 !== null || this.v1.has('freezer');
  }

  /** Stops every process of the env (Lambda's freeze between invocations). */
  async freeze(): Promise<void> {
    if (this.v2) {
      writeFileSync(`${this.v2}/cgroup.freeze`, '1');
      for (let i = 0; i < 200; i++) {
        if (/frozen 1/.test(readFileSync(`${this.v2}/cgroup.events`, 'utf8'))) return;
        await sleep(1);
      }
      return;
    }
    const state = `${this.v1.get('freezer')}/freezer.state`;
    writeFileSync(state, 'FROZEN');
    for (let i = 0; i < 200; i++) {
      if (readFileSync(state, 'utf8').startsWith('FROZEN')) return;
      await sleep(1);
    }
  }

  /** Resumes the env; synchronous because it sits on the invoke path and takes microseconds. */
  thaw(): void {
    if (this.v2) writeFileSync(`${this.v2}/cgroup.freeze`, '0');
    else writeFileSync(`${this.v1.get('freezer')}/freezer.state`, 'THAWED');
  }

  /** Sets the CPU quota in (fractions of) CPUs; null lifts the limit. */
  setCpus(cpus: number | null): boolean {
    try {
      if (this.v2) {
        writeFileSync(`${this.v2}/cpu.max`, cpus === null ? 'max 100000' : `${Math.max(1000, Math.round(cpus * 100000))} 100000`);
        return true;
      }
      const cpu = this.v1.get('cpu');
      if (!cpu) return false;
      writeFileSync(`${cpu}/cpu.cfs_period_us`, '100000');
      writeFileSync(`${cpu}/cpu.cfs_quota_us`, cpus === null ? '-1' : String(Math.max(1000, Math.round(cpus * 100000))));
      return true;
    } catch {
      return false;
    }
  }

  /** The env's OOM-kill count as the kernel keeps it. */
  oomKills(): number {
    try {
      if (this.v2) return Number(readFileSync(`${this.v2}/memory.events`, 'utf8').match(/oom_kill (\d+)/)?.[1] ?? 0);
      const mem = this.v1.get('memory');
      if (!mem) return 0;
      return Number(readFileSync(`${mem}/memory.oom_control`, 'utf8').match(/oom_kill (\d+)/)?.[1] ?? 0);
    } catch {
      return 0;
    }
  }
}
