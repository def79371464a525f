// The DNS-rebinding guard every listener runs first: a page whose own name
// was re-pointed at 127.0.0.1 still sends its own name as `Host`, so a request
// whose Host is not a loopback name is refused before any routing, and the
// page can neither drive the API nor read its answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthRefusal, sendRefusal } from './refusal.js';

/**
 * 127.0.0.1, localhost, [::1] and *.localhost (function URL names; browsers
 * and curl resolve every *.localhost to loopback, and no one can register
 * one), each with or without a port.
 */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|\[::1\]|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*localhost)(?::\d{1,5})?$/i;

export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && host.length <= 255 && LOOPBACK_HOST.test(host);
}

/** Whether a request names this machine as its host (HTTP/1.0 requests without Host are refused too). */
export function hostAllowed(req: IncomingMessage): boolean {
  return isLoopbackHost(req.headers.host);
}

export function foreignHostRefusal(req: IncomingMessage): AuthRefusal {
  const host = (req.headers.host ?? '').slice(0, 100);
  return new AuthRefusal(
    'AccessDeniedException',
    `Host ${JSON.stringify(host)} is not a loopback name: the workbench answers only to 127.0.0.1, localhost, [::1] and *.localhost.`,
  );
}

/** For listeners with no audit to feed: answers 403 and returns false when the Host is foreign. */
export function guardHost(req: IncomingMessage, res: ServerResponse): boolean {
  if (hostAllowed(req)) return true;
  sendRefusal(res, foreignHostRefusal(req));
  return false;
}
