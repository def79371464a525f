// The contract over Electron IPC: the same dispatch as the WebSocket, for the
// one frame allowed to call it (our window's main frame, on an app:// page).
// A subframe, another window or a page that navigated elsewhere gets a
// ForbiddenSender answer and no stream frames. The engine may still be
// starting when the window first asks: requests wait for it, and say why when
// it could not start.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { dispatch } from '../app/dispatch.js';
import { IPC_FRAME, IPC_REQUEST, IPC_SUBSCRIBE, isStream, type ContractHandlers, type Result, type Stream, type StreamSource } from '../contract/index.js';

type SenderFrame = IpcMainInvokeEvent['senderFrame'];

export interface IpcHostOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;
  /** Resolves once the engine and the handlers are up (rejects when they cannot start). */
  ready: Promise<{ handlers: ContractHandlers; streams: StreamSource }>;
  /** Whether a frame may speak the contract. */
  isTrusted: (frame: SenderFrame) => boolean;
}

export const FORBIDDEN_SENDER: Result<never> = {
  ok: false,
  error: { code: 'ForbiddenSender', message: 'Only the workbench window\'s own page may call the workbench.' },
};

/** Registers the contract's channels; returns what unregisters them. */
export function registerIpcHost(opts: IpcHostOptions): () => void {
  const subscribers = new Map<WebContents, Set<Stream>>();
  let unlisten: (() => void) | undefined;

  opts.ipcMain.handle(IPC_REQUEST, async (event: IpcMainInvokeEvent, method: unknown, params: unknown) => {
    if (!opts.isTrusted(event.senderFrame)) return FORBIDDEN_SENDER;
    let handlers: ContractHandlers;
    try {
      ({ handlers } = await opts.ready);
    } catch (err) {
      return {
        ok: false,
        error: { code: 'EngineUnavailable', message: `The workbench engine did not start: ${(err as Error).message}`, hint: 'Fix the cause above (is Docker running?) and restart the workbench.' },
      } satisfies Result<never>;
    }
    return dispatch(handlers, method, params);
  });

  opts.ipcMain.on(IPC_SUBSCRIBE, (event: IpcMainEvent, msg: unknown) => {
    if (!opts.isTrusted(event.senderFrame)) return;
    const m = msg as { t?: unknown; stream?: unknown } | null;
    if (!m || (m.t !== 'sub' && m.t !== 'unsub') || !isStream(m.stream)) return;
    const contents = event.sender;
    let streams = subscribers.get(contents);
    if (!streams) {
      if (m.t === 'unsub') return;
      streams = new Set();
      subscribers.set(contents, streams);
      contents.once('destroyed', () => subscribers.delete(contents));
    }
    if (m.t === 'sub') streams.add(m.stream);
    else streams.delete(m.stream);
  });

  opts.ready.then(
    ({ streams }) => {
      unlisten = streams.on((frame) => {
        for (const [contents, wanted] of subscribers) {
          if (!wanted.has(frame.stream)) continue;
          if (contents.isDestroyed()) subscribers.delete(contents);
          else contents.send(IPC_FRAME, frame);
        }
      });
    },
    () => undefined, // requests say why; streams simply stay quiet
  );

  return () => {
    unlisten?.();
    opts.ipcMain.removeHandler(IPC_REQUEST);
    opts.ipcMain.removeAllListeners(IPC_SUBSCRIBE);
    subscribers.clear();
  };
}
