// Serve mode's session: who may open the window and speak its contract. The
// printed address carries a random token; the first visit trades it for an
// HttpOnly, SameSite=Strict cookie and the address bar loses it. Every later
// request (page, assets, WebSocket) shows the cookie, a loopback Host of this
// server (DNS rebinding) and, where a browser sends one, this server's own
// Origin (another local page — another port is the same *site*, so it gets our
// SameSite cookie — must still not open the socket).
//
// The token lives for one start of the server and is never written to disk:
// the address is printed to a terminal, logs and browser history, and a token
// that dies with the process bounds what a leaked copy is worth. A restart
// prints a new address (the old tab's page says where to find it). The data
// directory already holds the API's long-lived keys; the window needs none.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The names a browser may use for this server; *.localhost (function URL names) is not one. */
const UI_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})$/i;

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; code: string; message: string };

export class UiSession {
  /** 256 random bits, base64url (43 characters). */
  readonly token = randomBytes(32).toString('base64url');
  private readonly digest = createHash('sha256').update(this.token).digest();

  /**
   * Cookies ignore ports, so two workbenches on 127.0.0.1 would overwrite each other's
   * cookie under one name: the name carries the port.
   */
  cookieName(port: number): string {
    return `lwb_ui_${port}`;
  }

  /** Constant time, whatever the length of the guess. */
  matches(candidate: string | undefined): boolean {
    if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 256) return false;
    return timingSafeEqual(createHash('sha256').update(candidate).digest(), this.digest);
  }

  setCookie(port: number): string {
    return `${this.cookieName(port)}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** Host first (a rebinding name learns nothing), then Origin where sent (or required), then the cookie. */
  check(req: IncomingMessage, opts: { originRequired: boolean }): Verdict {
    const place = this.checkPlace(req, opts);
    if (!place.ok) return place;
    if (!this.matches(cookieValue(req.headers.cookie, this.cookieName(req.socket.localPort!)))) {
      return { ok: false, status: 401, code: 'NoSession', message: 'No workbench session: open the address the workbench printed when it started (Workbench UI: http://127.0.0.1:<port>/?token=…).' };
    }
    return { ok: true };
  }

  /** Whether a request names this server by a loopback name and, where it has an Origin, comes from this server's page. */
  checkPlace(req: IncomingMessage, opts: { originRequired: boolean }): Verdict {
    const port = req.socket.localPort;
    const host = req.headers.host ?? '';
    const m = UI_HOST.exec(host);
    if (!m || Number(m[1]) !== port) {
      return { ok: false, status: 403, code: 'ForeignHost', message: `Host ${JSON.stringify(host.slice(0, 100))} is not this workbench: open it at 127.0.0.1, localhost or [::1] on port ${port}.` };
    }
    const origin = req.headers.origin;
    if ((origin !== undefined || opts.originRequired) && origin !== `http://${host.toLowerCase()}`) {
      return { ok: false, status: 403, code: 'ForeignOrigin', message: `Origin ${JSON.stringify(String(origin).slice(0, 100))} is not this workbench's page (http://${host}).` };
    }
    return { ok: true };
  }
}

/** One cookie's value from a Cookie header (the first of that name, as browsers send the most specific first). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Removes the window's session cookies from a request (for listeners that run other people's code). */
export function stripUiCookies(req: IncomingMessage): void {
  const keep = (value: string) => value.split(';').filter((c) => !/^\s*lwb_ui_\d+=/.test(c)).join(';').trim();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'cookie') raw[i + 1] = keep(raw[i + 1]!);
  if (typeof req.headers.cookie === 'string') req.headers.cookie = keep(req.headers.cookie);
}
