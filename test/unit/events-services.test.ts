// The service-source event templates, verified: every template rendered with
// its defaults and with 20 randomised parameter sets must (a) parse with the
// matching @aws-lambda-powertools/parser schema, except for the reviewed
// disagreements in SERVICES_ALLOWED, and (b) hold together: ARNs agree with
// the region and account, timestamps are recent and in each field's own
// format, ids are UUIDs where the service uses them, duplicated values agree.
// (@types/aws-lambda is the other oracle: each render `satisfies` its type, so
// `tsc --noEmit` checks that.)
import {
  CloudFormationCustomResourceCreateSchema,
  CloudFormationCustomResourceDeleteSchema,
  CloudFormationCustomResourceUpdateSchema,
  CreateAuthChallengeTriggerSchema,
  CustomEmailSenderTriggerSchema,
  CustomMessageTriggerSchema,
  CustomSMSSenderTriggerSchema,
  DefineAuthChallengeTriggerSchema,
  EventBridgeSchema,
  MigrateUserTriggerSchema,
  PostAuthenticationTriggerSchema,
  PostConfirmationTriggerSchema,
  PreAuthenticationTriggerSchema,
  PreSignupTriggerSchema,
  PreTokenGenerationTriggerSchemaV1,
  PreTokenGenerationTriggerSchemaV2AndV3,
  SesSchema,
  VerifyAuthChallengeTriggerSchema,
} from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { renderEvent, resolveParams } from '../../main/engine/events/catalog.js';
import { SERVICES_TEMPLATES } from '../../main/engine/events/catalog/services.js';
import { partitionOf, type EventTemplate, type ParamValues } from '../../main/engine/events/template.js';
import { randomParams } from '../helpers/events.js';
import { SERVICES_ALLOWED, type AllowedDisagreement } from './events-allowlist.js';

/** A rendered event, read field by field. */
type Json = any;
type Check = (e: Json, p: ParamValues) => void;

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const keyOf = (t: EventTemplate) => `${t.source} ${t.type}`;

/** The powertools schema for each template; null where the package has none. */
const SCHEMAS: Record<string, ZodType | null> = {
  'eventbridge custom': EventBridgeSchema,
  'eventbridge scheduled': EventBridgeSchema,
  'eventbridge ec2-state-change': EventBridgeSchema,
  'eventbridge codebuild-state-change': EventBridgeSchema,
  'cloudwatch alarm': null,
  'cognito pre-sign-up': PreSignupTriggerSchema,
  'cognito post-confirmation': PostConfirmationTriggerSchema,
  'cognito pre-authentication': PreAuthenticationTriggerSchema,
  'cognito post-authentication': PostAuthenticationTriggerSchema,
  'cognito pre-token-generation': PreTokenGenerationTriggerSchemaV1,
  'cognito pre-token-generation-v2': PreTokenGenerationTriggerSchemaV2AndV3,
  'cognito custom-message': CustomMessageTriggerSchema,
  'cognito user-migration': MigrateUserTriggerSchema,
  'cognito define-auth-challenge': DefineAuthChallengeTriggerSchema,
  'cognito create-auth-challenge': CreateAuthChallengeTriggerSchema,
  'cognito verify-auth-challenge': VerifyAuthChallengeTriggerSchema,
  'cognito custom-email-sender': CustomEmailSenderTriggerSchema,
  'cognito custom-sms-sender': CustomSMSSenderTriggerSchema,
  'ses receive': SesSchema,
  'cloudformation create': CloudFormationCustomResourceCreateSchema,
  'cloudformation update': CloudFormationCustomResourceUpdateSchema,
  'cloudformation delete': CloudFormationCustomResourceDeleteSchema,
  'secretsmanager rotation': null,
  'iot button': null,
  'iot shadow-documents': null,
  'lex v2': null,
  'connect contact-flow': null,
  'codepipeline job': null,
  'config custom-rule': null,
  'stepfunctions task-input': null,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each timestamp format the services use, with its parser. */
const FORMATS: Record<string, { re: RegExp; parse: (s: string) => number }> = {
  'iso-seconds': { re: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, parse: Date.parse },
  'iso-millis': { re: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, parse: Date.parse },
  cloudwatch: { re: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/, parse: (s) => Date.parse(s.replace('+0000', 'Z')) },
  codebuild: {
    re: /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4} ([1-9]|1[0-2]):\d{2}:\d{2} (AM|PM)$/,
    parse: (s) => {
      const [, mon, day, year, h, m, sec, ampm] = /^(\w{3}) (\d+), (\d+) (\d+):(\d+):(\d+) (AM|PM)$/.exec(s)!;
      const hour = (Number(h) % 12) + (ampm === 'PM' ? 12 : 0);
      return Date.UTC(Number(year), MONTHS.indexOf(mon!), Number(day), hour, Number(m), Number(sec));
    },
  },
  mail: { re: /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/, parse: Date.parse },
  amz: {
    re: /^\d{8}T\d{6}Z$/,
    parse: (s) => Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`),
  },
};

/** Asserts `value` is a timestamp in `format` within `within` ms of now (or, with `before`, no later than now); returns its epoch ms. */
function expectTime(value: unknown, format: keyof typeof FORMATS, within = 60_000): number {
  const f = FORMATS[format]!;
  expect(value, `timestamp in ${format}`).toMatch(f.re);
  const ms = f.parse(value as string);
  expect(Number.isFinite(ms), `${String(value)} parses`).toBe(true);
  expect(Math.abs(Date.now() - ms), `${String(value)} is within ${within} ms of now`).toBeLessThanOrEqual(within);
  return ms;
}

const expectUuid = (v: unknown) => expect(v).toMatch(UUID);
const arnOf = (p: ParamValues, service: string, resource: string, region = String(p.region), account = String(p.account)) =>
  `arn:${partitionOf(String(p.region))}:${service}:${region}:${account}:${resource}`;

/** Every string in an event, JSON-valued strings (invokingEvent, reasonData…) opened too. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') {
    out.push(v);
    if (/^[[{]/.test(v)) {
      try {
        strings(JSON.parse(v), out);
      } catch {
        // not JSON after all
      }
    }
  } else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v !== null && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
  return out;
}

/** Values at a dotted path whose segments may hold `*` (any characters within a segment); `undefined` where a key is missing. */
function valuesAt(v: unknown, segments: string[]): unknown[] {
  if (segments.length === 0) return [v];
  if (v === null || typeof v !== 'object') return [];
  const [head, ...rest] = segments as [string, ...string[]];
  if (!head.includes('*')) return valuesAt((v as Record<string, unknown>)[head], rest);
  const re = new RegExp(`^${head.split('*').map(escape).join('.*')}$`);
  return Object.keys(v)
    .filter((k) => re.test(k))
    .flatMap((k) => valuesAt((v as Record<string, unknown>)[k], rest));
}

const pathMatches = (detail: string, path: string) => new RegExp(`^${detail.split('*').map(escape).join('[^.]*')}$`).test(path);

// ---------------------------------------------------------------------------
// Renders: defaults, then 20 randomised parameter sets
// ---------------------------------------------------------------------------

interface Render {
  label: string;
  params: ParamValues;
  event: Json;
}

const cache = new Map<string, Render[]>();
function rendersOf(t: EventTemplate): Render[] {
  const key = keyOf(t);
  if (!cache.has(key)) {
    const sets: [string, Record<string, unknown>][] = [['defaults', {}], ...SEEDS.map((s): [string, Record<string, unknown>] => [`seed ${s}`, randomParams(t, s)])];
    cache.set(
      key,
      sets.map(([label, given]) => ({ label, params: resolveParams(t, given), event: renderEvent(t.source, t.type, given) })),
    );
  }
  return cache.get(key)!;
}

/** The powertools issues of one render, as dotted paths with messages. */
function zodIssues(schema: ZodType, event: unknown): { path: string; message: string }[] {
  const r = schema.safeParse(event);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

const allowed = (template: string, oracle: AllowedDisagreement['oracle']) => SERVICES_ALLOWED.filter((a) => a.template === template && a.oracle === oracle);

// ---------------------------------------------------------------------------
// Semantic checks, per template
// ---------------------------------------------------------------------------

function eventBridge(e: Json, p: ParamValues, source: string, detailType: string): void {
  expect(e.version).toBe('0');
  expectUuid(e.id);
  expectTime(e.time, 'iso-seconds');
  expect(e.region).toBe(p.region);
  expect(e.account).toBe(p.account);
  expect(e.source).toBe(source);
  expect(e['detail-type']).toBe(detailType);
}

function cognito(e: Json, p: ParamValues, triggerSource = p.triggerSource): void {
  expect(e.userPoolId).toBe(`${String(p.region)}_${String(p.userPoolCode)}`);
  expect(e.region).toBe(p.region);
  expect(e.callerContext.clientId).toBe(p.clientId);
  if (triggerSource !== undefined) expect(e.triggerSource).toBe(triggerSource);
  const attrs = e.request.userAttributes;
  if (attrs?.sub !== undefined) {
    expectUuid(attrs.sub);
    // A pool signing in by email names the user by the sub; otherwise by the given user name.
    expect(e.userName).toBe(p.userName === '' ? attrs.sub : p.userName);
    expect(attrs.email).toBe(p.email);
    expect(Object.values(attrs).every((v) => typeof v === 'string')).toBe(true);
  }
}

/** The sub must be the same user's sub in every trigger: a second render gives the same one. */
function sameUserTwice(t: EventTemplate, r: Render): void {
  const again: Json = renderEvent(t.source, t.type, r.params);
  expect(again.userName).toBe(r.event.userName);
  expect(again.request.userAttributes?.sub).toBe(r.event.request.userAttributes?.sub);
}

function customResource(e: Json, p: ParamValues, requestType: string): void {
  expect(e.RequestType).toBe(requestType);
  const stack = new RegExp(`^${escape(arnOf(p, 'cloudformation', `stack/${String(p.stackName)}/`))}([0-9a-f-]{36})$`).exec(e.StackId);
  expect(stack, `StackId ${e.StackId}`).not.toBeNull();
  expectUuid(stack![1]);
  expectUuid(e.RequestId);
  expect(e.LogicalResourceId).toBe(p.logicalResourceId);
  expect(e.ResourceType).toBe(p.resourceType);
  expect(e.ServiceToken).toBe(arnOf(p, 'lambda', `function:${String(p.functionName)}`));
  expect(e.ResourceProperties.ServiceToken).toBe(e.ServiceToken);
  // CloudFormation hands every scalar property over as a string.
  const leaves = (v: unknown): unknown[] => (v !== null && typeof v === 'object' ? Object.values(v).flatMap(leaves) : [v]);
  expect(leaves(e.ResourceProperties).every((v) => typeof v === 'string' || v === null)).toBe(true);

  const url = new URL(e.ResponseURL);
  expect(url.protocol).toBe('https:');
  expect(url.hostname.startsWith(`cloudformation-custom-resource-response-${String(p.region).replace(/-/g, '')}.`)).toBe(true);
  expect(decodeURIComponent(url.pathname.slice(1))).toBe(`${e.StackId}|${e.LogicalResourceId}|${e.RequestId}`);
  const date = url.searchParams.get('X-Amz-Date');
  expectTime(date, 'amz');
  expect(url.searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^AKIA[A-Z0-9]{16}/${date!.slice(0, 8)}/${escape(String(p.region))}/s3/aws4_request$`));
  expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  if (requestType !== 'Create') {
    expect(e.PhysicalResourceId).toEqual(p.physicalResourceId || expect.stringMatching(new RegExp(`^${escape(`${String(p.stackName)}-${String(p.logicalResourceId)}-`)}[A-Z0-9]{13}$`)));
  }
}

const CHECKS: Record<string, Check> = {
  'eventbridge custom': (e, p) => {
    eventBridge(e, p, String(p.source), String(p.detailType));
    expect(e.resources).toEqual([]);
    expect(e.detail).toEqual(p.detail);
  },
  'eventbridge scheduled': (e, p) => {
    eventBridge(e, p, 'aws.events', 'Scheduled Event');
    expect(e.time).toMatch(/:00Z$/);
    expect(e.resources).toEqual([arnOf(p, 'events', `rule/${String(p.ruleName)}`)]);
    expect(e.detail).toEqual({});
  },
  'eventbridge ec2-state-change': (e, p) => {
    eventBridge(e, p, 'aws.ec2', 'EC2 Instance State-change Notification');
    expect(e.detail).toEqual({ 'instance-id': p.instanceId, state: p.state });
    expect(e.resources).toEqual([arnOf(p, 'ec2', `instance/${String(p.instanceId)}`)]);
  },
  'eventbridge codebuild-state-change': (e, p) => {
    eventBridge(e, p, 'aws.codebuild', 'CodeBuild Build State Change');
    const d = e.detail;
    const info = d['additional-information'];
    expect(d['build-status']).toBe(p.buildStatus);
    expect(d['project-name']).toBe(p.projectName);
    expect(e.resources).toEqual([d['build-id']]);
    const build = new RegExp(`^${escape(arnOf(p, 'codebuild', `build/${String(p.projectName)}:`))}(.+)$`).exec(d['build-id']);
    expect(build).not.toBeNull();
    expectUuid(build![1]);
    expect(info.logs['stream-name']).toBe(build![1]);
    expect(info.logs['group-name']).toBe(`/aws/codebuild/${String(p.projectName)}`);
    expect(info.logs['deep-link']).toContain(`region=${String(p.region)}#logEvent:group=/aws/codebuild/${String(p.projectName)};stream=${build![1]}`);
    expect(info['build-number']).toBe(p.buildNumber);
    const complete = p.buildStatus !== 'IN_PROGRESS';
    expect(info['build-complete']).toBe(complete);
    expect(d['current-phase']).toBe(complete ? 'COMPLETED' : 'QUEUED');
    // The build started earlier, in CodeBuild's own format; the phases run back to back up to now.
    const start = expectTime(info['build-start-time'], 'codebuild', 10 * 60_000);
    expect(info.phases[0]['start-time']).toBe(info['build-start-time']);
    let t = start;
    for (const ph of info.phases) {
      expect(FORMATS.codebuild!.parse(ph['start-time'])).toBe(t);
      if (ph['end-time'] !== undefined) t = expectTime(ph['end-time'], 'codebuild', 10 * 60_000);
      if (ph['duration-in-seconds'] !== undefined) expect(t - FORMATS.codebuild!.parse(ph['start-time'])).toBe(ph['duration-in-seconds'] * 1000);
    }
    expectTime(info.phases.at(-1)['start-time'], 'codebuild');
    if (p.buildStatus === 'FAILED') expect(info.phases.find((ph: Json) => ph['phase-type'] === 'BUILD')['phase-status']).toBe('FAILED');
  },
  'cloudwatch alarm': (e, p) => {
    const [previous, current] = String(p.transition).split(' -> ');
    expect(e.source).toBe('aws.cloudwatch');
    expect(e.alarmArn).toBe(arnOf(p, 'cloudwatch', `alarm:${String(p.alarmName)}`));
    expect(e.accountId).toBe(p.account);
    expect(e.region).toBe(p.region);
    const time = expectTime(e.time, 'cloudwatch');
    const { state, previousState } = e.alarmData;
    expect(e.alarmData.alarmName).toBe(p.alarmName);
    expect(state.value).toBe(current);
    expect(previousState.value).toBe(previous);
    expect(state.timestamp).toBe(e.time);
    expect(FORMATS.cloudwatch!.parse(previousState.timestamp)).toBeLessThan(time);
    for (const s of [state, previousState]) {
      expect(s.timestamp).toMatch(FORMATS.cloudwatch!.re);
      if (s.reasonData === undefined) continue;
      const data = JSON.parse(s.reasonData);
      expect(data.queryDate).toBe(s.timestamp);
      expect(data.threshold).toBe(p.threshold);
      expect(data.period).toBe(p.period);
      const point = data.recentDatapoints[0];
      if (s.value === 'ALARM') expect(point).toBeGreaterThan(Number(p.threshold));
      if (s.value === 'OK') expect(point).toBeLessThanOrEqual(Number(p.threshold));
      if (point !== undefined) expect(s.reason).toContain(`[${point.toFixed(1)} (`);
    }
    const metric = e.alarmData.configuration.metrics[0];
    expect(metric.metricStat.metric).toEqual({ namespace: p.namespace, name: p.metricName, dimensions: p.dimensions });
    expect(metric.metricStat.period).toBe(p.period);
  },
  'cognito pre-sign-up': (e, p) => {
    cognito(e, p);
    expect(e.request.userAttributes.sub).toBeUndefined();
    expect(e.request.userAttributes.email).toBe(p.email);
    if (p.triggerSource === 'PreSignUp_ExternalProvider') expect(e.userName).toMatch(/^Google_\d{21}$/);
    else if (p.userName !== '') expect(e.userName).toBe(p.userName);
    else expectUuid(e.userName);
    expect(e.request.validationData).toEqual(p.validationData);
    expect(e.response).toEqual({ autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
  },
  'cognito post-confirmation': (e, p) => {
    cognito(e, p);
    expect(e.request.userAttributes['cognito:user_status']).toBe('CONFIRMED');
  },
  'cognito pre-authentication': (e, p) => cognito(e, p, 'PreAuthentication_Authentication'),
  'cognito post-authentication': (e, p) => {
    cognito(e, p, 'PostAuthentication_Authentication');
    expect(e.request.newDeviceUsed).toBe(p.newDeviceUsed);
  },
  'cognito pre-token-generation': (e, p) => preToken(e, p, '1', 'claimsOverrideDetails'),
  'cognito pre-token-generation-v2': (e, p) => {
    preToken(e, p, '2', 'claimsAndScopeOverrideDetails');
    expect(e.request.scopes).toEqual(p.scopes);
  },
  'cognito custom-message': (e, p) => {
    cognito(e, p);
    expect(e.request.codeParameter).toBe('{####}');
    expect(e.request.usernameParameter).toBe(p.triggerSource === 'CustomMessage_AdminCreateUser' ? '{username}' : null);
    expect(e.response).toEqual({ smsMessage: null, emailMessage: null, emailSubject: null });
  },
  'cognito user-migration': (e, p) => {
    cognito(e, p, 'UserMigration_Authentication');
    // Not in the pool yet: no sub, and the user name is what the user typed.
    expect(e.request.userAttributes).toBeUndefined();
    expect(e.userName).toBe(p.userName || p.email);
    expect(e.request.password).toBe(p.password);
    expect(Object.values(e.response).every((v) => v === null)).toBe(true);
  },
  'cognito define-auth-challenge': (e, p) => {
    cognito(e, p, 'DefineAuthChallenge_Authentication');
    session(e, p);
    expect(e.response).toEqual({ challengeName: null, issueTokens: null, failAuthentication: null });
  },
  'cognito create-auth-challenge': (e, p) => {
    cognito(e, p, 'CreateAuthChallenge_Authentication');
    session(e, p);
    expect(e.request.challengeName).toBe('CUSTOM_CHALLENGE');
  },
  'cognito verify-auth-challenge': (e, p) => {
    cognito(e, p, 'VerifyAuthChallengeResponse_Authentication');
    expect(e.request.challengeAnswer).toBe(p.challengeAnswer);
    expect(e.response).toEqual({ answerCorrect: null });
  },
  'cognito custom-email-sender': (e, p) => customSender(e, p, 'customEmailSenderRequestV1'),
  'cognito custom-sms-sender': (e, p) => {
    customSender(e, p, 'customSMSSenderRequestV1');
    expect(e.request.userAttributes.phone_number).toBe(p.phoneNumber);
  },
  'ses receive': (e, p) => {
    expect(e.Records).toHaveLength(1);
    const { mail, receipt } = e.Records[0].ses;
    expect(e.Records[0].eventSource).toBe('aws:ses');
    const received = expectTime(mail.timestamp, 'iso-millis');
    expect(receipt.timestamp).toBe(mail.timestamp);
    expect(FORMATS.mail!.parse(mail.commonHeaders.date)).toBeLessThanOrEqual(received);
    expectTime(mail.commonHeaders.date, 'mail');
    expect(receipt.processingTimeMillis).toBeGreaterThan(0);
    expect(mail.source).toBe(p.senderEmail);
    expect(mail.destination).toEqual([p.recipientEmail]);
    expect(receipt.recipients).toEqual(mail.destination);
    expect(mail.commonHeaders.from).toEqual([p.senderEmail]);
    expect(mail.commonHeaders.subject).toBe(p.subject);
    const header = (name: string) => mail.headers.find((h: Json) => h.name === name)?.value;
    expect(header('Date')).toBe(mail.commonHeaders.date);
    expect(header('Message-ID')).toBe(mail.commonHeaders.messageId);
    const subject = header('Subject');
    const encoded = /^=\?UTF-8\?B\?(.*)\?=$/.exec(subject);
    expect(encoded ? Buffer.from(encoded[1]!, 'base64').toString('utf8') : subject).toBe(p.subject);
    expect(header('Received')).toContain(`with SMTP id ${String(mail.messageId)}`);
    expect(receipt.action).toEqual({ type: 'Lambda', functionArn: arnOf(p, 'lambda', `function:${String(p.functionName)}`), invocationType: p.invocationType });
    expect(receipt.dmarcVerdict.status).toBe(p.dmarcVerdict);
    expect(receipt.dmarcPolicy).toBe(p.dmarcVerdict === 'FAIL' ? p.dmarcPolicy : undefined);
    expect(receipt.spamVerdict.status).toBe(p.scanEnabled ? 'PASS' : 'DISABLED');
  },
  'cloudformation create': (e, p) => customResource(e, p, 'Create'),
  'cloudformation update': (e, p) => {
    customResource(e, p, 'Update');
    expect(e.OldResourceProperties.ServiceToken).toBe(e.ServiceToken);
  },
  'cloudformation delete': (e, p) => customResource(e, p, 'Delete'),
  'secretsmanager rotation': (e, p) => {
    expect(e.Step).toBe(p.step);
    expect(e.SecretId).toMatch(new RegExp(`^${escape(arnOf(p, 'secretsmanager', `secret:${String(p.secretName)}`))}-[A-Za-z0-9]{6}$`));
    expectUuid(e.ClientRequestToken);
    expectUuid(e.RotationToken);
  },
  'iot button': (e, p) => {
    expect(e).toEqual({ serialNumber: p.serialNumber, clickType: p.clickType, batteryVoltage: `${Math.round(Number(p.batteryVoltage))}mV` });
  },
  'iot shadow-documents': (e, p) => {
    const now = e.timestamp;
    expect(Number.isInteger(now)).toBe(true);
    expect(Math.abs(Date.now() / 1000 - now)).toBeLessThanOrEqual(60);
    expect(e.current.timestamp).toBe(now);
    expect(e.previous.timestamp).toBeLessThan(now);
    expect(e.current.version).toBe(e.previous.version + 1);
    expect(e.current.state).toEqual({ desired: p.desired, reported: p.reported });
    expect(e.previous.state.reported).toEqual(p.previousReported);
    const stamps = (m: unknown): number[] =>
      m !== null && typeof m === 'object' ? ('timestamp' in m && typeof m.timestamp === 'number' ? [m.timestamp] : Object.values(m).flatMap(stamps)) : [];
    expect(stamps(e.current.metadata).every((s) => s <= now && s >= e.previous.timestamp)).toBe(true);
  },
  'lex v2': (e, p) => {
    expect(e.messageVersion).toBe('1.0');
    expect(e.invocationSource).toBe(p.invocationSource);
    expect(e.inputMode).toBe(p.inputMode);
    expect(e.bot).toMatchObject({ id: p.botId, name: p.botName, localeId: p.localeId });
    expectUuid(e.sessionState.originatingRequestId);
    expect(e.sessionState.intent.name).toBe(p.intentName);
    expect(e.interpretations[0].intent).toEqual(e.sessionState.intent);
    const slots = p.slots as Record<string, unknown>;
    expect(Object.keys(e.sessionState.intent.slots)).toEqual(Object.keys(slots));
    for (const [name, value] of Object.entries(slots)) {
      const slot = e.sessionState.intent.slots[name];
      if (value === null) expect(slot).toBeNull();
      else if (Array.isArray(value)) expect(slot.values.map((v: Json) => v.value.interpretedValue)).toEqual(value);
      else expect(slot.value.interpretedValue).toBe(value);
    }
    const empty = Object.keys(slots).find((k) => slots[k] === null);
    expect(e.proposedNextState.dialogAction).toEqual(empty ? { type: 'ElicitSlot', slotToElicit: empty } : { type: 'ConfirmIntent' });
  },
  'connect contact-flow': (e, p) => {
    const c = e.Details.ContactData;
    expect(e.Name).toBe('ContactFlowEvent');
    expectUuid(c.ContactId);
    const instance = new RegExp(`^${escape(arnOf(p, 'connect', 'instance/'))}(.+)$`).exec(c.InstanceARN);
    expect(instance).not.toBeNull();
    expectUuid(instance![1]);
    expect(c.Queue.ARN).toMatch(new RegExp(`^${escape(c.InstanceARN)}/queue/[0-9a-f-]{36}$`));
    expect(c.Queue.Name).toBe(p.queueName);
    if (p.initiationMethod === 'TRANSFER') {
      expectUuid(c.InitialContactId);
      expect(c.InitialContactId).not.toBe(c.ContactId);
    } else {
      expect(c.InitialContactId).toBe(c.ContactId);
      expect(c.PreviousContactId).toBe(c.ContactId);
    }
    expect(c.Channel).toBe(p.channel);
    expect(c.CustomerEndpoint?.Address).toBe(p.channel === 'VOICE' ? p.customerPhone : undefined);
    expect(e.Details.Parameters).toEqual(p.parameters);
  },
  'codepipeline job': (e, p) => {
    const job = e['CodePipeline.job'];
    expectUuid(job.id);
    expect(job.accountId).toBe(p.account);
    expect(job.data.actionConfiguration.configuration).toEqual({ FunctionName: p.functionName, UserParameters: p.userParameters });
    for (const a of [...job.data.inputArtifacts, ...job.data.outputArtifacts]) {
      expect(a.location.s3Location.bucketName).toMatch(new RegExp(`^codepipeline-${escape(String(p.region))}-\\d{12}$`));
      expect(a.location.s3Location.objectKey.startsWith(`${String(p.pipelineName).slice(0, 20)}/${String(a.name).slice(0, 10)}/`)).toBe(true);
    }
    expect(job.data.inputArtifacts[0].name).toBe(p.inputArtifact);
    expect(job.data.outputArtifacts.map((a: Json) => a.name)).toEqual(p.outputArtifact ? [p.outputArtifact] : []);
    expect(job.data.artifactCredentials.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
  },
  'config custom-rule': (e, p) => {
    expect(e.configRuleName).toBe(p.ruleName);
    expect(e.configRuleId).toMatch(/^config-rule-[a-z0-9]{6}$/);
    expect(e.configRuleArn).toBe(arnOf(p, 'config', `config-rule/${String(e.configRuleId)}`));
    expect(e.accountId).toBe(p.account);
    expect(JSON.parse(e.ruleParameters)).toEqual(p.ruleParameters);
    const invoking = JSON.parse(e.invokingEvent);
    expect(invoking.messageType).toBe(p.messageType);
    const created = expectTime(invoking.notificationCreationTime, 'iso-millis');
    if (p.messageType === 'ScheduledNotification') {
      expect(invoking.awsAccountId).toBe(p.account);
      return;
    }
    const item = invoking.configurationItem;
    expect(item.awsRegion).toBe(p.region);
    expect(item.awsAccountId).toBe(p.account);
    expect(item.resourceType).toBe(p.resourceType);
    expect(item.resourceName).toBe(p.resourceName);
    expect(item.tags).toEqual(p.tags);
    expect(expectTime(item.configurationItemCaptureTime, 'iso-millis')).toBeLessThanOrEqual(created);
    expect(item.configurationStateId).toBe(Date.parse(item.configurationItemCaptureTime));
    if (p.resourceType === 'AWS::S3::Bucket') expect(item.ARN).toBe(`arn:${partitionOf(String(p.region))}:s3:::${String(item.resourceId)}`);
    else if (p.resourceType === 'AWS::EC2::Instance') expect(item.ARN).toBe(arnOf(p, 'ec2', `instance/${String(item.resourceId)}`));
    else expect(item.ARN).toBe(arnOf(p, 'ec2', `security-group/${String(item.resourceId)}`));
  },
  'stepfunctions task-input': (e, p) => {
    const { Execution, State, StateMachine, Task } = e.context;
    expect(StateMachine).toEqual({ Id: arnOf(p, 'states', `stateMachine:${String(p.stateMachineName)}`), Name: p.stateMachineName });
    expect(Execution.Id).toBe(arnOf(p, 'states', `execution:${String(p.stateMachineName)}:${String(Execution.Name)}`));
    if (p.executionName === '') expectUuid(Execution.Name);
    else expect(Execution.Name).toBe(p.executionName);
    const started = expectTime(Execution.StartTime, 'iso-millis');
    expect(expectTime(State.EnteredTime, 'iso-millis')).toBeGreaterThanOrEqual(started);
    expect(State.Name).toBe(p.stateName);
    expect(e.input).toEqual(p.input);
    expect(Execution.Input).toEqual(p.input);
    expect(Task !== undefined).toBe(p.waitForTaskToken);
  },
};

function preToken(e: Json, p: ParamValues, version: string, responseField: string): void {
  cognito(e, p);
  expect(e.version).toBe(version);
  const groups = p.groups as string[];
  const roles = p.groupRoles ? groups.map((g) => arnOf(p, 'iam', `role/${g}-role`, '')) : [];
  expect(e.request.groupConfiguration).toEqual({ groupsToOverride: groups, iamRolesToOverride: roles, preferredRole: roles[0] ?? null });
  expect(e.response).toEqual({ [responseField]: null });
}

function session(e: Json, p: ParamValues): void {
  const n = Number(p.answeredChallenges);
  expect(e.request.session).toHaveLength(n);
  e.request.session.forEach((s: Json, i: number) => {
    expect(s).toEqual({ challengeName: 'CUSTOM_CHALLENGE', challengeResult: i === n - 1 ? p.lastAnswerCorrect : false, challengeMetadata: p.challengeMetadata });
  });
}

function customSender(e: Json, p: ParamValues, type: string): void {
  cognito(e, p);
  expect(e.request.type).toBe(type);
  expect('response' in e).toBe(false);
  // The code arrives encrypted: a base64 AWS Encryption SDK message (version 1, type 128).
  const code = Buffer.from(e.request.code, 'base64');
  expect(code.toString('base64')).toBe(e.request.code);
  expect([code[0], code[1]]).toEqual([0x01, 0x80]);
}

// ---------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------

describe('service event templates', () => {
  it('are each listed here once, with a schema (or none) and semantic checks', () => {
    const keys = SERVICES_TEMPLATES.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(Object.keys(SCHEMAS).sort());
    expect(keys.sort()).toEqual(Object.keys(CHECKS).sort());
  });

  for (const t of SERVICES_TEMPLATES) {
    const key = keyOf(t);
    describe(key, () => {
      it('renders plain JSON whose ARNs agree with the region and account', () => {
        for (const r of rendersOf(t)) {
          expect(JSON.parse(JSON.stringify(r.event)), r.label).toStrictEqual(r.event);
          if (typeof r.params.region !== 'string') continue;
          for (const s of strings(r.event).filter((x) => x.startsWith('arn:'))) {
            const [, partition, , region, account] = s.split(':');
            expect(partition, `${r.label}: ${s}`).toBe(partitionOf(r.params.region));
            expect(['', r.params.region], `${r.label}: ${s}`).toContain(region);
            expect(['', r.params.account], `${r.label}: ${s}`).toContain(account);
          }
        }
      });

      const schema = SCHEMAS[key];
      if (schema) {
        it('parses with the powertools schema, outside the allow-list', () => {
          const entries = allowed(key, 'zod');
          for (const r of rendersOf(t)) {
            const unexpected = zodIssues(schema, r.event).filter((i) => !entries.some((a) => pathMatches(a.detail, i.path)));
            expect(unexpected, `${r.label} ${JSON.stringify(r.params)}`).toEqual([]);
          }
        });
      }

      it('holds together: ids, timestamps, ARNs and duplicated values agree', () => {
        for (const r of rendersOf(t)) {
          try {
            CHECKS[key]!(r.event, r.params);
            if (t.source === 'cognito') sameUserTwice(t, r);
          } catch (err) {
            throw new Error(`${key} (${r.label}, params ${JSON.stringify(r.params)}): ${(err as Error).message}`);
          }
        }
      });
    });
  }

  describe('SERVICES_ALLOWED', () => {
    it('names existing templates, each with a reason', () => {
      for (const a of SERVICES_ALLOWED) {
        expect(Object.keys(SCHEMAS), a.template).toContain(a.template);
        expect(a.reason.length, a.template).toBeGreaterThan(10);
        if (a.oracle === 'zod') expect(SCHEMAS[a.template], `${a.template} has a schema`).toBeTruthy();
      }
    });

    it('has no zod entry that no render needs', () => {
      for (const a of SERVICES_ALLOWED.filter((x) => x.oracle === 'zod')) {
        const t = SERVICES_TEMPLATES.find((x) => keyOf(x) === a.template)!;
        const hit = rendersOf(t).some((r) => zodIssues(SCHEMAS[a.template]!, r.event).some((i) => pathMatches(a.detail, i.path)));
        expect(hit, `${a.template}: ${a.detail} no longer fails`).toBe(true);
      }
    });

    it('has no types entry whose field the templates now send', () => {
      // Each types entry is a field the type declares with a value where AWS sends null or nothing.
      for (const a of SERVICES_ALLOWED.filter((x) => x.oracle === 'types')) {
        const t = SERVICES_TEMPLATES.find((x) => keyOf(x) === a.template)!;
        const hit = rendersOf(t).some((r) => valuesAt(r.event, a.detail.split('.')).some((v) => v === null || v === undefined));
        expect(hit, `${a.template}: ${a.detail} is never null or absent`).toBe(true);
      }
    });
  });
});
