// A stand-in for the internet that tests create and remove themselves, never a
// real outside address: a network namespace joined to the host by a veth pair,
// on a /30 of 198.51.100.0/24 (TEST-NET-2, reserved for documentation), with an
// HTTP server on port 80 and a DNS server on port 53 that knows the test's names.
// Envs reach it the way they reach the world: routed by the host, NATed by Docker.
// Needs root (ip netns).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface TestInternet {
  /** The test host's address (its HTTP and DNS servers). */
  address: string;
  /** The host's own address on the link (a host address: envs must not reach it). */
  hostSide: string;
  /** A name the DNS server answers with `address`. */
  name: string;
  close: () => Promise<void>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** A /30 of 198.51.100.0/24 that no interface of the host uses yet. */
function freeSubnet(): number {
  const used = ip('-4', '-o', 'addr', 'show');
  for (let tries = 0; tries < 100; tries++) {
    const base = 4 * (1 + Math.floor(Math.random() * 62));
    if (!used.includes(`198.51.100.${base + 1}/30`)) return base;
  }
  throw new Error('no free /30 in 198.51.100.0/24');
}

export async function startTestInternet(name = 'www.lwb-test.example'): Promise<TestInternet> {
  const id = randomBytes(3).toString('hex');
  const ns = `lwbt-${id}`;
  const [hostIf, nsIf] = [`lwbt${id}h`, `lwbt${id}n`];
  const base = freeSubnet();
  const hostSide = `198.51.100.${base + 1}`;
  const address = `198.51.100.${base + 2}`;
  ip('netns', 'add', ns);
  let server: ChildProcess | undefined;
  const close = async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGKILL');
      await exited;
    }
    try {
      ip('netns', 'del', ns); // takes the veth pair with it
    } catch {
      /* already gone */
    }
    try {
      ip('link', 'del', hostIf);
    } catch {
      /* gone with the namespace */
    }
  };
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', ns);
    ip('addr', 'add', `${hostSide}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'addr', 'add', `${address}/30`, 'dev', nsIf);
    ip('-n', ns, 'link', 'set', nsIf, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'route', 'add', 'default', 'via', hostSide);
    server = spawn('ip', ['netns', 'exec', ns, process.execPath, join(import.meta.dirname, 'test-internet-server.cjs'), address, JSON.stringify({ [name]: address })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the test internet did not start: ${out}`)), 10_000);
      server!.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('READY')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server!.stderr!.on('data', (d) => (out += d));
      server!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the test internet exited (${code}): ${out}`));
      });
    });
  } catch (err) {
    await close();
    throw err;
  }
  return { address, hostSide, name, close };
}
