// The preload: exactly the contract on window.workbench ({ request, subscribe },
// the WorkbenchApi the renderer's client uses), and no raw ipcRenderer. Method
// and stream names are checked against the contract's own lists before
// anything crosses; main checks again (sender frame, parameter schemas).
// Bundled by esbuild to CommonJS (scripts/build-electron.mjs): a sandboxed
// preload may require 'electron' and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
// Names and wire constants from the zod-free modules: the schemas stay in main (which checks again).
import type { ClientMessage, Result, StreamFrame, WorkbenchApi } from '../contract/index.js';
import { METHOD_NAMES as METHODS } from '../contract/names.js';
import { STREAMS } from '../contract/streams.js';
import { IPC_FRAME, IPC_REQUEST, IPC_SUBSCRIBE } from '../contract/wire.js';

const listeners = new Map<string, Set<(frame: StreamFrame) => void>>();

ipcRenderer.on(IPC_FRAME, (_event, frame: StreamFrame) => {
  for (const fn of listeners.get(frame?.stream) ?? []) fn(frame);
});

const failure = (code: string, message: string): Result<never> => ({ ok: false, error: { code, message } });

export const workbench: WorkbenchApi = {
  request(method, params) {
    if (!(METHODS as readonly string[]).includes(method)) return Promise.resolve(failure('UnknownMethod', `No method ${JSON.stringify(String(method)).slice(0, 80)} in the contract.`));
    // A value IPC cannot copy (a function, a DOM node) rejects: answer it as a failure like any other.
    return ipcRenderer.invoke(IPC_REQUEST, method, params).catch((err: Error) => failure('TransportError', err.message));
  },
  subscribe(stream, onFrame) {
    if (!(STREAMS as string[]).includes(stream)) throw new TypeError(`UnknownStream: ${JSON.stringify(String(stream)).slice(0, 60)} is not a stream of the contract.`);
    if (typeof onFrame !== 'function') throw new TypeError('subscribe needs a function to call with each frame.');
    let set = listeners.get(stream);
    if (!set) {
      set = new Set();
      listeners.set(stream, set);
      ipcRenderer.send(IPC_SUBSCRIBE, { t: 'sub', stream } satisfies ClientMessage);
    }
    const fn = onFrame as (frame: StreamFrame) => void;
    set.add(fn);
    return () => {
      if (!set.delete(fn) || set.size > 0) return;
      listeners.delete(stream);
      ipcRenderer.send(IPC_SUBSCRIBE, { t: 'unsub', stream } satisfies ClientMessage);
    };
  },
};

contextBridge.exposeInMainWorld('workbench', workbench);
