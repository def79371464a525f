// The little of Node's typing a Lambda handler touches, as a .d.ts text for
// Monaco's TypeScript worker. The full @types/node is ~2 MB of declarations; a
// handler needs `process.env`, `console`, `Buffer`, timers, require/module for
// CommonJS, and imports of built-ins and the SDK that the runtime provides —
// these resolve to `any` rather than showing a red squiggle the function does
// not deserve. DOM's lib (the default for target ES2022 in Monaco) already
// gives console, setTimeout, fetch, URL, TextEncoder, AbortController.
// Kept as a string (not a .d.ts file) so the renderer's own type check never
// sees these globals.
export const NODE_GLOBALS_PATH = 'file:///node_modules/@types/lwb-node-globals/index.d.ts';

export const NODE_GLOBALS_DTS = `
declare namespace NodeJS {
  interface ProcessEnv { [key: string]: string | undefined; TZ?: string }
  interface MemoryUsage { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number }
  interface Process {
    env: ProcessEnv;
    argv: string[];
    pid: number;
    platform: string;
    arch: string;
    version: string;
    versions: Record<string, string>;
    exitCode?: number;
    cwd(): string;
    exit(code?: number): never;
    uptime(): number;
    hrtime: { (time?: [number, number]): [number, number]; bigint(): bigint };
    memoryUsage(): MemoryUsage;
    nextTick(callback: (...args: any[]) => void, ...args: any[]): void;
    on(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
    stdout: { write(chunk: string | Uint8Array): boolean };
    stderr: { write(chunk: string | Uint8Array): boolean };
  }
  interface Require {
    (id: string): any;
    resolve(id: string): string;
    cache: Record<string, any>;
  }
  interface Module { exports: any; id: string; filename: string; loaded: boolean; require: Require }
}
declare var process: NodeJS.Process;
declare var require: NodeJS.Require;
declare var module: NodeJS.Module;
declare var exports: any;
declare var __dirname: string;
declare var __filename: string;
declare var global: typeof globalThis;

type BufferEncoding = 'ascii' | 'utf8' | 'utf-8' | 'utf16le' | 'ucs2' | 'ucs-2' | 'base64' | 'base64url' | 'latin1' | 'binary' | 'hex';
interface Buffer extends Uint8Array {
  toString(encoding?: BufferEncoding, start?: number, end?: number): string;
  toJSON(): { type: 'Buffer'; data: number[] };
  equals(other: Uint8Array): boolean;
  write(string: string, encoding?: BufferEncoding): number;
  subarray(start?: number, end?: number): Buffer;
  slice(start?: number, end?: number): Buffer;
}
interface BufferConstructor {
  from(data: string, encoding?: BufferEncoding): Buffer;
  from(data: ArrayLike<number> | ArrayBufferLike | Uint8Array): Buffer;
  alloc(size: number, fill?: string | number, encoding?: BufferEncoding): Buffer;
  allocUnsafe(size: number): Buffer;
  byteLength(string: string | ArrayBufferView | ArrayBuffer, encoding?: BufferEncoding): number;
  concat(list: readonly Uint8Array[], totalLength?: number): Buffer;
  isBuffer(obj: any): obj is Buffer;
  compare(a: Uint8Array, b: Uint8Array): number;
}
declare var Buffer: BufferConstructor;
declare function setImmediate(callback: (...args: any[]) => void, ...args: any[]): any;
declare function clearImmediate(handle: any): void;

declare module 'node:stream' {
  export class Stream {
    pipe<T>(destination: T, options?: { end?: boolean }): T;
    on(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
  }
  export class Readable extends Stream implements AsyncIterable<any> {
    static from(iterable: Iterable<any> | AsyncIterable<any>, options?: object): Readable;
    read(size?: number): any;
    push(chunk: any, encoding?: BufferEncoding): boolean;
    destroy(error?: Error): this;
    [Symbol.asyncIterator](): AsyncIterator<any>;
  }
  export class Writable extends Stream {
    constructor(options?: object);
    write(chunk: any, callback?: (error?: Error | null) => void): boolean;
    write(chunk: any, encoding: BufferEncoding, callback?: (error?: Error | null) => void): boolean;
    end(callback?: () => void): this;
    end(chunk: any, callback?: () => void): this;
    end(chunk: any, encoding: BufferEncoding, callback?: () => void): this;
    setContentType?(contentType: string): void;
    destroy(error?: Error): this;
    readonly writable: boolean;
  }
  export class Duplex extends Readable {}
  export class Transform extends Duplex {}
  export class PassThrough extends Transform {}
  export function pipeline(...streams: any[]): any;
}
declare module 'stream' {
  export * from 'node:stream';
}

// Built-ins and the SDK the runtime provides: importable, typed as any.
declare module 'node:*';
${['assert', 'async_hooks', 'buffer', 'child_process', 'crypto', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https', 'net', 'os', 'path', 'querystring', 'readline', 'stream/promises', 'string_decoder', 'timers', 'timers/promises', 'tls', 'url', 'util', 'worker_threads', 'zlib']
  .map((m) => `declare module '${m}';`)
  .join('\n')}
declare module '@aws-sdk/*';
declare module '@smithy/*';
`;
