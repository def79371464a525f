// A lean keep-alive HTTP/1.1 client for the benchmark: one socket, one
// prebuilt request, responses parsed by Content-Length. A general-purpose
// client (undici, the SDK) would measure itself more than the workbench.
import { connect, type Socket } from 'node:net';
import { signHeaders, TEST_CREDENTIALS, type Credentials } from '../test/helpers/signed-fetch.js';

export class LeanClient {
  private socket!: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((status: number, body: Buffer) => void) | null = null;

  static async open(port: number): Promise<LeanClient> {
    const c = new LeanClient();
    await new Promise<void>((resolve, reject) => {
      c.socket = connect({ host: '127.0.0.1', port, noDelay: true }, resolve);
      c.socket.once('error', reject);
    });
    c.socket.on('data', (d: Buffer) => c.onData(d));
    return c;
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const m = head.match(/content-length:\s*(\d+)/i);
    const len = m ? Number(m[1]) : 0;
    if (this.buf.length < end + 4 + len) return;
    const status = Number(head.slice(9, 12));
    const body = this.buf.subarray(end + 4, end + 4 + len);
    this.buf = this.buf.subarray(end + 4 + len);
    const w = this.waiting;
    this.waiting = null;
    w?.(status, body);
  }

  /** Sends one prebuilt request and resolves with the status and body. */
  request(raw: Buffer): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve) => {
      this.waiting = (status, body) => resolve({ status, body });
      this.socket.write(raw);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * A signed Invoke request, built once and sent many times: a SigV4 signature
 * stays valid for 15 minutes, and the server verifies it on every request, so
 * the figure includes the check (the client's own signing cost does not).
 */
export async function invokeRequest(
  fn: string,
  payload: string,
  invocationType: 'RequestResponse' | 'Event' = 'RequestResponse',
  credentials: Credentials = TEST_CREDENTIALS,
): Promise<Buffer> {
  const body = Buffer.from(payload);
  const url = new URL(`http://127.0.0.1/2015-03-31/functions/${fn}/invocations`);
  const headers = await signHeaders('POST', url, { 'content-type': 'application/json', 'x-amz-invocation-type': invocationType }, body, { credentials });
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.concat([Buffer.from(`POST ${url.pathname} HTTP/1.1\r\n${lines}Content-Length: ${body.length}\r\n\r\n`), body]);
}
