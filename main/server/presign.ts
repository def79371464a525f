// Presigned download URLs for stored zips (GetFunction's Code.Location,
// GetLayerVersion's Content.Location). AWS hands out presigned S3 URLs that
// expire after 10 minutes and need no Authorization header; these do the same
// with an HMAC key only the workbench holds, so a page or local process that
// guesses or once saw a code key cannot download the code with it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** AWS's Code.Location lifetime. */
export const PRESIGN_EXPIRES_S = 600;
export const CODE_PATH_PREFIX = '/_workbench/code/';

export type PresignVerdict = { ok: true } | { ok: false; code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'AuthorizationQueryParametersError'; message: string };

const byDataDir = new Map<string, Presigner>();

/** One presigner per data directory: the URLs the API hands out and the downloads it serves use the same key. */
export function presignerFor(dataDir: string): Presigner {
  let p = byDataDir.get(dataDir);
  if (!p) byDataDir.set(dataDir, (p = Presigner.forDataDir(dataDir)));
  return p;
}

/** The presigned download path of a stored zip. */
export function codeDownloadPath(presigner: Presigner, codeKey: string, now?: Date): string {
  return presigner.sign(`${CODE_PATH_PREFIX}${codeKey}.zip`, now);
}

export class Presigner {
  constructor(private readonly key: Buffer) {}

  /** The workbench's own key, `<dataDir>/presign.key` (0600), made on first use. */
  static forDataDir(dataDir: string): Presigner {
    const file = join(dataDir, 'presign.key');
    try {
      const key = readFileSync(file);
      if (key.length >= 32) {
        chmodSync(file, 0o600); // an older or copied file keeps no looser mode than the key needs
        return new Presigner(key);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const key = randomBytes(32);
    writeFileSync(file, key, { mode: 0o600 });
    chmodSync(file, 0o600); // the umask cannot widen it, but an existing short file kept its old mode
    return new Presigner(key);
  }

  /** `<path>?X-Amz-…&X-Amz-Signature=…`, valid for `expires` seconds from `now`. */
  sign(path: string, now = new Date(), expires = PRESIGN_EXPIRES_S): string {
    const date = amzDate(now);
    const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=${expires}`;
    return `${path}?${query}&X-Amz-Signature=${this.mac(path, date, expires)}`;
  }

  /** Whether a request for `path` carries a valid, unexpired signature (compared in constant time). */
  verify(path: string, query: URLSearchParams, now = new Date()): PresignVerdict {
    const date = query.get('X-Amz-Date');
    const expiresText = query.get('X-Amz-Expires');
    const signature = query.get('X-Amz-Signature');
    if (!date || !expiresText || !signature) {
      return { ok: false, code: 'AccessDenied', message: 'Code downloads need the presigned URL GetFunction gives (X-Amz-Date, X-Amz-Expires, X-Amz-Signature).' };
    }
    const signedAt = parseAmzDate(date);
    const expires = /^\d{1,6}$/.test(expiresText) ? Number(expiresText) : NaN;
    if (signedAt === undefined || !(expires >= 1 && expires <= 604_800)) {
      return { ok: false, code: 'AuthorizationQueryParametersError', message: 'X-Amz-Date must be YYYYMMDDTHHMMSSZ and X-Amz-Expires a number of seconds from 1 to 604800.' };
    }
    const expected = Buffer.from(this.mac(path, date, expires), 'hex');
    const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
    }
    // Checked after the signature, so an attacker cannot learn anything from a forged date.
    if (now.getTime() > signedAt + expires * 1000) return { ok: false, code: 'AccessDenied', message: 'Request has expired' };
    return { ok: true };
  }

  private mac(path: string, date: string, expires: number): string {
    return createHmac('sha256', this.key).update(`GET\n${path}\n${date}\n${expires}`).digest('hex');
  }
}

function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}
