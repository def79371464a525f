// An env's /tmp for the window: the listing the init sent after the env's last
// invocation (so a frozen env is shown without thawing it), what each
// invocation changed, and one file's bytes read from the env's own disk image
// (never through a path on the host, so a link inside /tmp is never followed).
import type { TmpChange, TmpFile, TmpView } from '../../contract/telemetry.js';
import type { Engine } from '../engine.js';
import { WorkbenchError } from './errors.js';

export class EnvTmp {
  constructor(private readonly engine: Engine) {}

  private live(envId: string) {
    return this.engine.invoker.environments().find((e) => e.id === envId && e.state !== 'gone' && e.state !== 'shuttingDown');
  }

  view(envId: string): TmpView {
    const env = this.live(envId);
    if (!env) {
      const rec = this.engine.telemetryStore.env(envId);
      if (!rec) throw new WorkbenchError('EnvNotFound', `No environment has the id ${envId}.`, 'Pick an environment from the Environments panel.');
      return { envId, available: false, reason: 'This environment is gone: its /tmp went with it. Its per-invocation changes are still listed.', usedBytes: rec.tmpUsedBytes ?? 0, sizeBytes: rec.tmpSizeBytes, entries: [], truncated: false };
    }
    return env.tmpView();
  }

  changes(envId: string): TmpChange[] {
    this.engine.telemetry.flush();
    return this.engine.telemetryStore.tmpChanges(envId);
  }

  async read(envId: string, path: string, offset: number, maxBytes: number): Promise<TmpFile> {
    const env = this.live(envId);
    if (!env) throw new WorkbenchError('EnvNotFound', `No running environment has the id ${envId}: a gone env's /tmp cannot be read.`, 'Pick a live environment.');
    return env.readTmp(path, offset, maxBytes);
  }
}
