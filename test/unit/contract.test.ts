// Main and the window cannot drift apart: the handlers main implements cover
// every method of the contract with its result type, the window's request()
// answers exactly that type, and the preload lets through exactly the
// contract's method and stream names. The type-level checks fail `tsc`
// (npm test type-checks first); the runtime ones fail here.
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { ContractHandlers, Method, MethodResults, Result, ResultOf, Stream, StreamFrame, WorkbenchApi } from '../../main/contract/index.js';
import { IPC_REQUEST, IPC_SUBSCRIBE, METHODS, STREAMS, methodParams } from '../../main/contract/index.js';
import type { createHandlers } from '../../main/app/handlers.js';

declare const api: WorkbenchApi;
type RequestResult<M extends Method> = Awaited<ReturnType<typeof api.request<M>>>;
type HandlerResult<M extends Method> = Awaited<ReturnType<ContractHandlers[M]>>;

describe('type-level drift', () => {
  it('ContractHandlers has a handler for every method, and nothing else', () => {
    expectTypeOf<keyof ContractHandlers>().toEqualTypeOf<Method>();
    expectTypeOf<keyof MethodResults>().toEqualTypeOf<Method>();
    expectTypeOf<keyof typeof methodParams>().toEqualTypeOf<Method>();
  });

  it('each handler answers its method\'s result, and request() hands the window exactly Result<MethodResults[M]>', () => {
    expectTypeOf<{ [M in Method]: HandlerResult<M> }>().toEqualTypeOf<{ [M in Method]: MethodResults[M] }>();
    expectTypeOf<{ [M in Method]: RequestResult<M> }>().toEqualTypeOf<{ [M in Method]: Result<MethodResults[M]> }>();
    expectTypeOf<RequestResult<'functions.delete'>>().toEqualTypeOf<Result<{ deleted: string }>>();
    expectTypeOf<ResultOf<'events.templates'>>().toEqualTypeOf<MethodResults['events.templates']>();
  });

  it('main\'s handlers are ContractHandlers', () => {
    expectTypeOf<ReturnType<typeof createHandlers>>().toEqualTypeOf<ContractHandlers>();
  });

  it('a handler with the wrong result type, or a missing handler, does not compile', () => {
    // @ts-expect-error functions.delete answers { deleted: string }, not { removed: string }
    const wrongResult: ContractHandlers['functions.delete'] = async () => ({ removed: 'f' });
    // @ts-expect-error every method needs its handler: this object has one
    const missing: ContractHandlers = { 'status.get': async () => ({}) as MethodResults['status.get'] };
    // @ts-expect-error the window cannot ask for a method the contract does not have
    void (() => api.request('functions.nuke', {}));
    expect([typeof wrongResult, typeof missing]).toEqual(['function', 'object']);
  });

  it('a subscriber gets frames of its own stream', () => {
    expectTypeOf<Parameters<Parameters<typeof api.subscribe<'functions'>>[1]>[0]>().toEqualTypeOf<StreamFrame<'functions'>>();
  });
});

// The preload with electron mocked: what it exposes and what it lets through.
const bridge = vi.hoisted(() => ({
  exposed: {} as Record<string, unknown>,
  invoke: vi.fn(async (_channel: string, method: string) => ({ ok: true, value: method })),
  send: vi.fn(),
  on: vi.fn(),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (bridge.exposed[key] = value) },
  ipcRenderer: { invoke: bridge.invoke, send: bridge.send, on: bridge.on },
}));

describe('the preload', () => {
  it('exposes exactly window.workbench = { request, subscribe } and nothing else', async () => {
    await import('../../main/electron/preload.js');
    expect(Object.keys(bridge.exposed)).toEqual(['workbench']);
    expect(Object.keys(bridge.exposed.workbench as object).sort()).toEqual(['request', 'subscribe']);
  });

  it('lets through exactly the contract\'s METHODS', async () => {
    const { workbench } = await import('../../main/electron/preload.js');
    const request = workbench.request as (m: string, p: unknown) => Promise<Result<unknown>>;
    const candidates = [...METHODS, 'functions', 'functions.list ', 'FUNCTIONS.LIST', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'lwb:request', 'code.save.x'];
    bridge.invoke.mockClear();
    const passed: string[] = [];
    for (const m of candidates) {
      const r = await request(m, {});
      if (r.ok) passed.push(m);
      else expect(r.error.code, m).toBe('UnknownMethod');
    }
    expect(passed.sort()).toEqual([...METHODS].sort());
    expect(bridge.invoke.mock.calls.map((c) => c[1]).sort()).toEqual([...METHODS].sort());
    expect(new Set(bridge.invoke.mock.calls.map((c) => c[0]))).toEqual(new Set([IPC_REQUEST]));
  });

  it('follows exactly the contract\'s STREAMS, subscribing once per stream and leaving with the last listener', async () => {
    const { workbench } = await import('../../main/electron/preload.js');
    bridge.send.mockClear();
    for (const s of STREAMS) {
      const off1 = workbench.subscribe(s, () => undefined);
      const off2 = workbench.subscribe(s, () => undefined);
      off1();
      off2();
      off2();
    }
    expect(bridge.send.mock.calls).toEqual(STREAMS.flatMap((stream) => [[IPC_SUBSCRIBE, { t: 'sub', stream }], [IPC_SUBSCRIBE, { t: 'unsub', stream }]]));
    for (const s of ['logs', '__proto__', 'functions ', '']) expect(() => workbench.subscribe(s as Stream, () => undefined), s).toThrow(/UnknownStream/);
  });
});
