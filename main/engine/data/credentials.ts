// The execution role's credentials, as Lambda puts them in an env's
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), from
// the source the function or the workbench picked:
//   dummy           fixed, clearly fake keys (the default: nothing real can leak)
//   none            no keys at all
//   profile:<name>  an AWS profile of the user's, resolved on the host by AWS's own
//                   providers (fromIni: static keys, SSO, assumed roles, credential_process)
// Resolved keys are held in memory only, until shortly before they expire; they
// go to the env through its private channel and nowhere else (never logged, never
// in a configuration, the audit trail or an API answer).
import { fromIni } from '@aws-sdk/credential-providers';
import { LambdaError } from '../errors.js';

export const DUMMY_CREDENTIALS: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIAWORKBENCHLOCAL00',
  AWS_SECRET_ACCESS_KEY: 'workbench-local-secret-not-a-real-key',
  AWS_SESSION_TOKEN: 'workbench-local-session',
};

export interface ResolvedKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Keys are used until this long before they expire (an env lives a while; Lambda's own last hours). */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/** Keys without an expiry are read again after this long (the user may have changed the profile). */
const STATIC_KEYS_MS = 5 * 60_000;

export class ExecutionRoleCredentials {
  private readonly cache = new Map<string, { env: Record<string, string>; until: number }>();
  private readonly pending = new Map<string, Promise<Record<string, string>>>();

  constructor(
    /** Resolves a profile's keys; AWS's fromIni unless a test says otherwise. */
    private readonly resolveProfile: (profile: string) => Promise<ResolvedKeys> = (profile) => fromIni({ profile })(),
  ) {}

  /** The variables an env of this source gets (source as workbench-settings.ts checked it). */
  async envFor(source = 'dummy'): Promise<Record<string, string>> {
    if (source === 'dummy') return DUMMY_CREDENTIALS;
    if (source === 'none') return {};
    const cached = this.cache.get(source);
    if (cached && cached.until > Date.now()) return cached.env;
    let p = this.pending.get(source);
    if (!p) {
      p = this.resolve(source).finally(() => this.pending.delete(source));
      this.pending.set(source, p);
    }
    return p;
  }

  private async resolve(source: string): Promise<Record<string, string>> {
    const profile = source.slice('profile:'.length);
    let keys: ResolvedKeys;
    try {
      keys = await this.resolveProfile(profile);
    } catch (err) {
      // The provider's message names the profile and what is missing, never a secret.
      throw new LambdaError(
        'InvalidParameterValueException',
        `The execution role's credentials could not be resolved from AWS profile ${profile} (WorkbenchCredentials ${source}): ${(err as Error).message}. ` +
          `Sign in again (for SSO: aws sso login --profile ${profile}), fix the profile in ~/.aws/config, or choose dummy or none as the source.`,
      );
    }
    const env: Record<string, string> = { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey };
    // Lambda always sets a session token; long-term keys of a profile have none, and SDKs reject an empty one.
    if (keys.sessionToken) env.AWS_SESSION_TOKEN = keys.sessionToken;
    const until = keys.expiration ? keys.expiration.getTime() - EXPIRY_MARGIN_MS : Date.now() + STATIC_KEYS_MS;
    this.cache.set(source, { env, until });
    return env;
  }
}
