// Serve mode's window: the session, the page and the contract's WebSocket, as
// one object the Lambda API's listener hands its UI paths and upgrades to.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WS_PATH, type ContractHandlers, type StreamSource } from '../../contract/index.js';
import { isUiPath, UiPages } from './pages.js';
import { UiSession } from './session.js';
import { UiSocketHost, type SocketLimits } from './socket.js';
import { RENDERER_DIR } from './static-files.js';

export { isUiPath } from './pages.js';

export interface UiServerOptions {
  handlers: ContractHandlers;
  streams: StreamSource;
  /** The built window (default dist/renderer). */
  root?: string;
  limits?: Partial<SocketLimits>;
}

export class UiServer {
  readonly session = new UiSession();
  readonly socket: UiSocketHost;
  private readonly pages: UiPages;

  constructor(opts: UiServerOptions) {
    this.pages = new UiPages(this.session, opts.root ?? RENDERER_DIR);
    this.socket = new UiSocketHost(this.session, opts.handlers, opts.streams, opts.limits);
  }

  isUiPath(path: string): boolean {
    return isUiPath(path);
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    return this.pages.handle(req, res, path, query);
  }

  /** Whether this upgrade is the window's; the caller answers any other. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) return false;
    this.socket.upgrade(req, socket, head);
    return true;
  }

  /** The address to print: opening it once starts this browser's session. */
  address(baseUrl: string): string {
    return `${baseUrl}/?token=${this.session.token}`;
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}
