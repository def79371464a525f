// Builds deployment packages in memory, the way a user's zip tool would
// (makeZip), or byte by byte the way an attacker would (rawZip: any name, any
// mode, lying sizes, entries no zip tool would write).
import { crc32, deflateRawSync } from 'node:zlib';
import yazl from 'yazl';
import { zipBytes } from '../../main/engine/control/linked-folders.js';

export interface ZipFileSpec {
  content: string | Buffer;
  /** Unix mode with its type bits, e.g. 0o100755 for a provided bootstrap, 0o120777 for a symlink (content = target). */
  mode?: number;
}

/** A folder entry (`name/`), e.g. `{ dir: 0o40700 }`. */
export interface ZipDirSpec {
  dir: number;
}

export function makeZip(files: Record<string, string | Buffer | ZipFileSpec | ZipDirSpec>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, spec] of Object.entries(files)) {
    if (typeof spec === 'object' && 'dir' in spec) {
      zip.addEmptyDirectory(name, { mode: spec.dir });
      continue;
    }
    const s: ZipFileSpec = typeof spec === 'string' || Buffer.isBuffer(spec) ? { content: spec } : spec;
    const data = Buffer.isBuffer(s.content) ? s.content : Buffer.from(s.content);
    zip.addBuffer(data, name, { mode: s.mode ?? 0o100644 });
  }
  return zipBytes(zip);
}

export interface RawEntry {
  /** Written as given (UTF-8 flag set when a string): no checks at all. */
  name: string | Buffer;
  data?: Buffer;
  /** Unix mode with type bits, stored in the upper half of the external attributes; 0 = none (as Windows tools write). */
  mode?: number;
  /** 8 = deflate (default), 0 = stored. */
  method?: 0 | 8;
  /** Declared uncompressed size, when it should lie. */
  declaredSize?: number;
  /** Compressed bytes to store instead of compressing `data` (e.g. a precomputed bomb). */
  compressed?: Buffer;
  crc?: number;
}

/** A zip written field by field: what an attacker can send. */
export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const data = e.data ?? Buffer.alloc(0);
    const method = e.method ?? 8;
    const body = e.compressed ?? (method === 8 ? deflateRawSync(data) : data);
    const crc = e.crc ?? crc32(data);
    const size = e.declaredSize ?? data.length;
    const flags = Buffer.isBuffer(e.name) ? 0 : 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0x5021_0000, 10); // a fixed DOS date and time
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(0x5021_0000, 12);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
