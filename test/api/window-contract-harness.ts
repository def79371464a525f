// The window's contract over a real engine (real Docker), called the way every
// transport calls it: through dispatch(), parameters checked at the boundary.
import { rmSync } from 'node:fs';
import type { Method, ParamsOf, ResultOf, StreamFrame, ContractError } from '../../main/contract/index.js';
import { createHandlers } from '../../main/app/handlers.js';
import { createStreams } from '../../main/app/streams.js';
import { dispatch } from '../../main/app/dispatch.js';
import { Engine } from '../../main/engine/engine.js';
import { tempDataDir } from '../helpers/server.js';

export interface Window {
  engine: Engine;
  call<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  /** A call expected to fail: its error. */
  fail<M extends Method>(method: M, params: unknown): Promise<ContractError>;
  frames: StreamFrame[];
  close(): Promise<void>;
}

export async function openWindow(): Promise<Window> {
  const dataDir = tempDataDir('lwb-window-');
  const engine = await Engine.open({ dataDir });
  const ctx = { apiEndpoint: () => 'http://127.0.0.1:9', functionUrlEndpoint: () => 'http://127.0.0.1:10', authMode: () => 'default' as const };
  const handlers = createHandlers(engine, ctx);
  const streams = createStreams(engine, ctx);
  const frames: StreamFrame[] = [];
  streams.on((f) => frames.push(f));
  return {
    engine,
    frames,
    async call(method, params) {
      const r = await dispatch(handlers, method, params);
      if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
      return r.value as never;
    },
    async fail(method, params) {
      const r = await dispatch(handlers, method, params);
      if (r.ok) throw new Error(`${method} succeeded, a failure was expected: ${JSON.stringify(r.value).slice(0, 300)}`);
      return r.error;
    },
    async close() {
      streams.close();
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
