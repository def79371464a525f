// SHA-256 and HMAC-SHA256 for the SigV4 check on the warm path. Each
// node:crypto call sets up an OpenSSL context (algorithm fetch, key
// preparation): under a µs in a tight loop, but 15-20 µs in a server that
// wakes for one request at a time with cold caches, which is what a warm
// invoke is (measured inside the server: the 7-byte body's hash took 17 µs
// through OpenSSL, 7 µs here). So the signing key's HMAC pad states are
// hashed once per key, and a request's body (when small), canonical request
// and string-to-sign are hashed in plain JS, a few 64-byte blocks each.
// FIPS 180-4 SHA-256, checked against node:crypto in test/api/auth.test.ts.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const W = new Int32Array(64);

/** One SHA-256 compression of the 64 bytes of `block` at `at` into `state`. */
function compress(state: Int32Array, block: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    W[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** Messages up to this many bytes are hashed here; longer ones go to node:crypto, whose per-byte speed wins there. */
export const FAST_MAX = 4096;
const scratch = new Uint8Array(FAST_MAX + 72);

/** Hashes `len` bytes of `scratch` into `state` (which has already absorbed `prefix` bytes: 0, or one 64-byte block); writes the digest into `out`. */
function finish(state: Int32Array, len: number, out: Uint8Array, prefix = 64): void {
  const total = len + prefix;
  const padded = (len + 9 + 63) & ~63;
  scratch.fill(0, len, padded);
  scratch[len] = 0x80;
  const bits = total * 8;
  scratch[padded - 4] = bits >>> 24;
  scratch[padded - 3] = bits >>> 16;
  scratch[padded - 2] = bits >>> 8;
  scratch[padded - 1] = bits;
  for (let at = 0; at < padded; at += 64) compress(state, scratch, at);
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/** Copies an ASCII string into scratch; false when it is not ASCII or too long. */
function asciiToScratch(message: string): boolean {
  const len = message.length;
  if (len > FAST_MAX) return false;
  for (let i = 0; i < len; i++) {
    const c = message.charCodeAt(i);
    if (c > 0x7f) return false;
    scratch[i] = c;
  }
  return true;
}

const plainState = new Int32Array(8);
const plainDigest = new Uint8Array(32);

/** SHA-256 as hex of an ASCII string or of bytes up to FAST_MAX long; undefined otherwise (the caller uses node:crypto). */
export function sha256HexSmall(data: string | Uint8Array): string | undefined {
  if (typeof data === 'string') {
    if (!asciiToScratch(data)) return undefined;
  } else {
    if (data.length > FAST_MAX) return undefined;
    scratch.set(data, 0);
  }
  plainState.set(IV);
  finish(plainState, data.length, plainDigest, 0);
  return hex(plainDigest);
}

/** An HMAC-SHA256 key (up to 64 bytes) with its pad states hashed once. */
export class HmacSha256 {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly state = new Int32Array(8);
  private readonly digest = new Uint8Array(32);

  constructor(key: Uint8Array) {
    if (key.length > 64) throw new Error('HMAC keys longer than a block are hashed first; SigV4 keys are 32 bytes');
    const pad = new Uint8Array(64);
    this.inner.set(IV);
    for (let i = 0; i < 64; i++) pad[i] = (key[i] ?? 0) ^ 0x36;
    compress(this.inner, pad, 0);
    this.outer.set(IV);
    for (let i = 0; i < 64; i++) pad[i] = (key[i] ?? 0) ^ 0x5c;
    compress(this.outer, pad, 0);
  }

  /** The MAC of an ASCII message, as lower-case hex; undefined when the message is not ASCII or too long for this fast path. */
  hexOfAscii(message: string): string | undefined {
    if (!asciiToScratch(message)) return undefined;
    this.state.set(this.inner);
    finish(this.state, message.length, this.digest);
    scratch.set(this.digest, 0);
    this.state.set(this.outer);
    finish(this.state, 32, this.digest);
    return hex(this.digest);
  }
}
