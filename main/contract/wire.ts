// The transports' fixed names, apart from the schemas: the renderer imports
// these values without pulling zod into its bundle (zod probes `new Function`,
// which the window's CSP refuses).

/** IPC channel names (Electron). */
export const IPC_REQUEST = 'lwb:request';
export const IPC_SUBSCRIBE = 'lwb:subscribe';
export const IPC_FRAME = 'lwb:frame';
/** The serve-mode WebSocket's path. */
export const WS_PATH = '/_ui/ws';
