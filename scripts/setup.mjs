// Prepares a machine for `npm start` and `npm test`: npm packages, the Debian
// packages the workbench and its tests use, a running Docker engine, and (for
// tests) the window's build (dist/renderer) when it is missing or stale.
// Idempotent and quiet when everything is already there. Plain Node with no
// dependencies, because it runs before `npm install`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const say = (m) => process.stderr.write(`[setup] ${m}\n`);

/** Debian package → a file that shows it is installed. */
const DEBIAN_PACKAGES = {
  'docker.io': '/usr/sbin/dockerd',
  awscli: '/usr/bin/aws',
  gcc: '/usr/bin/gcc',
  'libc6-dev': '/usr/lib/x86_64-linux-gnu/libc.a',
  curl: '/usr/bin/curl',
  python3: '/usr/bin/python3',
  // boto3 against the workbench in the auth tests (test/api/auth.test.ts).
  'python3-boto3': '/usr/lib/python3/dist-packages/boto3/__init__.py',
  bubblewrap: '/usr/bin/bwrap',
  chromium: '/usr/bin/chromium',
  // /tmp disks (main/engine/sandbox/scratch-disk.ts): mkfs.ext4 and debugfs; losetup.
  e2fsprogs: '/sbin/mkfs.ext4',
  mount: '/sbin/losetup',
  // ss: the host checks that an env's channel peer is that container's init (docker-sandbox.ts).
  iproute2: '/bin/ss',
};

const isRoot = process.getuid?.() === 0;

function installDebianPackages(packages) {
  const arch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const missing = Object.entries(packages)
    .filter(([, file]) => !existsSync(file.replace('x86_64-linux-gnu', arch)))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    say(`missing Debian packages: ${missing.join(' ')} — install them (apt-get install ${missing.join(' ')})`);
    return;
  }
  say(`installing ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

function installNpmPackages() {
  if (existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) return;
  say('installing npm packages (npm ci)');
  // Electron's binary comes from GitHub, which may be unreachable: the shell
  // then runs in serve mode instead (npm start says so).
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: ROOT, stdio: 'inherit' });
}

function dockerAnswers() {
  return spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

async function ensureDocker() {
  if (process.env.DOCKER_HOST || dockerAnswers()) return;
  if (!isRoot || !existsSync('/usr/sbin/dockerd')) {
    say('Docker does not answer: start the Docker engine (dockerd) or set DOCKER_HOST');
    return;
  }
  say('starting dockerd in the background (log: /tmp/lwb-dockerd.log)');
  const log = openSync('/tmp/lwb-dockerd.log', 'a');
  spawn('/usr/sbin/dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
  for (let i = 0; i < 120; i++) {
    if (dockerAnswers()) return say('dockerd is up');
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('dockerd did not answer within 60 s; see /tmp/lwb-dockerd.log');
}

export async function setup({ forTests = false } = {}) {
  const packages = { ...DEBIAN_PACKAGES };
  if (!forTests) {
    delete packages.awscli;
    delete packages.chromium;
    delete packages['python3-boto3'];
  }
  installDebianPackages(packages);
  installNpmPackages();
  await ensureDocker();
  // Tests need the window as the sources are now (after npm ci: Vite is a package). `npm start`
  // decides for itself (scripts/start.mjs): it need not wait for a rebuild when a build exists.
  if (forTests) await (await import('./build.mjs')).ensureRendererBuilt();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await setup({ forTests: process.argv.includes('--for-tests') });
}
