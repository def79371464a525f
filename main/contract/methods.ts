// Every request the window can make, as data: the method's name, the schema its
// parameters are checked against at the boundary (main side, whatever the
// transport), and — in `MethodResults` — the type it answers. The preload and the
// WebSocket host expose exactly these names; nothing else crosses.
import { z } from 'zod';
import type {
  CodeFile,
  CodeTree,
  EngineStatus,
  EnvSummary,
  EventTemplateView,
  FunctionDetail,
  FunctionSummary,
  InvocationResult,
  RuntimeTemplate,
  SaveResult,
  SavedEventView,
  SavedEventsDocument,
} from './results.js';
import type { EnvRecord, EnvStateChange, InvocationDetail, InvocationRecord, LogLine, MetricsView, Page, TmpChange, TmpFile, TmpView } from './telemetry.js';

const fnName = z.string().min(1).max(170);
const codePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.split('/').some((s) => s === '..' || s === '.' || s === ''), 'a relative path without ".", ".." or empty segments');
const envVars = z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/), z.string().max(4096));
const eventName = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/);
const envId = z.string().regex(/^[0-9a-f]{16}$/, "an env id (16 hex digits)");
/** A path inside an env's /tmp, relative to it: no '.', '..' or empty segments (the init lists paths that way). */
const tmpPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.startsWith('/') && !p.includes('\0') && !p.split('/').some((s) => s === '..' || s === '.' || s === ''), 'a path relative to /tmp without ".", ".." or empty segments');
const epochMs = z.number().finite().min(0);
const templateId = z.enum(['nodejs-esm', 'nodejs-cjs', 'typescript', 'python', 'provided-bash']);

export const codeOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('write'), path: codePath, content: z.string().max(50 * 1024 * 1024) }),
  z.object({ op: z.literal('delete'), path: codePath }),
  z.object({ op: z.literal('rename'), from: codePath, to: codePath }),
  z.object({ op: z.literal('mkdir'), path: codePath }),
]);
export type CodeOp = z.infer<typeof codeOp>;

export const methodParams = {
  'status.get': z.object({}),
  'functions.list': z.object({}),
  'functions.get': z.object({ name: fnName }),
  'functions.templates': z.object({}),
  'functions.create': z.object({
    name: z.string().regex(/^[a-zA-Z0-9-_]{1,64}$/, 'letters, digits, hyphens and underscores, at most 64'),
    template: templateId,
    runtime: z.string().optional(),
    handler: z.string().max(128).optional(),
    memorySize: z.number().int().min(128).max(10240).optional(),
    timeout: z.number().int().min(1).max(900).optional(),
    ephemeralStorage: z.number().int().min(512).max(10240).optional(),
    environment: envVars.optional(),
    description: z.string().max(256).optional(),
  }),
  'functions.updateConfig': z.object({
    name: fnName,
    handler: z.string().max(128).optional(),
    runtime: z.string().optional(),
    memorySize: z.number().int().min(128).max(10240).optional(),
    timeout: z.number().int().min(1).max(900).optional(),
    ephemeralStorage: z.number().int().min(512).max(10240).optional(),
    environment: envVars.optional(),
    description: z.string().max(256).optional(),
    /** The revision the form was filled from: a change by anyone since → ResourceConflictException. */
    expectedRevisionId: z.string().optional(),
    /** Outbound settings (issue 12); null returns a setting to the workbench's default. */
    network: z.object({ mode: z.enum(['none', 'internet']).nullable().optional(), hostPorts: z.array(z.number().int().min(1).max(65535)).max(64).optional() }).nullable().optional(),
    credentials: z.object({ source: z.string().max(80) }).nullable().optional(),
    endpoints: z.object({ url: z.string().max(2048).optional(), services: z.record(z.string().max(64), z.string().max(2048)).optional() }).nullable().optional(),
    vpcConfig: z.object({ subnetIds: z.array(z.string().max(64)).max(16), securityGroupIds: z.array(z.string().max(64)).max(5) }).nullable().optional(),
  }),
  'functions.delete': z.object({ name: fnName }),
  'functions.publishVersion': z.object({ name: fnName, description: z.string().max(256).optional() }),
  'aliases.put': z.object({ name: fnName, alias: z.string().regex(/^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/).max(128), version: z.string(), description: z.string().max(256).optional() }),
  'aliases.delete': z.object({ name: fnName, alias: z.string().max(128) }),
  'code.tree': z.object({ name: fnName }),
  'code.read': z.object({ name: fnName, path: codePath }),
  /**
   * One save: every change applied together as one new `$LATEST` (and built, for TypeScript),
   * through UpdateFunctionCode: running invocations finish on the old code, the next invoke is
   * cold ("after-code-change"). Operations apply in order; if one fails (a missing path, a write
   * through a link or into a file) nothing is saved (InvalidCodeOperation,
   * ResourceNotFoundException). A TypeScript build that fails is NOT an error: the call answers
   * ok with `build.ok === false`, the diagnostics and the unchanged revision, and nothing is
   * saved (so the editor can show markers). `expectedRevisionId` not current →
   * ResourceConflictException. A linked folder's function → ReadOnlyCode (edit the folder).
   */
  'code.save': z.object({ name: fnName, ops: z.array(codeOp).min(1).max(1000), expectedRevisionId: z.string().optional() }),
  'invoke.run': z.object({
    name: fnName,
    qualifier: z.string().max(128).optional(),
    /** The payload as JSON text, exactly as typed. */
    payload: z.string().max(6 * 1024 * 1024),
    type: z.enum(['RequestResponse', 'Event', 'DryRun']).default('RequestResponse'),
    source: z.enum(['ui', 'batch']).default('ui'),
  }),
  'envs.list': z.object({ name: fnName.optional() }),
  /** Invocation records, newest first (a function's, an env's, or all), within [since, until). */
  'telemetry.invocations': z.object({ name: fnName.optional(), envId: envId.optional(), since: epochMs.optional(), until: epochMs.optional(), limit: z.number().int().min(1).max(20_000).default(2000) }),
  'telemetry.invocation': z.object({ requestId: z.string().min(1).max(64) }),
  /** Log lines in order: the newest `limit` (before `beforeId` if given), or those after `afterId`. */
  'telemetry.logs': z.object({
    name: fnName,
    envId: envId.optional(),
    requestId: z.string().max(64).optional(),
    beforeId: z.number().int().min(0).optional(),
    afterId: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(200_000).default(5000),
  }),
  'telemetry.envs': z.object({ name: fnName.optional(), includeGone: z.boolean().default(true), limit: z.number().int().min(1).max(5000).default(1000) }),
  'telemetry.envStates': z.object({ name: fnName.optional(), since: epochMs.optional(), limit: z.number().int().min(1).max(200_000).default(50_000) }),
  'telemetry.metrics': z.object({ name: fnName, from: epochMs, to: epochMs, bucketMs: z.number().int().min(1000).max(86_400_000) }),
  /** Shuts one env down; its function's next invoke that needs a new env is cold with the cause "forced". */
  'envs.kill': z.object({ envId }),
  'envs.killAll': z.object({ name: fnName }),
  /** Starts `count` envs that run INIT now and wait idle (on-demand, cause "prewarm"). */
  'envs.prewarm': z.object({ name: fnName, qualifier: z.string().max(128).optional(), count: z.number().int().min(1).max(50) }),
  /** Every invoke in a new env (destroyed afterwards), for every function, until turned off. */
  'envs.forceCold': z.object({ on: z.boolean() }),
  /** The env's /tmp as of the end of its last invocation: read without thawing it, never following a link. */
  'envs.tmp': z.object({ envId }),
  'envs.tmpChanges': z.object({ envId }),
  'envs.tmpRead': z.object({ envId, path: tmpPath, offset: z.number().int().min(0).default(0), maxBytes: z.number().int().min(1).max(16 * 1024 * 1024).default(64 * 1024) }),
  'events.templates': z.object({}),
  'events.render': z.object({ source: z.string().max(64), type: z.string().max(64), params: z.record(z.string(), z.unknown()).default({}), records: z.number().int().min(1).max(100).optional() }),
  'events.saved.list': z.object({ name: fnName }),
  'events.saved.save': z.object({ name: fnName, eventName, event: z.unknown() }),
  'events.saved.rename': z.object({ name: fnName, eventName, newName: eventName }),
  'events.saved.delete': z.object({ name: fnName, eventName }),
  'events.saved.export': z.object({ name: fnName.optional() }),
  'events.saved.import': z.object({ document: z.unknown() }),
} as const;

export type Method = keyof typeof methodParams;
/** The parameters as the caller writes them (defaults optional). */
export type ParamsOf<M extends Method> = z.input<(typeof methodParams)[M]>;
/** The parameters as a handler receives them (validated, defaults filled). */
export type CheckedParamsOf<M extends Method> = z.output<(typeof methodParams)[M]>;

/** What each method answers. A method without an entry here fails the type check below. */
export interface MethodResults {
  'status.get': EngineStatus;
  'functions.list': FunctionSummary[];
  'functions.get': FunctionDetail;
  'functions.templates': RuntimeTemplate[];
  'functions.create': FunctionSummary;
  'functions.updateConfig': FunctionDetail;
  'functions.delete': { deleted: string };
  'functions.publishVersion': { version: string };
  'aliases.put': { alias: string; functionVersion: string };
  'aliases.delete': { deleted: string };
  'code.tree': CodeTree;
  'code.read': CodeFile;
  'code.save': SaveResult;
  'invoke.run': InvocationResult;
  'envs.list': EnvSummary[];
  'telemetry.invocations': Page<InvocationRecord>;
  'telemetry.invocation': InvocationDetail;
  'telemetry.logs': Page<LogLine>;
  'telemetry.envs': Page<EnvRecord>;
  'telemetry.envStates': Page<EnvStateChange>;
  'telemetry.metrics': MetricsView;
  'envs.kill': { killed: string };
  'envs.killAll': { killed: number };
  'envs.prewarm': { started: number };
  'envs.forceCold': { forceCold: boolean };
  'envs.tmp': TmpView;
  'envs.tmpChanges': TmpChange[];
  'envs.tmpRead': TmpFile;
  'events.templates': EventTemplateView[];
  'events.render': { payload: unknown };
  'events.saved.list': SavedEventView[];
  'events.saved.save': SavedEventView;
  'events.saved.rename': SavedEventView;
  'events.saved.delete': { deleted: string };
  'events.saved.export': SavedEventsDocument;
  'events.saved.import': { imported: number };
}

export type ResultOf<M extends Method> = MethodResults[M];

// Both maps name the same methods, or this fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const methodsMatch: Same<Method, keyof MethodResults> = true;

export const METHODS = Object.keys(methodParams) as Method[];
export const isMethod = (m: unknown): m is Method => typeof m === 'string' && Object.hasOwn(methodParams, m);

// The zod-free name list (names.ts, what the preload checks against) names exactly these methods.
export const namesMatch: Same<Method, import('./names.js').MethodName> = true;
