// The composition root: the one place a running workbench is assembled. Serve
// mode (main/server/cli.ts) and the Electron shell (main/electron/main.ts)
// both call compose(), so they get the same engine, the same Lambda API with
// the same auth (and the workbench's keys for strict mode), the same
// /_workbench views and the same contract handlers and streams: the window's
// transports (IPC, WebSocket) are thin adapters over what this returns.
import { Engine, type EngineOptions } from '../engine/engine.js';
import type { ContractHandlers, StreamSource } from '../contract/index.js';
import { LambdaApi } from '../server/lambda-api.js';
import { workbenchViews } from '../server/workbench-api.js';
import { loadOrCreateCredentials } from '../server/auth/credentials.js';
import type { AuthMode } from '../server/auth/guard.js';
import { UiServer } from '../server/ui/index.js';
import { createHandlers } from './handlers.js';
import { createStreams } from './streams.js';

export interface ComposeOptions {
  dataDir: string;
  /** The Lambda API's port (0: a free one). */
  port: number;
  /** Function URLs' own port (0 or left out: a free one). */
  functionUrlPort?: number;
  auth: AuthMode;
  /** Where start-up progress and server messages go (stderr in serve mode). */
  progress: (message: string) => void;
  /** Engine tuning from the command line (keepalive, reserve, concurrency, region...). */
  engine?: Omit<EngineOptions, 'dataDir' | 'progress' | 'docker'>;
  /** Serve the window to browsers (serve mode): its page, session and WebSocket on the API's listener. */
  browserUi?: boolean;
}

export interface Workbench {
  engine: Engine;
  api: LambdaApi;
  handlers: ContractHandlers;
  streams: StreamSource;
  /** The API's port as bound. */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  apiUrl: string;
  functionUrlBase: string;
  /** Serve mode: the window's address with this start's token (print it; it is the way in). */
  uiAddress?: string;
  /** Stops everything it started, in order: window clients, listeners, streams, engine. */
  close(): Promise<void>;
}

/** Opens the engine and everything over it; a failure part-way closes what was opened, then throws. */
export async function compose(opts: ComposeOptions): Promise<Workbench> {
  const engine = await Engine.open({ ...opts.engine, dataDir: opts.dataDir, progress: opts.progress });
  let api: LambdaApi | undefined;
  let streams: (StreamSource & { close(): void }) | undefined;
  let ui: UiServer | undefined;
  try {
    const credentials = loadOrCreateCredentials(engine.options.dataDir);
    const ctx = {
      apiEndpoint: () => api?.baseUrl ?? '',
      functionUrlEndpoint: () => api?.functionUrls.baseUrl ?? '',
      authMode: () => opts.auth,
    };
    const handlers = createHandlers(engine, ctx);
    const opened = createStreams(engine, ctx);
    streams = opened;
    const browser = opts.browserUi ? new UiServer({ handlers, streams: opened }) : undefined;
    ui = browser;
    const server = new LambdaApi({
      engine,
      auth: { mode: opts.auth, credentials },
      log: opts.progress,
      fallback: workbenchViews(engine),
      functionUrlPort: opts.functionUrlPort,
      ui: browser,
    });
    api = server;
    const port = await server.listen(opts.port);
    let closing: Promise<void> | undefined;
    return {
      engine,
      api: server,
      handlers,
      streams: opened,
      port,
      apiUrl: server.baseUrl,
      functionUrlBase: server.functionUrls.baseUrl,
      uiAddress: browser?.address(server.baseUrl),
      close: () =>
        (closing ??= (async () => {
          await browser?.close();
          await server.close();
          opened.close();
          await engine.close();
        })()),
    };
  } catch (err) {
    await ui?.close().catch(() => undefined);
    await api?.close().catch(() => undefined);
    streams?.close();
    await engine.close();
    throw err;
  }
}
