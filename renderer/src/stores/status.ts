/**
 * useStatus — the engine's state for the status bar: Docker, runtime images,
 * env counts, API endpoint, auth mode (`status.get`, then the `status` stream),
 * and the window's own connection to main (WebSocket in serve mode; always up
 * under Electron's IPC).
 */
import { create } from 'zustand';
import type { ContractError, EngineStatus } from '../../../main/contract/index.js';
import { api } from '../client.js';

export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'ipc';

export interface StatusState {
  status?: EngineStatus;
  error?: ContractError;
  connection: Connection;
  /** When the connection last dropped (for "reconnecting for 12 s"). */
  downSince?: number;
}

type MaybeSocket = { onConnection?(fn: (up: boolean) => void): () => void; connected?: boolean };
const socket = api as MaybeSocket;

export const useStatus = create<StatusState>()(() => ({
  connection: socket.onConnection ? (socket.connected ? 'connected' : 'connecting') : 'ipc',
}));

async function load(): Promise<void> {
  const r = await api.request('status.get', {});
  if (r.ok) useStatus.setState({ status: r.value, error: undefined });
  else useStatus.setState({ error: r.error });
}

let started = false;
export function startStatus(): void {
  if (started) return;
  started = true;
  api.subscribe('status', (frame) => useStatus.setState({ status: frame.data, error: undefined }));
  socket.onConnection?.((up) => {
    if (up) {
      useStatus.setState({ connection: 'connected', downSince: undefined });
      void load(); // frames sent while down are lost: ask again
    } else {
      useStatus.setState((s) => ({ connection: 'reconnecting', downSince: s.downSince ?? Date.now() }));
    }
  });
  // The socket may have opened before the listener above existed: say so now.
  if (socket.connected) useStatus.setState({ connection: 'connected', downSince: undefined });
  void load();
}
