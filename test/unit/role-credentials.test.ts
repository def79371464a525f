// The execution role's credentials for envs: fixed dummy keys, none, or a
// profile's keys resolved once and reused until shortly before they expire.
import { describe, expect, it } from 'vitest';
import { DUMMY_CREDENTIALS, ExecutionRoleCredentials, type ResolvedKeys } from '../../main/engine/data/credentials.js';
import { LambdaError } from '../../main/engine/errors.js';

describe('execution role credentials', () => {
  it('dummy and none need no provider', async () => {
    const creds = new ExecutionRoleCredentials(() => Promise.reject(new Error('not called')));
    expect(await creds.envFor()).toEqual(DUMMY_CREDENTIALS);
    expect(await creds.envFor('dummy')).toEqual(DUMMY_CREDENTIALS);
    expect(await creds.envFor('none')).toEqual({});
  });

  it("a profile's keys as Lambda's variables, resolved once until close to expiry (concurrent envs share one resolution)", async () => {
    const calls: string[] = [];
    let expiration = new Date(Date.now() + 3600_000);
    const creds = new ExecutionRoleCredentials(async (profile): Promise<ResolvedKeys> => {
      calls.push(profile);
      await new Promise((r) => setTimeout(r, 20));
      return { accessKeyId: `ASIA${calls.length}`, secretAccessKey: 's', sessionToken: 't', expiration };
    });
    const [a, b] = await Promise.all([creds.envFor('profile:dev'), creds.envFor('profile:dev')]);
    expect(a).toEqual({ AWS_ACCESS_KEY_ID: 'ASIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' });
    expect(b).toBe(a);
    expect(calls).toEqual(['dev']);
    // Keys that expire within the margin are resolved again.
    expiration = new Date(Date.now() + 60_000);
    const creds2 = new ExecutionRoleCredentials(async () => ({ accessKeyId: `K${calls.push('x')}`, secretAccessKey: 's', expiration }));
    const first = await creds2.envFor('profile:short');
    const second = await creds2.envFor('profile:short');
    expect(first.AWS_ACCESS_KEY_ID).not.toBe(second.AWS_ACCESS_KEY_ID);
    // Long-term keys have no session token, and none is made up.
    expect(first).not.toHaveProperty('AWS_SESSION_TOKEN');
  });

  it('a profile that cannot be resolved says which and what to do, as InvalidParameterValueException', async () => {
    const creds = new ExecutionRoleCredentials(() => Promise.reject(new Error('Could not resolve credentials using profile: [gone]')));
    const err = await creds.envFor('profile:gone').catch((e) => e);
    expect(err).toBeInstanceOf(LambdaError);
    expect(err.code).toBe('InvalidParameterValueException');
    expect(err.message).toMatch(/profile gone .*aws sso login --profile gone/);
  });
});
