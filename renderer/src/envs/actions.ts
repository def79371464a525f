// What the panel can do to envs, each answering with a toast: the result in
// words, or the engine's error with its code, message and what to do.
import { api } from '../client.js';
import { toast } from '../components/index.js';
import { shortId } from './format.js';
import { setForceColdKnown } from './hooks.js';

export async function killEnv(envId: string): Promise<boolean> {
  const r = await api.request('envs.kill', { envId });
  if (!r.ok) {
    toast.error(`Could not kill env ${shortId(envId)}`, r.error);
    return false;
  }
  toast.success(`Env ${shortId(r.value.killed)} killed`, 'The next invoke that needs a new env starts cold with the cause "forced".');
  return true;
}

export async function killAllEnvs(functionName: string): Promise<boolean> {
  const r = await api.request('envs.killAll', { name: functionName });
  if (!r.ok) {
    toast.error(`Could not kill the envs of ${functionName}`, r.error);
    return false;
  }
  const n = r.value.killed;
  toast.success(n === 0 ? `${functionName} had no env to kill` : `${n} env${n === 1 ? '' : 's'} of ${functionName} killed`, n ? 'Its next invoke starts cold with the cause "forced".' : undefined);
  return true;
}

export async function prewarm(functionName: string, count: number): Promise<boolean> {
  const r = await api.request('envs.prewarm', { name: functionName, count });
  if (!r.ok) {
    toast.error(`Could not pre-warm ${functionName}`, r.error);
    return false;
  }
  const n = r.value.started;
  toast.success(`Pre-warming ${n} env${n === 1 ? '' : 's'} of ${functionName}`, 'Each runs INIT now and waits idle (cause "prewarm").');
  return true;
}

export async function setForceCold(on: boolean): Promise<boolean> {
  const r = await api.request('envs.forceCold', { on });
  if (!r.ok) {
    toast.error(`Could not turn force cold ${on ? 'on' : 'off'}`, r.error);
    return false;
  }
  setForceColdKnown(r.value.forceCold);
  toast.info(
    `Force cold ${r.value.forceCold ? 'on' : 'off'} for every function`,
    r.value.forceCold ? 'Every invoke runs in a new env, destroyed afterwards.' : 'Envs are reused again.',
  );
  return true;
}
