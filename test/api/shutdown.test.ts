// Clean shutdown and recovery (issue 9 F): SIGINT with many envs leaves no
// container and no loop device of the workbench; a restart after kill -9
// reclaims the containers and the loop devices of its own data directory,
// including one a kill during sandbox creation left attached.
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer, tempDataDir } from '../helpers/server.js';
import { createFunction } from '../helpers/lambda.js';
import { docker } from '../helpers/workbench.js';
import { InvokeCommand } from '@aws-sdk/client-lambda';

const loopDevicesUnder = (dir: string): string[] =>
  execFileSync('losetup', ['--list', '--noheadings', '--raw', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(` ${dir}/`))
    .map((l) => l.split(' ')[0]!);

/** Every attached loop device, by name (a path can change when a mount above it goes). */
const attachedLoopDevices = (): string[] =>
  execFileSync('losetup', ['--list', '--noheadings', '--raw', '--output', 'NAME'], { encoding: 'utf8' }).split('\n').filter(Boolean);

const containersOf = async (dataDir: string): Promise<number> => {
  // The run folder's path is in every sandbox's bind mounts.
  const all = await docker.listContainers({ all: true, filters: { label: ['lambda-workbench'] } });
  let n = 0;
  for (const c of all) {
    const info = await docker.getContainer(c.Id).inspect().catch(() => null);
    if (info?.HostConfig?.Binds?.some((b) => b.startsWith(`${dataDir}/`))) n++;
  }
  return n;
};

const canLoop = process.getuid?.() === 0;

describe('shutdown and recovery', () => {
  it('SIGINT with 20 busy envs removes every container and loop device of the workbench', async () => {
    const server = await startServer();
    const client = server.client();
    await createFunction(client, { name: 'busy', timeout: 120, files: { 'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 60_000)); return 1; };' } });
    const running = Array.from({ length: 20 }, () => client.send(new InvokeCommand({ FunctionName: 'busy', Payload: Buffer.from('{}') })).catch(() => 'ended'));
    for (let i = 0; i < 120 && (await containersOf(server.dataDir)) < 20; i++) await new Promise((r) => setTimeout(r, 500));
    expect(await containersOf(server.dataDir)).toBeGreaterThanOrEqual(20);
    const t0 = Date.now();
    server.proc.kill('SIGINT');
    expect(await server.stop()).toBe(0);
    const took = Date.now() - t0;
    console.log(`SIGINT with 20+ envs: exited in ${took} ms`);
    expect(await containersOf(server.dataDir)).toBe(0);
    if (canLoop) expect(loopDevicesUnder(server.dataDir)).toEqual([]);
    await Promise.all(running);
  }, 180_000);

  it.skipIf(!canLoop)('a restart after kill -9 reclaims its containers and its loop devices, even one left by a kill during sandbox creation', async () => {
    const dataDir = tempDataDir();
    const first = await startServer({ dataDir });
    const client = first.client();
    await createFunction(client, { name: 'warm', files: { 'index.js': 'exports.handler = async () => 1;' } });
    await client.send(new InvokeCommand({ FunctionName: 'warm', Payload: Buffer.from('{}') }));
    // What a kill between attaching a /tmp disk and starting its container leaves behind.
    const orphanDir = join(dataDir, 'disks', 'killed0sandbox'); // where sandboxes' /tmp images live
    mkdirSync(orphanDir, { recursive: true });
    const img = join(orphanDir, 'tmp.img');
    const fd = openSync(img, 'w');
    ftruncateSync(fd, 16 * 1024 * 1024);
    closeSync(fd);
    const leaked = execFileSync('losetup', ['--find', '--show', img], { encoding: 'utf8' }).trim();
    await first.kill9();
    expect(await containersOf(dataDir)).toBeGreaterThan(0);
    expect(loopDevicesUnder(dataDir)).toContain(leaked);

    const second = await startServer({ dataDir });
    expect(attachedLoopDevices()).not.toContain(leaked);
    await second.stop();
    expect(await containersOf(dataDir)).toBe(0);
    expect(loopDevicesUnder(dataDir)).toEqual([]);
  }, 180_000);
});
