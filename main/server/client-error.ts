// What a listener answers when Node's HTTP parser rejects a request (bad
// request line, bad header, conflicting Content-Length, headers over 16 KB):
// a status and AWS's error shape before closing, not a bare socket close the
// client cannot tell from a crash.
import type { Duplex } from 'node:stream';

const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'The request headers are larger than the server accepts.'],
  HPE_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request was not received in time.'],
};

export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // A response already under way on this socket cannot be followed by another status line.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, reason, message] = ANSWERS[err.code ?? ''] ?? [400, 'Bad Request', `The request is not valid HTTP (${err.code ?? err.message}).`];
  const body = JSON.stringify({ Type: 'User', Message: message, message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nx-amzn-ErrorType: InvalidRequestContentException\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** CONNECT (a proxy tunnel request) is not something these listeners do: 405 rather than Node's bare close. */
export function refuseConnect(_req: unknown, socket: Duplex): void {
  const body = JSON.stringify({ Type: 'User', Message: 'CONNECT is not supported.', message: 'CONNECT is not supported.' });
  socket.end(`HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nx-amzn-ErrorType: UnknownOperationException\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
