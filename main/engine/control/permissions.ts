// Resource-based policies (AddPermission, GetPolicy, RemovePermission): who may
// invoke a function. Kept and shown exactly as AWS shapes them; the workbench
// does not enforce them on local invokes.
import { LambdaError, invalidParameter, notFound } from '../errors.js';
import { requireString } from './function-config.js';
import type { FunctionRegistry } from './functions.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: { Service: string } | { AWS: string } | string;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface AddPermissionInput {
  StatementId?: unknown;
  Action?: unknown;
  Principal?: unknown;
  SourceArn?: unknown;
  SourceAccount?: unknown;
  PrincipalOrgID?: unknown;
  FunctionUrlAuthType?: unknown;
}

const SID_RE = /^[a-zA-Z0-9-_.]{1,100}$/;

export class Permissions {
  constructor(private readonly functions: FunctionRegistry) {}

  /** Policies are kept per qualifier; '' is the function itself. */
  private target(name: string, qualifier?: string): { fn: string; key: string; arn: string } {
    const t = this.functions.qualified(name, qualifier);
    return { fn: t.fn, key: t.qualifier ?? '', arn: t.arn };
  }

  add(name: string, qualifier: string | undefined, input: AddPermissionInput): PolicyStatement {
    const { fn, key, arn } = this.target(name, qualifier);
    const sid = requireString(input.StatementId, 'StatementId');
    if (!SID_RE.test(sid)) throw invalidParameter('StatementId must be 1-100 letters, digits, hyphens, underscores or dots.');
    const action = requireString(input.Action, 'Action');
    if (!/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(action)) throw invalidParameter(`Action ${action} is not a Lambda action (e.g. lambda:InvokeFunction).`);
    const principal = requireString(input.Principal, 'Principal');
    const statement: PolicyStatement = {
      Sid: sid,
      Effect: 'Allow',
      Principal: principal === '*' ? '*' : principal.includes('.amazonaws.com') ? { Service: principal } : { AWS: /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
      Action: action,
      Resource: arn,
    };
    const condition: Record<string, Record<string, string>> = {};
    if (typeof input.SourceArn === 'string') condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
    if (typeof input.SourceAccount === 'string') condition.StringEquals = { 'AWS:SourceAccount': input.SourceAccount };
    if (typeof input.PrincipalOrgID === 'string') condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': input.PrincipalOrgID };
    if (typeof input.FunctionUrlAuthType === 'string') condition.StringEquals = { ...condition.StringEquals, 'lambda:FunctionUrlAuthType': input.FunctionUrlAuthType };
    if (Object.keys(condition).length) statement.Condition = condition;
    this.functions.patch(fn, (r) => {
      const existing = r.policies?.[key] ?? [];
      if (existing.some((s) => s.Sid === sid)) {
        throw new LambdaError('ResourceConflictException', `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
      }
      return { policies: { ...r.policies, [key]: [...existing, statement] } };
    });
    return statement;
  }

  policy(name: string, qualifier?: string): { Policy: string; RevisionId: string } {
    const { fn, key } = this.target(name, qualifier);
    const record = this.functions.get(fn, true);
    const statements = record.policies?.[key] ?? [];
    if (statements.length === 0) throw notFound('The resource you requested does not exist.');
    return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }), RevisionId: record.config.RevisionId };
  }

  remove(name: string, qualifier: string | undefined, sid: string): void {
    const { fn, key } = this.target(name, qualifier);
    this.functions.patch(fn, (r) => {
      const existing = r.policies?.[key] ?? [];
      if (!existing.some((s) => s.Sid === sid)) throw notFound(`Statement ${sid} is not found in resource policy.`);
      return { policies: { ...r.policies, [key]: existing.filter((s) => s.Sid !== sid) } };
    });
  }
}
