// Builds deployment packages in memory, the way a user's zip tool would.
import yazl from 'yazl';
import { zipBytes } from '../../main/engine/control/linked-folders.js';

export interface ZipFileSpec {
  content: string | Buffer;
  /** Unix mode, e.g. 0o755 for a provided bootstrap. */
  mode?: number;
}

export function makeZip(files: Record<string, string | Buffer | ZipFileSpec>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, spec] of Object.entries(files)) {
    const s: ZipFileSpec = typeof spec === 'string' || Buffer.isBuffer(spec) ? { content: spec } : spec;
    const data = Buffer.isBuffer(s.content) ? s.content : Buffer.from(s.content);
    zip.addBuffer(data, name, { mode: s.mode ?? 0o100644 });
  }
  return zipBytes(zip);
}
