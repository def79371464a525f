// Event templates: service sources. EventBridge (custom, scheduled, AWS
// service events), CloudWatch alarm actions, every Cognito user-pool trigger,
// SES receiving, CloudFormation custom resources, Secrets Manager rotation,
// IoT rule payloads, Lex V2, Amazon Connect, CodePipeline, AWS Config rules
// and the Step Functions task-input convention.
//
// Each render is written from the service's documented event format and is
// checked at compile time against its @types/aws-lambda type with `satisfies`.
// Where the service sends something the type does not allow (Cognito sends
// `null` for every response field it has not been given yet), the template
// satisfies the type with exactly those fields relaxed, and the disagreement
// is listed in test/unit/events-allowlist.ts (SERVICES_ALLOWED).
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type {
  BaseCustomEmailSenderTriggerEvent,
  BaseCustomMessageTriggerEvent,
  BaseCustomSMSSenderTriggerEvent,
  BasePostConfirmationTriggerEvent,
  BasePreSignUpTriggerEvent,
  BasePreTokenGenerationTriggerEvent,
  BasePreTokenGenerationV2TriggerEvent,
  BaseUserMigrationTriggerEvent,
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
  CloudWatchAlarmEvent,
  CloudWatchAlarmState,
  CodeBuildCloudWatchStateEvent,
  CodeBuildPhaseType,
  CodeBuildStateEventDetail,
  CodeBuildStateType,
  CodePipelineEvent,
  ConnectContactFlowEvent,
  ConnectContactFlowInitiationMethod,
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  EventBridgeEvent,
  IoTEvent,
  LexV2Event,
  LexV2Intent,
  LexV2Slot,
  LexV2Slots,
  PostAuthenticationTriggerEvent,
  PreAuthenticationTriggerEvent,
  ScheduledEvent,
  SecretsManagerRotationEvent,
  SecretsManagerRotationEventStep,
  SESEvent,
  SESMailHeader,
  SESReceiptStatus,
  VerifyAuthChallengeResponseTriggerEvent,
} from 'aws-lambda';
import { ACCOUNT, REGION, arn, base64, md5, partitionOf, type EventTemplate, type ParamSpec, type RenderContext } from '../template.js';

// ---------------------------------------------------------------------------
// Derivation helpers
// ---------------------------------------------------------------------------

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DIGITS = '0123456789';

/** `n` random characters from `alphabet`. */
function randomChars(n: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** `n` characters from `alphabet`, derived from `seed`: the same resource always gets the same suffix. */
function stableChars(seed: string, n: number, alphabet: string): string {
  let out = '';
  for (let block = 0; out.length < n; block++) {
    for (const byte of createHash('sha256').update(`${block}:${seed}`).digest()) {
      if (out.length === n) break;
      out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A version-4-shaped UUID derived from `seed`, for ids that stay fixed for one resource (a stack, a user). */
function stableUuid(seed: string): string {
  const h = md5(seed).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16]!, 16) & 3]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const at = (ctx: RenderContext, ms = 0): Date => new Date(ctx.now.getTime() + ms);
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** CloudWatch alarm timestamps: `2024-01-31T12:00:00.000+0000`. */
const cloudWatchTime = (d: Date): string => d.toISOString().replace(/Z$/, '+0000');
/** CloudWatch alarm reasons quote datapoints as `31/01/24 12:00:00`. */
const cloudWatchReasonTime = (d: Date): string =>
  `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
/** CodeBuild's event times: `Jan 31, 2024 1:05:09 PM` (UTC). */
function codeBuildTime(d: Date): string {
  const h = d.getUTCHours();
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}
/** RFC 5322 mail dates: `Wed, 31 Jan 2024 12:00:00 +0000`. */
const mailDate = (d: Date): string => d.toUTCString().replace(/GMT$/, '+0000');
/** SigV4 dates: `20240131T120000Z`. */
const amzDate = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** The console host of a partition. */
function consoleHost(partition: string): string {
  if (partition === 'aws-cn') return 'console.amazonaws.cn';
  if (partition === 'aws-us-gov') return 'console.amazonaws-us-gov.com';
  return 'console.aws.amazon.com';
}

/** The region and account every regional template shares, and the ARN builder for them. */
function where(ctx: RenderContext) {
  const region = ctx.str('region');
  const account = ctx.str('account');
  const partition = partitionOf(region);
  return { region, account, partition, arn: (service: string, resource: string) => arn(partition, service, region, account, resource) };
}

/** A JSON parameter as a string map (attribute maps, Connect attributes): values become strings. */
function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** A JSON parameter as an array of strings. */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) : [];
}

type Of<A extends readonly string[]> = A[number];

// ---------------------------------------------------------------------------
// EventBridge
// ---------------------------------------------------------------------------

/** The envelope EventBridge wraps every event in; `time` is ISO 8601 without milliseconds. */
function envelope<S extends string, T extends string, D>(ctx: RenderContext, source: S, detailType: T, resources: string[], detail: D, time = ctx.isoSeconds()) {
  const { region, account } = where(ctx);
  return { version: '0', id: ctx.uuid(), 'detail-type': detailType, source, account, time, region, resources, detail };
}

const eventBridgeCustom: EventTemplate = {
  source: 'eventbridge',
  type: 'custom',
  description: 'A custom event put on an event bus (PutEvents) and matched by a rule that targets the function.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'source', type: 'string', default: 'com.example.orders', description: 'The event source (not starting with "aws.")', samples: ['com.example.orders', 'myapp.billing', 'acme.inventory'] },
    { name: 'detailType', type: 'string', default: 'Order Placed', description: 'The detail-type' },
    { name: 'detail', type: 'json', default: { orderId: 'o-1001', amount: 42.5, currency: 'EUR' }, description: 'The detail object' },
  ],
  render: (ctx) => envelope(ctx, ctx.str('source'), ctx.str('detailType'), [], ctx.json('detail')) satisfies EventBridgeEvent<string, unknown>,
};

const eventBridgeScheduled: EventTemplate = {
  source: 'eventbridge',
  type: 'scheduled',
  description: 'A scheduled rule (rate or cron expression) firing: source aws.events, detail-type "Scheduled Event", an empty detail.',
  params: [REGION, ACCOUNT, { name: 'ruleName', type: 'string', default: 'every-five-minutes', description: 'Name of the scheduled rule' }],
  render: (ctx) => {
    const w = where(ctx);
    // A schedule fires on the minute: `time` is the scheduled minute, not the delivery instant.
    const minute = new Date(Math.floor(ctx.now.getTime() / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const detail: Record<string, never> = {};
    return envelope(ctx, 'aws.events', 'Scheduled Event' as const, [w.arn('events', `rule/${ctx.str('ruleName')}`)], detail, minute) satisfies ScheduledEvent<Record<string, never>>;
  },
};

const EC2_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'] as const;

const eventBridgeEc2: EventTemplate = {
  source: 'eventbridge',
  type: 'ec2-state-change',
  description: 'EC2 Instance State-change Notification (source aws.ec2) delivered by a rule.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'instanceId', type: 'string', default: 'i-0abcdef1234567890', description: 'The instance id', samples: ['i-0abcdef1234567890', 'i-0123456789abcdef0', 'i-08f7e6d5c4b3a2910'] },
    { name: 'state', type: 'string', default: 'running', description: 'The new state', choices: EC2_STATES },
  ],
  render: (ctx) => {
    const w = where(ctx);
    const instanceId = ctx.str('instanceId');
    const detail = { 'instance-id': instanceId, state: ctx.str('state') };
    return envelope(ctx, 'aws.ec2', 'EC2 Instance State-change Notification' as const, [w.arn('ec2', `instance/${instanceId}`)], detail) satisfies EventBridgeEvent<
      'EC2 Instance State-change Notification',
      { 'instance-id': string; state: string }
    >;
  },
};

const CODEBUILD_STATUSES = ['SUCCEEDED', 'FAILED', 'STOPPED', 'IN_PROGRESS'] as const;
/** Phases of a build in order, with a plausible duration in seconds. */
const CODEBUILD_PHASES: readonly [CodeBuildPhaseType, number][] = [
  ['SUBMITTED', 0],
  ['QUEUED', 1],
  ['PROVISIONING', 14],
  ['DOWNLOAD_SOURCE', 3],
  ['INSTALL', 9],
  ['PRE_BUILD', 2],
  ['BUILD', 47],
  ['POST_BUILD', 1],
  ['UPLOAD_ARTIFACTS', 2],
  ['FINALIZING', 2],
];

const eventBridgeCodeBuild: EventTemplate = {
  source: 'eventbridge',
  type: 'codebuild-state-change',
  description: 'CodeBuild Build State Change (source aws.codebuild): a build finished (or started, for IN_PROGRESS), with its phases and log links.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'projectName', type: 'string', default: 'my-app-build', description: 'The CodeBuild project' },
    { name: 'buildStatus', type: 'string', default: 'SUCCEEDED', description: 'The build status', choices: CODEBUILD_STATUSES },
    { name: 'buildNumber', type: 'number', default: 42, description: 'The build number', samples: [1, 42, 1337] },
    { name: 'initiator', type: 'string', default: 'codepipeline/my-app-pipeline', description: 'Who started the build (a user, or codepipeline/<pipeline>)' },
  ],
  render: (ctx) => {
    const w = where(ctx);
    const project = ctx.str('projectName');
    const status = ctx.str('buildStatus') as CodeBuildStateType;
    const buildUuid = ctx.uuid();
    const buildArn = w.arn('codebuild', `build/${project}:${buildUuid}`);
    const group = `/aws/codebuild/${project}`;

    // The phases that ran, ending now; a failed or stopped build skips to FINALIZING after BUILD.
    type Phase = CodeBuildStateEventDetail['additional-information']['phases'][number];
    const ran = CODEBUILD_PHASES.filter(([phase]) => {
      if (status === 'IN_PROGRESS') return phase === 'SUBMITTED' || phase === 'QUEUED';
      if (status === 'STOPPED') return !['POST_BUILD', 'UPLOAD_ARTIFACTS'].includes(phase);
      return true;
    });
    const total = ran.reduce((s, [, d]) => s + d, 0);
    let t = ctx.now.getTime() - total * 1000;
    const startTime = new Date(t);
    const phases: Phase[] = ran.map(([phase, seconds], i) => {
      const start = new Date(t);
      t += seconds * 1000;
      if (status === 'IN_PROGRESS' && i === ran.length - 1) return { 'start-time': codeBuildTime(start), 'phase-type': phase };
      let phaseStatus: Phase['phase-status'] = 'SUCCEEDED';
      let context: string[] = [];
      if (phase === 'BUILD' && status === 'FAILED') {
        phaseStatus = 'FAILED';
        context = ['COMMAND_EXECUTION_ERROR: Error while executing command: npm test. Reason: exit status 1'];
      } else if (phase === 'BUILD' && status === 'STOPPED') {
        phaseStatus = 'STOPPED';
      }
      return {
        'phase-context': context,
        'start-time': codeBuildTime(start),
        'end-time': codeBuildTime(new Date(t)),
        'duration-in-seconds': seconds,
        'phase-type': phase,
        'phase-status': phaseStatus,
      };
    });
    const complete = status !== 'IN_PROGRESS';
    if (complete) phases.push({ 'start-time': codeBuildTime(at(ctx)), 'phase-type': 'COMPLETED' });

    const detail: CodeBuildStateEventDetail = {
      'build-status': status,
      'project-name': project,
      'build-id': buildArn,
      'additional-information': {
        cache: { type: 'NO_CACHE' },
        'build-number': ctx.num('buildNumber'),
        'timeout-in-minutes': 60,
        'build-complete': complete,
        initiator: ctx.str('initiator'),
        'build-start-time': codeBuildTime(startTime),
        source: { buildspec: 'buildspec.yml', location: `https://github.com/example/${project}.git`, type: 'GITHUB' },
        'source-version': ctx.hex(20),
        artifact: { location: `arn:${w.partition}:s3:::codebuild-${w.region}-${w.account}-artifacts/${project}` },
        environment: {
          image: 'aws/codebuild/amazonlinux2-x86_64-standard:5.0',
          'privileged-mode': false,
          'image-pull-credentials-type': 'CODEBUILD',
          'compute-type': 'BUILD_GENERAL1_SMALL',
          type: 'LINUX_CONTAINER',
          'environment-variables': [],
        },
        'project-file-system-locations': [],
        logs: {
          'group-name': group,
          'stream-name': buildUuid,
          'deep-link': `https://${consoleHost(w.partition)}/cloudwatch/home?region=${w.region}#logEvent:group=${group};stream=${buildUuid}`,
        },
        phases,
        'queued-timeout-in-minutes': 480,
      },
      'current-phase': complete ? 'COMPLETED' : 'QUEUED',
      'current-phase-context': '[]',
      version: '1',
    };
    return envelope(ctx, 'aws.codebuild' as const, 'CodeBuild Build State Change' as const, [buildArn], detail) satisfies CodeBuildCloudWatchStateEvent;
  },
};

// ---------------------------------------------------------------------------
// CloudWatch alarm → Lambda action
// ---------------------------------------------------------------------------

const ALARM_TRANSITIONS = ['OK -> ALARM', 'ALARM -> OK', 'INSUFFICIENT_DATA -> ALARM', 'OK -> INSUFFICIENT_DATA', 'INSUFFICIENT_DATA -> OK'] as const;

const cloudWatchAlarm: EventTemplate = {
  source: 'cloudwatch',
  type: 'alarm',
  description:
    'A metric alarm changing state with a Lambda alarm action (source aws.cloudwatch). The datapoint, the reason text and reasonData follow from the transition and threshold.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'alarmName', type: 'string', default: 'my-function-errors', description: 'The alarm name' },
    { name: 'transition', type: 'string', default: 'OK -> ALARM', description: 'Previous state -> new state', choices: ALARM_TRANSITIONS },
    { name: 'namespace', type: 'string', default: 'AWS/Lambda', description: 'Metric namespace', samples: ['AWS/Lambda', 'AWS/SQS', 'MyApp'] },
    { name: 'metricName', type: 'string', default: 'Errors', description: 'Metric name', samples: ['Errors', 'Throttles', 'ApproximateAgeOfOldestMessage', 'Latency'] },
    {
      name: 'dimensions',
      type: 'json',
      default: { FunctionName: 'my-function' },
      description: 'Metric dimensions (name → value)',
      samples: [{ FunctionName: 'my-function' }, { QueueName: 'orders' }, {}],
    },
    { name: 'statistic', type: 'string', default: 'Sum', description: 'Statistic', choices: ['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount'] },
    { name: 'period', type: 'number', default: 60, description: 'Period in seconds', samples: [10, 60, 300, 3600] },
    { name: 'threshold', type: 'number', default: 5, description: 'Threshold (GreaterThanThreshold)' },
  ],
  render: (ctx) => {
    const w = where(ctx);
    const alarmName = ctx.str('alarmName');
    const [previous, current] = ctx.str('transition').split(' -> ') as [string, string];
    const threshold = ctx.num('threshold');
    const period = ctx.num('period');
    const statistic = ctx.str('statistic');
    const now = at(ctx);
    const time = cloudWatchTime(now);
    const periodMs = period * 1000;
    const f1 = (n: number) => n.toFixed(1);

    // A state as evaluated at `when`: the last full period before it is the evaluated datapoint.
    const stateOf = (value: string, when: Date, datapoint: number | null, fromState: string): CloudWatchAlarmState => {
      const ts = cloudWatchTime(when);
      const pointTime = new Date(Math.floor(when.getTime() / periodMs) * periodMs - periodMs);
      if (value === 'INSUFFICIENT_DATA' || datapoint === null) {
        return fromState === ''
          ? { value, reason: 'Unchecked: Initial alarm creation', timestamp: ts }
          : {
              value,
              reason: 'Insufficient Data: 1 datapoint was unknown.',
              reasonData: JSON.stringify({ version: '1.0', queryDate: ts, statistic, period, recentDatapoints: [], threshold, evaluatedDatapoints: [{ timestamp: cloudWatchTime(pointTime) }] }),
              timestamp: ts,
            };
      }
      const above = value === 'ALARM';
      return {
        value,
        reason:
          `Threshold Crossed: 1 out of the last 1 datapoints [${f1(datapoint)} (${cloudWatchReasonTime(pointTime)})] was ${above ? '' : 'not '}greater than the threshold ` +
          `(${f1(threshold)}) (minimum 1 datapoint for ${fromState} -> ${value} transition).`,
        reasonData: JSON.stringify({
          version: '1.0',
          queryDate: ts,
          startDate: cloudWatchTime(pointTime),
          statistic,
          period,
          recentDatapoints: [datapoint],
          threshold,
          evaluatedDatapoints: [{ timestamp: cloudWatchTime(pointTime), sampleCount: 1, value: datapoint }],
        }),
        timestamp: ts,
      };
    };
    const margin = Math.max(1, Math.abs(threshold) * 0.2);
    const below = threshold >= 0 ? Math.max(0, threshold - margin) : threshold - margin;
    const valueFor = (state: string) => (state === 'ALARM' ? threshold + margin : state === 'OK' ? below : null);
    const alarmArn = w.arn('cloudwatch', `alarm:${alarmName}`);

    return {
      source: 'aws.cloudwatch',
      alarmArn,
      accountId: w.account,
      time,
      region: w.region,
      alarmData: {
        alarmName,
        state: stateOf(current, now, valueFor(current), previous),
        previousState: stateOf(previous, at(ctx, -15 * 60_000), valueFor(previous), previous === 'INSUFFICIENT_DATA' ? '' : previous === 'OK' ? 'ALARM' : 'OK'),
        configuration: {
          description: `${ctx.str('metricName')} above ${threshold} (${statistic} over ${period} s)`,
          metrics: [
            {
              id: stableUuid(alarmArn),
              metricStat: {
                metric: { namespace: ctx.str('namespace'), name: ctx.str('metricName'), dimensions: stringMap(ctx.json('dimensions')) },
                period,
                stat: statistic,
              },
              returnData: true,
            },
          ],
        },
      },
    } satisfies CloudWatchAlarmEvent;
  },
};

// ---------------------------------------------------------------------------
// Cognito user-pool triggers
// ---------------------------------------------------------------------------

/** Cognito sends every response field it has not been given yet as `null`; @types/aws-lambda declares values. */
type NullFields<T> = { [K in keyof T]-?: null };
type WithNullResponse<E extends { response: object }> = Omit<E, 'response'> & { response: NullFields<E['response']> };
/** Pre token generation: Cognito sends `preferredRole: null` when no group has a role, and a null response. */
type PreTokenAsSent<E extends { request: { groupConfiguration: object }; response: object }> = Omit<E, 'request' | 'response'> & {
  request: Omit<E['request'], 'groupConfiguration'> & {
    groupConfiguration: Omit<E['request']['groupConfiguration'], 'preferredRole'> & { preferredRole: string | null };
  };
  response: NullFields<E['response']>;
};

const USER_POOL_CODE: ParamSpec = {
  name: 'userPoolCode',
  type: 'string',
  default: 'Ab12Cd34E',
  description: 'The user pool id after "<region>_" (the id is derived as <region>_<code>)',
  samples: ['Ab12Cd34E', 'xY9zW8vU7', 'EXAMPLE01'],
};
const CLIENT_ID: ParamSpec = {
  name: 'clientId',
  type: 'string',
  default: '1example23456789abcdefghij',
  description: 'App client id (26 characters)',
  samples: ['1example23456789abcdefghij', '3n4b5urk1ft4fl3mg5e62d9ado', '6h4c7bp8fam62nloqasq5elnso'],
};
const USER_NAME: ParamSpec = {
  name: 'userName',
  type: 'string',
  default: '',
  description: 'User name; empty for a pool whose users sign in with their email, where the user name is the sub',
  samples: ['', 'jane.doe', 'mario_rossi', 'user-42'],
};
const EMAIL: ParamSpec = { name: 'email', type: 'string', default: 'jane.doe@example.com', description: "The user's email" };
const ATTRIBUTES: ParamSpec = {
  name: 'attributes',
  type: 'json',
  default: { given_name: 'Jane', family_name: 'Doe' },
  description: 'Further user attributes (string values)',
  samples: [{}, { given_name: 'Jane', family_name: 'Doe' }, { 'custom:tenant': 'acme', locale: 'de' }, { name: 'Zoë Ångström' }],
};
const COGNITO_PARAMS = [REGION, USER_POOL_CODE, CLIENT_ID, USER_NAME, EMAIL, ATTRIBUTES] as const;

interface CognitoUser {
  region: string;
  userPoolId: string;
  email: string;
  sub: string;
  userName: string;
  /** The pool signs in by email: the user name is the sub and Cognito adds `cognito:email_alias`. */
  byEmail: boolean;
}

function cognitoUser(ctx: RenderContext): CognitoUser {
  const region = ctx.str('region');
  const userPoolId = `${region}_${ctx.str('userPoolCode')}`;
  const email = ctx.str('email');
  const given = ctx.str('userName');
  // The sub is fixed for a user: the same pool and user name (or email) give the same sub in every trigger.
  const sub = stableUuid(`${userPoolId}/${given || email}`);
  return { region, userPoolId, email, sub, userName: given || sub, byEmail: given === '' };
}

function cognitoHeader<T extends string>(ctx: RenderContext, u: CognitoUser, triggerSource: T, version = '1') {
  return {
    version,
    triggerSource,
    region: u.region,
    userPoolId: u.userPoolId,
    userName: u.userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: ctx.str('clientId') },
  };
}

/** The attributes Cognito passes for an existing user: sub and status first, then the user's own. */
function userAttributes(ctx: RenderContext, u: CognitoUser, status = 'CONFIRMED', extra: Record<string, string> = {}): Record<string, string> {
  return {
    sub: u.sub,
    'cognito:user_status': status,
    ...(u.byEmail && status !== 'UNCONFIRMED' ? { 'cognito:email_alias': u.email } : {}),
    email_verified: status === 'UNCONFIRMED' || status === 'FORCE_CHANGE_PASSWORD' ? 'false' : 'true',
    ...extra,
    ...stringMap(ctx.json('attributes')),
    email: u.email,
  };
}

/** What a custom sender receives instead of the code: the code encrypted with the pool's KMS key (an AWS Encryption SDK message), base64. */
function encryptedCode(): string {
  // Version 1, type 128 (customer-authenticated encrypted data), algorithm 0x0378, then message id and body.
  return Buffer.concat([Buffer.from([0x01, 0x80, 0x03, 0x78]), randomBytes(32), randomBytes(360)]).toString('base64');
}

const PRE_SIGN_UP_SOURCES = ['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider'] as const;

const cognitoPreSignUp: EventTemplate = {
  source: 'cognito',
  type: 'pre-sign-up',
  description:
    'Pre sign-up trigger: the attributes the user signed up with (no sub yet), validation data, and a response with every auto-confirm flag false. An external-provider sign-up names the user <Provider>_<id>.',
  params: [
    ...COGNITO_PARAMS,
    { name: 'triggerSource', type: 'string', default: 'PreSignUp_SignUp', description: 'What is signing the user up', choices: PRE_SIGN_UP_SOURCES },
    {
      name: 'validationData',
      type: 'json',
      default: null,
      description: 'ValidationData the client sent (null when none, as Cognito sends it)',
      samples: [null, {}, { recaptchaToken: '03AGdBq24PBCbwiDRaS_MJ7Z' }],
    },
  ],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    const triggerSource = ctx.str('triggerSource') as Of<typeof PRE_SIGN_UP_SOURCES>;
    const external = triggerSource === 'PreSignUp_ExternalProvider';
    const validation = ctx.json('validationData');
    return {
      ...cognitoHeader(ctx, u, triggerSource),
      userName: external ? `Google_${stableChars(u.email, 21, DIGITS)}` : u.userName,
      request: {
        userAttributes: { ...stringMap(ctx.json('attributes')), email: u.email, ...(external ? { email_verified: 'true' } : {}) },
        validationData: validation === null ? null : stringMap(validation),
      },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    } satisfies Omit<BasePreSignUpTriggerEvent<typeof triggerSource>, 'request'> & {
      request: Omit<BasePreSignUpTriggerEvent<typeof triggerSource>['request'], 'validationData'> & { validationData: Record<string, string> | null };
    };
  },
};

const POST_CONFIRMATION_SOURCES = ['PostConfirmation_ConfirmSignUp', 'PostConfirmation_ConfirmForgotPassword'] as const;

const cognitoPostConfirmation: EventTemplate = {
  source: 'cognito',
  type: 'post-confirmation',
  description: 'Post confirmation trigger: a user confirmed their sign-up (or a forgotten-password reset); the attributes now include the sub.',
  params: [
    ...COGNITO_PARAMS,
    { name: 'triggerSource', type: 'string', default: 'PostConfirmation_ConfirmSignUp', description: 'What was confirmed', choices: POST_CONFIRMATION_SOURCES },
  ],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    const triggerSource = ctx.str('triggerSource') as Of<typeof POST_CONFIRMATION_SOURCES>;
    return {
      ...cognitoHeader(ctx, u, triggerSource),
      request: { userAttributes: userAttributes(ctx, u) },
      response: {},
    } satisfies BasePostConfirmationTriggerEvent<typeof triggerSource>;
  },
};

const cognitoPreAuthentication: EventTemplate = {
  source: 'cognito',
  type: 'pre-authentication',
  description: 'Pre authentication trigger: a user is signing in; the function may refuse.',
  params: [...COGNITO_PARAMS],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    return {
      ...cognitoHeader(ctx, u, 'PreAuthentication_Authentication' as const),
      request: { userAttributes: userAttributes(ctx, u), validationData: {} },
      response: {},
    } satisfies PreAuthenticationTriggerEvent;
  },
};

const cognitoPostAuthentication: EventTemplate = {
  source: 'cognito',
  type: 'post-authentication',
  description: 'Post authentication trigger: a user signed in.',
  params: [...COGNITO_PARAMS, { name: 'newDeviceUsed', type: 'boolean', default: false, description: 'Whether the user signed in from a new device' }],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    return {
      ...cognitoHeader(ctx, u, 'PostAuthentication_Authentication' as const),
      request: { userAttributes: userAttributes(ctx, u), newDeviceUsed: ctx.bool('newDeviceUsed') },
      response: {},
    } satisfies PostAuthenticationTriggerEvent;
  },
};

const TOKEN_SOURCES = [
  'TokenGeneration_HostedAuth',
  'TokenGeneration_Authentication',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
  'TokenGeneration_RefreshTokens',
] as const;
const TOKEN_PARAMS: readonly ParamSpec[] = [
  ...COGNITO_PARAMS,
  ACCOUNT,
  { name: 'triggerSource', type: 'string', default: 'TokenGeneration_HostedAuth', description: 'What the tokens are for', choices: TOKEN_SOURCES },
  { name: 'groups', type: 'json', default: ['admins'], description: "The user's groups", samples: [[], ['admins'], ['readers', 'writers']] },
  { name: 'groupRoles', type: 'boolean', default: false, description: 'Whether each group has an IAM role (arn:…:role/<group>-role); the first is the preferred role' },
];

function groupConfiguration(ctx: RenderContext) {
  const groups = stringList(ctx.json('groups'));
  const roles = ctx.bool('groupRoles') ? groups.map((g) => arn(partitionOf(ctx.str('region')), 'iam', '', ctx.str('account'), `role/${g}-role`)) : [];
  return { groupsToOverride: groups, iamRolesToOverride: roles, preferredRole: roles[0] ?? null };
}

const cognitoPreTokenV1: EventTemplate = {
  source: 'cognito',
  type: 'pre-token-generation',
  description: 'Pre token generation trigger, event version 1 (ID token customisation); claimsOverrideDetails is null until the function sets it.',
  params: TOKEN_PARAMS,
  render: (ctx) => {
    const u = cognitoUser(ctx);
    const triggerSource = ctx.str('triggerSource') as Of<typeof TOKEN_SOURCES>;
    return {
      ...cognitoHeader(ctx, u, triggerSource),
      request: { userAttributes: userAttributes(ctx, u), groupConfiguration: groupConfiguration(ctx) },
      response: { claimsOverrideDetails: null },
    } satisfies PreTokenAsSent<BasePreTokenGenerationTriggerEvent<typeof triggerSource>>;
  },
};

const cognitoPreTokenV2: EventTemplate = {
  source: 'cognito',
  type: 'pre-token-generation-v2',
  description: 'Pre token generation trigger, event version 2 (ID and access token customisation, with the requested scopes).',
  params: [
    ...TOKEN_PARAMS,
    {
      name: 'scopes',
      type: 'json',
      default: ['openid', 'email', 'aws.cognito.signin.user.admin'],
      description: 'Scopes of the access token',
      samples: [['openid'], ['openid', 'email', 'profile'], ['aws.cognito.signin.user.admin']],
    },
  ],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    const triggerSource = ctx.str('triggerSource') as Of<typeof TOKEN_SOURCES>;
    return {
      ...cognitoHeader(ctx, u, triggerSource, '2'),
      request: { userAttributes: userAttributes(ctx, u), groupConfiguration: groupConfiguration(ctx), scopes: stringList(ctx.json('scopes')) },
      response: { claimsAndScopeOverrideDetails: null },
    } satisfies PreTokenAsSent<BasePreTokenGenerationV2TriggerEvent<typeof triggerSource>>;
  },
};

const CUSTOM_MESSAGE_SOURCES = [
  'CustomMessage_SignUp',
  'CustomMessage_AdminCreateUser',
  'CustomMessage_ResendCode',
  'CustomMessage_ForgotPassword',
  'CustomMessage_UpdateUserAttribute',
  'CustomMessage_VerifyUserAttribute',
  'CustomMessage_Authentication',
] as const;

/** The user's status when Cognito sends each kind of message. */
function statusFor(triggerSource: string): string {
  if (/_(SignUp|ResendCode)$/.test(triggerSource)) return 'UNCONFIRMED';
  if (triggerSource.endsWith('_AdminCreateUser')) return 'FORCE_CHANGE_PASSWORD';
  return 'CONFIRMED';
}

const cognitoCustomMessage: EventTemplate = {
  source: 'cognito',
  type: 'custom-message',
  description: 'Custom message trigger: Cognito is about to send a code or link; the request holds the placeholders the message must contain.',
  params: [...COGNITO_PARAMS, { name: 'triggerSource', type: 'string', default: 'CustomMessage_SignUp', description: 'Which message', choices: CUSTOM_MESSAGE_SOURCES }],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    const triggerSource = ctx.str('triggerSource') as Of<typeof CUSTOM_MESSAGE_SOURCES>;
    return {
      ...cognitoHeader(ctx, u, triggerSource),
      request: {
        userAttributes: userAttributes(ctx, u, statusFor(triggerSource)),
        codeParameter: '{####}',
        linkParameter: '{##Click Here##}',
        usernameParameter: triggerSource === 'CustomMessage_AdminCreateUser' ? '{username}' : null,
      },
      response: { smsMessage: null, emailMessage: null, emailSubject: null },
    } satisfies BaseCustomMessageTriggerEvent<typeof triggerSource>;
  },
};

const cognitoUserMigration: EventTemplate = {
  source: 'cognito',
  type: 'user-migration',
  description:
    'Migrate user trigger at sign-in: the user is not in the pool yet, so there is no sub; the user name is what they typed (the email when no user name is given). Every response field is null.',
  params: [REGION, USER_POOL_CODE, CLIENT_ID, USER_NAME, EMAIL, { name: 'password', type: 'string', default: 'Passw0rd!', description: 'The password the user typed' }],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    return {
      ...cognitoHeader(ctx, u, 'UserMigration_Authentication' as const),
      userName: ctx.str('userName') || u.email,
      request: { password: ctx.str('password'), validationData: {} },
      response: { userAttributes: null, finalUserStatus: null, messageAction: null, desiredDeliveryMediums: null, forceAliasCreation: null, enableSMSMFA: null },
    } satisfies WithNullResponse<BaseUserMigrationTriggerEvent<'UserMigration_Authentication'>>;
  },
};

/** Challenge params shared by the three custom-auth triggers. */
const CHALLENGE_PARAMS: readonly ParamSpec[] = [
  ...COGNITO_PARAMS,
  {
    name: 'answeredChallenges',
    type: 'number',
    default: 1,
    description: 'Custom challenges already answered in this sign-in (0: the first call, with an empty session)',
    samples: [0, 1, 2, 3],
  },
  { name: 'lastAnswerCorrect', type: 'boolean', default: true, description: 'Whether the latest answer was correct (earlier ones were wrong)' },
  { name: 'challengeMetadata', type: 'string', default: 'EMAIL_OTP_CODE', description: 'The challengeMetadata your create-auth-challenge function returned' },
];

type CustomChallengeResult = Extract<DefineAuthChallengeTriggerEvent['request']['session'][number], { challengeName: 'CUSTOM_CHALLENGE' }>;

function challengeSession(ctx: RenderContext): CustomChallengeResult[] {
  const n = Math.max(0, Math.floor(ctx.num('answeredChallenges')));
  return Array.from({ length: n }, (_, i) => ({
    challengeName: 'CUSTOM_CHALLENGE' as const,
    challengeResult: i === n - 1 ? ctx.bool('lastAnswerCorrect') : false,
    challengeMetadata: ctx.str('challengeMetadata'),
  }));
}

const cognitoDefineAuthChallenge: EventTemplate = {
  source: 'cognito',
  type: 'define-auth-challenge',
  description: 'Define auth challenge trigger (custom authentication flow): the session so far; the function decides the next challenge or issues tokens.',
  params: CHALLENGE_PARAMS,
  render: (ctx) => {
    const u = cognitoUser(ctx);
    return {
      ...cognitoHeader(ctx, u, 'DefineAuthChallenge_Authentication' as const),
      request: { userAttributes: userAttributes(ctx, u), session: challengeSession(ctx) },
      response: { challengeName: null, issueTokens: null, failAuthentication: null },
    } satisfies WithNullResponse<DefineAuthChallengeTriggerEvent>;
  },
};

const cognitoCreateAuthChallenge: EventTemplate = {
  source: 'cognito',
  type: 'create-auth-challenge',
  description: 'Create auth challenge trigger: the challenge named by define-auth-challenge is to be created; the function fills in its public and private parameters.',
  params: CHALLENGE_PARAMS,
  render: (ctx) => {
    const u = cognitoUser(ctx);
    return {
      ...cognitoHeader(ctx, u, 'CreateAuthChallenge_Authentication' as const),
      request: { userAttributes: userAttributes(ctx, u), challengeName: 'CUSTOM_CHALLENGE', session: challengeSession(ctx) },
      response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
    } satisfies WithNullResponse<CreateAuthChallengeTriggerEvent>;
  },
};

const cognitoVerifyAuthChallenge: EventTemplate = {
  source: 'cognito',
  type: 'verify-auth-challenge',
  description: "Verify auth challenge response trigger: the user's answer and the private parameters create-auth-challenge stored; answerCorrect is null until the function sets it.",
  params: [
    ...COGNITO_PARAMS,
    { name: 'challengeAnswer', type: 'string', default: '123456', description: 'What the user answered', samples: ['123456', '654321', 'blue'] },
    {
      name: 'privateChallengeParameters',
      type: 'json',
      default: { answer: '123456' },
      description: 'The private parameters your create-auth-challenge function returned',
      samples: [{ answer: '123456' }, { answer: 'blue', attempt: '2' }],
    },
  ],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    return {
      ...cognitoHeader(ctx, u, 'VerifyAuthChallengeResponse_Authentication' as const),
      request: { userAttributes: userAttributes(ctx, u), privateChallengeParameters: stringMap(ctx.json('privateChallengeParameters')), challengeAnswer: ctx.str('challengeAnswer') },
      response: { answerCorrect: null },
    } satisfies WithNullResponse<VerifyAuthChallengeResponseTriggerEvent>;
  },
};

const EMAIL_SENDER_SOURCES = [
  'CustomEmailSender_SignUp',
  'CustomEmailSender_ResendCode',
  'CustomEmailSender_ForgotPassword',
  'CustomEmailSender_UpdateUserAttribute',
  'CustomEmailSender_VerifyUserAttribute',
  'CustomEmailSender_AdminCreateUser',
  'CustomEmailSender_Authentication',
] as const;

const cognitoCustomEmailSender: EventTemplate = {
  source: 'cognito',
  type: 'custom-email-sender',
  description:
    'Custom email sender trigger: Cognito hands the function the code to email, encrypted with the pool\'s KMS key (base64 AWS Encryption SDK message). The event has no response object.',
  params: [...COGNITO_PARAMS, { name: 'triggerSource', type: 'string', default: 'CustomEmailSender_SignUp', description: 'Which message', choices: EMAIL_SENDER_SOURCES }],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    const triggerSource = ctx.str('triggerSource') as Of<typeof EMAIL_SENDER_SOURCES>;
    return {
      ...cognitoHeader(ctx, u, triggerSource),
      request: { type: 'customEmailSenderRequestV1', code: encryptedCode(), userAttributes: userAttributes(ctx, u, statusFor(triggerSource)) },
    } satisfies Omit<BaseCustomEmailSenderTriggerEvent<typeof triggerSource>, 'response'>;
  },
};

const SMS_SENDER_SOURCES = [
  'CustomSMSSender_SignUp',
  'CustomSMSSender_ResendCode',
  'CustomSMSSender_ForgotPassword',
  'CustomSMSSender_UpdateUserAttribute',
  'CustomSMSSender_VerifyUserAttribute',
  'CustomSMSSender_AdminCreateUser',
  'CustomSMSSender_Authentication',
] as const;

const cognitoCustomSmsSender: EventTemplate = {
  source: 'cognito',
  type: 'custom-sms-sender',
  description: 'Custom SMS sender trigger: the code to text, encrypted with the pool\'s KMS key, and the user\'s phone number. The event has no response object.',
  params: [
    ...COGNITO_PARAMS,
    { name: 'triggerSource', type: 'string', default: 'CustomSMSSender_Authentication', description: 'Which message', choices: SMS_SENDER_SOURCES },
    { name: 'phoneNumber', type: 'string', default: '+12065550100', description: 'E.164 phone number', samples: ['+12065550100', '+447700900123', '+4915112345678'] },
  ],
  render: (ctx) => {
    const u = cognitoUser(ctx);
    const triggerSource = ctx.str('triggerSource') as Of<typeof SMS_SENDER_SOURCES>;
    const status = statusFor(triggerSource);
    const phone = { phone_number: ctx.str('phoneNumber'), phone_number_verified: status === 'CONFIRMED' ? 'true' : 'false' };
    return {
      ...cognitoHeader(ctx, u, triggerSource),
      request: { type: 'customSMSSenderRequestV1', code: encryptedCode(), userAttributes: userAttributes(ctx, u, status, phone) },
    } satisfies Omit<BaseCustomSMSSenderTriggerEvent<typeof triggerSource>, 'response'>;
  },
};

// ---------------------------------------------------------------------------
// SES receiving
// ---------------------------------------------------------------------------

const VERDICTS = ['PASS', 'FAIL', 'GRAY'] as const;

/** A header value as it travels: non-ASCII text as an RFC 2047 encoded word. */
const headerText = (text: string): string => (/^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${base64(text)}?=`);

const sesReceive: EventTemplate = {
  source: 'ses',
  type: 'receive',
  description:
    'SES email receiving with a Lambda action: the message headers and SES verdicts. dmarcPolicy appears only when DMARC fails; with scanning off the spam and virus verdicts are DISABLED.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'functionName', type: 'string', default: 'process-inbound-mail', description: 'The receipt rule\'s function' },
    { name: 'senderEmail', type: 'string', default: 'sender@example.com', description: 'From address' },
    { name: 'recipientEmail', type: 'string', default: 'inbox@example.org', description: 'Recipient (a verified domain of the receipt rule)' },
    { name: 'subject', type: 'string', default: 'Invoice 2024-001', description: 'Subject', samples: ['Invoice 2024-001', 'Größe und データ', 'Re: hello'] },
    { name: 'invocationType', type: 'string', default: 'Event', description: 'Event (asynchronous) or RequestResponse (the function may stop the rule set)', choices: ['Event', 'RequestResponse'] },
    { name: 'scanEnabled', type: 'boolean', default: true, description: 'Whether the receipt rule scans for spam and viruses' },
    { name: 'dmarcVerdict', type: 'string', default: 'PASS', description: 'DMARC verdict', choices: VERDICTS },
    { name: 'dmarcPolicy', type: 'string', default: 'reject', description: "The sender domain's DMARC policy (sent only when DMARC fails)", choices: ['none', 'quarantine', 'reject'] },
  ],
  render: (ctx) => {
    const w = where(ctx);
    const sender = ctx.str('senderEmail');
    const recipient = ctx.str('recipientEmail');
    const subject = ctx.str('subject');
    const senderDomain = sender.split('@')[1] ?? 'example.com';
    const processing = 300 + randomInt(700);
    const received = at(ctx, -processing);
    const timestamp = received.toISOString();
    const date = mailDate(at(ctx, -processing - 2000));
    const messageId = randomChars(40, LOWER_ALNUM);
    const headerMessageId = `<${ctx.hex(12)}@mail.${senderDomain}>`;
    const headers: SESMailHeader[] = [
      { name: 'Return-Path', value: `<${sender}>` },
      {
        name: 'Received',
        value: `from mail.${senderDomain} (mail.${senderDomain} [203.0.113.25]) by inbound-smtp.${w.region}.amazonaws.com with SMTP id ${messageId} for ${recipient}; ${mailDate(received)}`,
      },
      { name: 'From', value: sender },
      { name: 'To', value: recipient },
      { name: 'Subject', value: headerText(subject) },
      { name: 'Date', value: date },
      { name: 'Message-ID', value: headerMessageId },
      { name: 'MIME-Version', value: '1.0' },
      { name: 'Content-Type', value: 'text/plain; charset=UTF-8' },
    ];
    const scan: SESReceiptStatus = { status: ctx.bool('scanEnabled') ? 'PASS' : 'DISABLED' };
    const dmarc = ctx.str('dmarcVerdict') as Of<typeof VERDICTS>;
    return {
      Records: [
        {
          eventSource: 'aws:ses',
          eventVersion: '1.0',
          ses: {
            mail: {
              timestamp,
              source: sender,
              messageId,
              destination: [recipient],
              headersTruncated: false,
              headers,
              commonHeaders: { returnPath: sender, from: [sender], date, to: [recipient], messageId: headerMessageId, subject },
            },
            receipt: {
              timestamp,
              processingTimeMillis: processing,
              recipients: [recipient],
              spamVerdict: scan,
              virusVerdict: { ...scan },
              spfVerdict: { status: 'PASS' },
              dkimVerdict: { status: 'PASS' },
              dmarcVerdict: { status: dmarc },
              ...(dmarc === 'FAIL' ? { dmarcPolicy: ctx.str('dmarcPolicy') as 'none' | 'quarantine' | 'reject' } : {}),
              action: { type: 'Lambda', functionArn: w.arn('lambda', `function:${ctx.str('functionName')}`), invocationType: ctx.str('invocationType') },
            },
          },
        },
      ],
    } satisfies SESEvent;
  },
};

// ---------------------------------------------------------------------------
// CloudFormation custom resources
// ---------------------------------------------------------------------------

/** CloudFormation passes every scalar property value to the function as a string. */
function asCloudFormationPasses(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asCloudFormationPasses);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asCloudFormationPasses(v)]));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
}

function propertyMap(value: unknown): Record<string, unknown> {
  const v = asCloudFormationPasses(value);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const CFN_PARAMS: readonly ParamSpec[] = [
  REGION,
  ACCOUNT,
  { name: 'stackName', type: 'string', default: 'my-stack', description: 'The stack name (the StackId ARN is derived from it)' },
  { name: 'logicalResourceId', type: 'string', default: 'MyCustomResource', description: 'Logical id in the template', samples: ['MyCustomResource', 'SeedDatabase', 'CertificateValidator'] },
  {
    name: 'resourceType',
    type: 'string',
    default: 'Custom::MyResource',
    description: 'Custom::<Name> or AWS::CloudFormation::CustomResource',
    samples: ['Custom::MyResource', 'Custom::DatabaseSeed', 'AWS::CloudFormation::CustomResource'],
  },
  { name: 'functionName', type: 'string', default: 'my-stack-custom-resource', description: 'The function behind ServiceToken' },
  { name: 'properties', type: 'json', default: { BucketName: 'my-bucket', Retain: true, Count: 3 }, description: 'Resource properties (CloudFormation passes scalars as strings)' },
];
const PHYSICAL_ID: ParamSpec = {
  name: 'physicalResourceId',
  type: 'string',
  default: '',
  description: 'PhysicalResourceId your function returned on create (empty: derived as CloudFormation names resources, <stack>-<logical id>-<suffix>)',
  samples: ['', 'my-resource-1', 'seed-run-0001'],
};

/** Everything a custom-resource request shares, with the pre-signed response URL built from the stack, resource and request ids. */
function customResourceBase(ctx: RenderContext) {
  const w = where(ctx);
  const stackName = ctx.str('stackName');
  const logicalId = ctx.str('logicalResourceId');
  const stackId = w.arn('cloudformation', `stack/${stackName}/${stableUuid(`${w.region}/${w.account}/${stackName}`)}`);
  const requestId = ctx.uuid();
  const serviceToken = w.arn('lambda', `function:${ctx.str('functionName')}`);
  const now = at(ctx);
  const host = w.region === 'us-east-1' ? 's3.amazonaws.com' : `s3.${w.region}.amazonaws.com${w.partition === 'aws-cn' ? '.cn' : ''}`;
  const key = encodeURIComponent(`${stackId}|${logicalId}|${requestId}`).replace(/%2F/g, '/');
  const credential = encodeURIComponent(`AKIA${randomChars(16, UPPER_ALNUM)}/${amzDate(now).slice(0, 8)}/${w.region}/s3/aws4_request`);
  const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${amzDate(now)}&X-Amz-SignedHeaders=host&X-Amz-Expires=7200&X-Amz-Credential=${credential}&X-Amz-Signature=${ctx.hex(32)}`;
  return {
    ServiceToken: serviceToken,
    ResponseURL: `https://cloudformation-custom-resource-response-${w.region.replace(/-/g, '')}.${host}/${key}?${query}`,
    StackId: stackId,
    RequestId: requestId,
    LogicalResourceId: logicalId,
    ResourceType: ctx.str('resourceType'),
    ResourceProperties: { ServiceToken: serviceToken, ...propertyMap(ctx.json('properties')) },
  };
}

function physicalResourceId(ctx: RenderContext): string {
  const given = ctx.str('physicalResourceId');
  if (given) return given;
  const stack = ctx.str('stackName');
  const logical = ctx.str('logicalResourceId');
  return `${stack}-${logical}-${stableChars(`${ctx.str('region')}/${ctx.str('account')}/${stack}/${logical}`, 13, UPPER_ALNUM)}`;
}

const cloudFormationCreate: EventTemplate = {
  source: 'cloudformation',
  type: 'create',
  description: 'Custom resource Create request. ResponseURL is a pre-signed S3 URL whose key is <StackId>|<LogicalResourceId>|<RequestId>.',
  params: CFN_PARAMS,
  render: (ctx) => ({ RequestType: 'Create', ...customResourceBase(ctx) }) satisfies CloudFormationCustomResourceCreateEvent,
};

const cloudFormationUpdate: EventTemplate = {
  source: 'cloudformation',
  type: 'update',
  description: 'Custom resource Update request: new and old properties, and the physical id the function returned on create.',
  params: [
    ...CFN_PARAMS,
    PHYSICAL_ID,
    { name: 'oldProperties', type: 'json', default: { BucketName: 'my-bucket', Retain: false, Count: 2 }, description: 'The properties before the update' },
  ],
  render: (ctx) => {
    const base = customResourceBase(ctx);
    return {
      RequestType: 'Update',
      ...base,
      PhysicalResourceId: physicalResourceId(ctx),
      OldResourceProperties: { ServiceToken: base.ServiceToken, ...propertyMap(ctx.json('oldProperties')) },
    } satisfies CloudFormationCustomResourceUpdateEvent;
  },
};

const cloudFormationDelete: EventTemplate = {
  source: 'cloudformation',
  type: 'delete',
  description: 'Custom resource Delete request (stack deletion, or replacement after an update that changed the physical id).',
  params: [...CFN_PARAMS, PHYSICAL_ID],
  render: (ctx) => ({ RequestType: 'Delete', ...customResourceBase(ctx), PhysicalResourceId: physicalResourceId(ctx) }) satisfies CloudFormationCustomResourceDeleteEvent,
};

// ---------------------------------------------------------------------------
// Secrets Manager rotation
// ---------------------------------------------------------------------------

const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

const secretsManagerRotation: EventTemplate = {
  source: 'secretsmanager',
  type: 'rotation',
  description:
    'Secrets Manager invoking a rotation function for one step. SecretId is the secret ARN (name plus the 6-character suffix), ClientRequestToken the new version id; RotationToken is documented but missing from @types/aws-lambda.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'secretName', type: 'string', default: 'prod/my-app/db', description: 'The secret name', samples: ['prod/my-app/db', 'api-key', 'rds!cluster-0a1b2c3d'] },
    { name: 'step', type: 'string', default: 'createSecret', description: 'The rotation step', choices: ROTATION_STEPS },
  ],
  render: (ctx) => {
    const w = where(ctx);
    const name = ctx.str('secretName');
    return {
      Step: ctx.str('step') as SecretsManagerRotationEventStep,
      SecretId: w.arn('secretsmanager', `secret:${name}-${stableChars(`${w.region}/${w.account}/${name}`, 6, MIXED_ALNUM)}`),
      ClientRequestToken: ctx.uuid(),
      RotationToken: ctx.uuid(),
    } satisfies SecretsManagerRotationEvent & { RotationToken: string };
  },
};

// ---------------------------------------------------------------------------
// IoT rules: the event is the message payload the rule's SQL selects
// ---------------------------------------------------------------------------

/** The documented AWS IoT button message (topic iotbutton/<serialNumber>). */
interface IoTButtonPayload {
  serialNumber: string;
  clickType: 'SINGLE' | 'DOUBLE' | 'LONG';
  batteryVoltage: string;
}

const iotButton: EventTemplate = {
  source: 'iot',
  type: 'button',
  description: 'An IoT rule (SELECT * FROM \'iotbutton/+\') passing the AWS IoT button message: serial number, click type, battery voltage.',
  params: [
    { name: 'serialNumber', type: 'string', default: 'G030JF0512345678', description: 'Button serial number (16 characters)', samples: ['G030JF0512345678', 'G030PM0498765432', 'G030MD1234ABCDEF'] },
    { name: 'clickType', type: 'string', default: 'SINGLE', description: 'The click', choices: ['SINGLE', 'DOUBLE', 'LONG'] },
    { name: 'batteryVoltage', type: 'number', default: 1705, description: 'Battery voltage in millivolts' },
  ],
  render: (ctx) =>
    ({
      serialNumber: ctx.str('serialNumber'),
      clickType: ctx.str('clickType') as IoTButtonPayload['clickType'],
      batteryVoltage: `${Math.round(ctx.num('batteryVoltage'))}mV`,
    }) satisfies IoTEvent<IoTButtonPayload>,
};

/** A device shadow's `/update/documents` message: the shadow before and after an accepted update. */
interface ShadowDocument {
  state: { desired?: unknown; reported?: unknown };
  metadata: { desired?: unknown; reported?: unknown };
  version: number;
  timestamp: number;
}
interface ShadowDocumentsPayload {
  previous: ShadowDocument;
  current: ShadowDocument;
  timestamp: number;
  clientToken?: string;
}

/** Shadow metadata mirrors the state with `{ timestamp }` at every leaf: `changed` leaves carry `now`, the rest `before`. */
function shadowMetadata(state: unknown, previous: unknown, now: number, before: number): unknown {
  if (state !== null && typeof state === 'object' && !Array.isArray(state)) {
    const prev = previous !== null && typeof previous === 'object' && !Array.isArray(previous) ? (previous as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, shadowMetadata(v, prev[k], now, before)]));
  }
  return { timestamp: JSON.stringify(state) === JSON.stringify(previous) ? before : now };
}

const iotShadow: EventTemplate = {
  source: 'iot',
  type: 'shadow-documents',
  description:
    "An IoT rule on $aws/things/<thing>/shadow/update/documents: the device shadow before and after an update (here the device reporting a new state), with per-field metadata timestamps in epoch seconds.",
  params: [
    { name: 'desired', type: 'json', default: { color: 'green', brightness: 80 }, description: 'Desired state' },
    { name: 'reported', type: 'json', default: { color: 'green', brightness: 80 }, description: 'Reported state after the update' },
    { name: 'previousReported', type: 'json', default: { color: 'red', brightness: 80 }, description: 'Reported state before the update' },
    { name: 'version', type: 'number', default: 12, description: 'Shadow version after the update', samples: [2, 12, 431] },
  ],
  render: (ctx) => {
    const now = ctx.epochSeconds();
    const before = ctx.epochSeconds(-3600_000);
    const desired = ctx.json('desired');
    const version = Math.max(2, Math.floor(ctx.num('version')));
    const desiredMeta = shadowMetadata(desired, desired, before, before);
    return {
      previous: {
        state: { desired, reported: ctx.json('previousReported') },
        metadata: { desired: desiredMeta, reported: shadowMetadata(ctx.json('previousReported'), ctx.json('previousReported'), before, before) },
        version: version - 1,
        timestamp: before,
      },
      current: {
        state: { desired, reported: ctx.json('reported') },
        metadata: { desired: desiredMeta, reported: shadowMetadata(ctx.json('reported'), ctx.json('previousReported'), now, before) },
        version,
        timestamp: now,
      },
      timestamp: now,
    } satisfies IoTEvent<ShadowDocumentsPayload>;
  },
};

// ---------------------------------------------------------------------------
// Lex V2
// ---------------------------------------------------------------------------

function lexSlot(value: unknown): LexV2Slot | null {
  if (value === null || value === undefined) return null;
  const scalar = (v: unknown) => {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return { shape: 'Scalar' as const, value: { originalValue: s, interpretedValue: s, resolvedValues: [s] } };
  };
  if (Array.isArray(value)) {
    const values = value.map(scalar);
    const joined = values.map((v) => v.value.originalValue).join(', ');
    return { shape: 'List', value: { originalValue: joined, interpretedValue: joined, resolvedValues: [] }, values };
  }
  return scalar(value);
}

const lexV2: EventTemplate = {
  source: 'lex',
  type: 'v2',
  description:
    'Amazon Lex V2 code hook: the interpreted intent with its slots (null until filled), the session state, and the next step Lex proposes (elicit the first empty slot, else confirm).',
  params: [
    { name: 'botName', type: 'string', default: 'HotelBookingBot', description: 'Bot name' },
    { name: 'botId', type: 'string', default: 'ABCDE12345', description: 'Bot id (10 characters)', samples: ['ABCDE12345', 'QWERTY7890', 'ZXCVB09876'] },
    { name: 'localeId', type: 'string', default: 'en_US', description: 'Locale', choices: ['en_US', 'en_GB', 'de_DE', 'fr_FR', 'es_US', 'ja_JP'] },
    { name: 'intentName', type: 'string', default: 'BookHotel', description: 'The recognised intent' },
    {
      name: 'slots',
      type: 'json',
      default: { Location: 'Seattle', Nights: '2', CheckInDate: null },
      description: 'Slot values (null: not yet filled; an array: a multi-valued slot)',
      samples: [{ Location: 'Seattle', Nights: '2', CheckInDate: null }, { Location: 'Paris', Nights: '3', CheckInDate: '2030-05-01' }, { Toppings: ['cheese', 'ham'] }, {}],
    },
    { name: 'inputTranscript', type: 'string', default: 'Book a hotel in Seattle for 2 nights', description: 'What the user said or typed' },
    { name: 'invocationSource', type: 'string', default: 'DialogCodeHook', description: 'Which code hook', choices: ['DialogCodeHook', 'FulfillmentCodeHook'] },
    { name: 'inputMode', type: 'string', default: 'Text', description: 'How the user spoke to the bot', choices: ['Text', 'Speech', 'DTMF'] },
    { name: 'sessionAttributes', type: 'json', default: {}, description: 'Session attributes (string values)', samples: [{}, { customerId: 'c-42' }] },
  ],
  render: (ctx) => {
    const rawSlots = ctx.json('slots');
    const slotEntries = rawSlots !== null && typeof rawSlots === 'object' && !Array.isArray(rawSlots) ? Object.entries(rawSlots) : [];
    const slots: LexV2Slots = Object.fromEntries(slotEntries.map(([k, v]) => [k, lexSlot(v)]));
    const emptySlot = Object.keys(slots).find((k) => slots[k] === null);
    const fulfillment = ctx.str('invocationSource') === 'FulfillmentCodeHook';
    const intent: LexV2Intent = {
      confirmationState: 'None',
      name: ctx.str('intentName'),
      slots,
      state: fulfillment ? 'ReadyForFulfillment' : 'InProgress',
    };
    const inputMode = ctx.str('inputMode') as LexV2Event['inputMode'];
    const transcript = ctx.str('inputTranscript');
    return {
      messageVersion: '1.0',
      invocationSource: fulfillment ? 'FulfillmentCodeHook' : 'DialogCodeHook',
      inputMode,
      responseContentType: inputMode === 'Speech' ? 'audio/pcm' : 'text/plain; charset=utf-8',
      sessionId: randomChars(15, DIGITS),
      inputTranscript: transcript,
      bot: { id: ctx.str('botId'), name: ctx.str('botName'), aliasId: 'TSTALIASID', aliasName: 'TestBotAlias', localeId: ctx.str('localeId'), version: 'DRAFT' },
      interpretations: [
        { intent, nluConfidence: 0.94 },
        { intent: { confirmationState: 'None', name: 'FallbackIntent', slots: {}, state: 'InProgress' } },
      ],
      proposedNextState: {
        dialogAction: emptySlot !== undefined ? { type: 'ElicitSlot', slotToElicit: emptySlot } : { type: 'ConfirmIntent' },
        intent,
      },
      sessionState: {
        sessionAttributes: stringMap(ctx.json('sessionAttributes')),
        activeContexts: [],
        intent,
        originatingRequestId: ctx.uuid(),
      },
      transcriptions:
        inputMode === 'Speech' ? [{ transcription: transcript, transcriptionConfidence: 0.92, resolvedContext: { intent: ctx.str('intentName') }, resolvedSlots: {} }] : [],
    } satisfies LexV2Event;
  },
};

// ---------------------------------------------------------------------------
// Amazon Connect
// ---------------------------------------------------------------------------

const INITIATION_METHODS = ['INBOUND', 'OUTBOUND', 'TRANSFER', 'CALLBACK', 'API'] as const;

const connectContactFlow: EventTemplate = {
  source: 'connect',
  type: 'contact-flow',
  description:
    'An Amazon Connect flow\'s "Invoke AWS Lambda function" block: the contact (ids, endpoints, queue, attributes) and the block\'s parameters. A transferred contact keeps its initial contact id.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'instanceAlias', type: 'string', default: 'my-contact-center', description: 'Connect instance alias (the instance id is derived from it)' },
    { name: 'channel', type: 'string', default: 'VOICE', description: 'Channel', choices: ['VOICE', 'CHAT'] },
    { name: 'initiationMethod', type: 'string', default: 'INBOUND', description: 'How the contact started', choices: INITIATION_METHODS },
    { name: 'customerPhone', type: 'string', default: '+12065550100', description: "Customer's number (voice)", samples: ['+12065550100', '+442079460123', '+61491570156'] },
    { name: 'systemPhone', type: 'string', default: '+18005550199', description: 'The number the customer called (voice)', samples: ['+18005550199', '+442079460999'] },
    { name: 'queueName', type: 'string', default: 'BasicQueue', description: 'Current queue' },
    { name: 'attributes', type: 'json', default: { language: 'en' }, description: 'Contact attributes (string values)', samples: [{}, { language: 'en' }, { accountId: '7781', vip: 'true' }] },
    {
      name: 'parameters',
      type: 'json',
      default: { action: 'lookupCustomer' },
      description: "The Lambda block's parameters (string values)",
      samples: [{}, { action: 'lookupCustomer' }, { orderId: '1234', retry: '1' }],
    },
  ],
  render: (ctx) => {
    const w = where(ctx);
    const instanceArn = w.arn('connect', `instance/${stableUuid(`${w.region}/${w.account}/${ctx.str('instanceAlias')}`)}`);
    const contactId = ctx.uuid();
    const method = ctx.str('initiationMethod') as ConnectContactFlowInitiationMethod;
    const transferred = method === 'TRANSFER';
    const voice = ctx.str('channel') === 'VOICE';
    return {
      Details: {
        ContactData: {
          Attributes: stringMap(ctx.json('attributes')),
          Channel: voice ? 'VOICE' : 'CHAT',
          ContactId: contactId,
          CustomerEndpoint: voice ? { Address: ctx.str('customerPhone'), Type: 'TELEPHONE_NUMBER' } : null,
          InitialContactId: transferred ? ctx.uuid() : contactId,
          InitiationMethod: method,
          InstanceARN: instanceArn,
          PreviousContactId: transferred ? ctx.uuid() : contactId,
          Queue: { ARN: `${instanceArn}/queue/${stableUuid(`${instanceArn}/${ctx.str('queueName')}`)}`, Name: ctx.str('queueName') },
          SystemEndpoint: voice ? { Address: ctx.str('systemPhone'), Type: 'TELEPHONE_NUMBER' } : null,
          MediaStreams: { Customer: { Audio: null } },
        },
        Parameters: stringMap(ctx.json('parameters')),
      },
      Name: 'ContactFlowEvent',
    } satisfies ConnectContactFlowEvent;
  },
};

// ---------------------------------------------------------------------------
// CodePipeline
// ---------------------------------------------------------------------------

const codePipelineJob: EventTemplate = {
  source: 'codepipeline',
  type: 'job',
  description:
    'A CodePipeline Lambda invoke action\'s job: UserParameters, input and output artifacts in the pipeline\'s artifact bucket, and temporary credentials for them. Report back with PutJobSuccessResult / PutJobFailureResult.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'functionName', type: 'string', default: 'deploy-step', description: 'The invoked function' },
    { name: 'pipelineName', type: 'string', default: 'my-app-pipeline', description: 'The pipeline' },
    { name: 'userParameters', type: 'string', default: '{"environment":"staging"}', description: "The action's UserParameters (a string; often JSON)" },
    { name: 'inputArtifact', type: 'string', default: 'BuildOutput', description: 'Input artifact name', samples: ['BuildOutput', 'SourceArtifact', 'Template'] },
    { name: 'outputArtifact', type: 'string', default: '', description: 'Output artifact name (empty: none)', samples: ['', 'DeployResult'] },
  ],
  render: (ctx) => {
    const w = where(ctx);
    const pipeline = ctx.str('pipelineName');
    const bucket = `codepipeline-${w.region}-${stableChars(`${w.account}/${w.region}`, 12, DIGITS)}`;
    const artifact = (name: string, revision: string | null) => ({
      name,
      revision,
      location: { type: 'S3' as const, s3Location: { bucketName: bucket, objectKey: `${pipeline.slice(0, 20)}/${name.slice(0, 10)}/${randomChars(7, MIXED_ALNUM)}` } },
    });
    const output = ctx.str('outputArtifact');
    return {
      'CodePipeline.job': {
        id: ctx.uuid(),
        accountId: w.account,
        data: {
          actionConfiguration: { configuration: { FunctionName: ctx.str('functionName'), UserParameters: ctx.str('userParameters') } },
          inputArtifacts: [artifact(ctx.str('inputArtifact'), ctx.hex(20))],
          outputArtifacts: output ? [artifact(output, null)] : [],
          artifactCredentials: {
            accessKeyId: `ASIA${randomChars(16, UPPER_ALNUM)}`,
            secretAccessKey: randomBytes(30).toString('base64'),
            sessionToken: randomBytes(300).toString('base64'),
          },
        },
      },
    } satisfies CodePipelineEvent;
  },
};

// ---------------------------------------------------------------------------
// AWS Config custom rule
// ---------------------------------------------------------------------------

/** AWS Config's custom-rule invocation (no @types/aws-lambda type exists). */
interface ConfigRuleEvent {
  invokingEvent: string;
  ruleParameters?: string;
  resultToken: string;
  eventLeftScope: boolean;
  executionRoleArn: string;
  configRuleArn: string;
  configRuleName: string;
  configRuleId: string;
  accountId: string;
  version: string;
}

const CONFIG_RESOURCE_TYPES = ['AWS::EC2::Instance', 'AWS::EC2::SecurityGroup', 'AWS::S3::Bucket'] as const;

function configResource(ctx: RenderContext, type: string, name: string) {
  const w = where(ctx);
  const seed = `${w.region}/${w.account}/${type}/${name}`;
  if (type === 'AWS::S3::Bucket') {
    const bucket = name.toLowerCase();
    return { id: bucket, arn: `arn:${w.partition}:s3:::${bucket}`, configuration: { name: bucket, owner: { id: stableChars(seed, 64, '0123456789abcdef') }, creationDate: '2023-06-01T09:30:00.000Z' } };
  }
  if (type === 'AWS::EC2::SecurityGroup') {
    const id = `sg-0${stableChars(seed, 16, '0123456789abcdef')}`;
    return { id, arn: w.arn('ec2', `security-group/${id}`), configuration: { groupId: id, groupName: name, description: `${name} security group`, ipPermissions: [], ipPermissionsEgress: [] } };
  }
  const id = `i-0${stableChars(seed, 16, '0123456789abcdef')}`;
  return { id, arn: w.arn('ec2', `instance/${id}`), configuration: { instanceId: id, instanceType: 't3.micro', state: { code: 16, name: 'running' } } };
}

const configCustomRule: EventTemplate = {
  source: 'config',
  type: 'custom-rule',
  description:
    'AWS Config evaluating a custom Lambda rule: invokingEvent is a JSON string (a configuration-item change, or a periodic notification) and ruleParameters another; report with PutEvaluations using resultToken.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'ruleName', type: 'string', default: 'required-tags', description: 'The Config rule' },
    {
      name: 'messageType',
      type: 'string',
      default: 'ConfigurationItemChangeNotification',
      description: 'Change-triggered or periodic evaluation',
      choices: ['ConfigurationItemChangeNotification', 'ScheduledNotification'],
    },
    { name: 'resourceType', type: 'string', default: 'AWS::EC2::Instance', description: 'Type of the changed resource', choices: CONFIG_RESOURCE_TYPES },
    { name: 'resourceName', type: 'string', default: 'web-server-1', description: 'Name of the changed resource (its id is derived)' },
    { name: 'tags', type: 'json', default: { Environment: 'prod' }, description: "The resource's tags", samples: [{}, { Environment: 'prod' }, { Owner: 'team-a', CostCenter: '42' }] },
    { name: 'ruleParameters', type: 'json', default: { tag1Key: 'Environment' }, description: "The rule's input parameters", samples: [{}, { tag1Key: 'Environment' }, { maxAgeDays: '90' }] },
  ],
  render: (ctx) => {
    const w = where(ctx);
    const ruleName = ctx.str('ruleName');
    const ruleId = `config-rule-${stableChars(`${w.region}/${w.account}/${ruleName}`, 6, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
    const notificationCreationTime = ctx.iso();
    let invoking: Record<string, unknown>;
    if (ctx.str('messageType') === 'ScheduledNotification') {
      invoking = { awsAccountId: w.account, notificationCreationTime, messageType: 'ScheduledNotification', recordVersion: '1.0' };
    } else {
      const type = ctx.str('resourceType');
      const name = ctx.str('resourceName');
      const r = configResource(ctx, type, name);
      const captured = at(ctx, -4000);
      invoking = {
        configurationItemDiff: null,
        configurationItem: {
          relatedEvents: [],
          relationships: [],
          configuration: r.configuration,
          supplementaryConfiguration: {},
          tags: stringMap(ctx.json('tags')),
          configurationItemVersion: '1.3',
          configurationItemCaptureTime: captured.toISOString(),
          configurationStateId: captured.getTime(),
          awsAccountId: w.account,
          configurationItemStatus: 'OK',
          resourceType: type,
          resourceId: r.id,
          resourceName: name,
          ARN: r.arn,
          awsRegion: w.region,
          availabilityZone: type === 'AWS::EC2::Instance' ? `${w.region}a` : 'Not Applicable',
          configurationStateMd5Hash: '',
          resourceCreationTime: at(ctx, -30 * 86_400_000).toISOString(),
        },
        notificationCreationTime,
        messageType: 'ConfigurationItemChangeNotification',
        recordVersion: '1.3',
      };
    }
    return {
      version: '1.0',
      invokingEvent: JSON.stringify(invoking),
      ruleParameters: JSON.stringify(ctx.json('ruleParameters') ?? {}),
      resultToken: randomBytes(96).toString('base64'),
      eventLeftScope: false,
      executionRoleArn: arn(w.partition, 'iam', '', w.account, 'role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig'),
      configRuleArn: w.arn('config', `config-rule/${ruleId}`),
      configRuleName: ruleName,
      configRuleId: ruleId,
      accountId: w.account,
    } satisfies ConfigRuleEvent;
  },
};

// ---------------------------------------------------------------------------
// Step Functions: the Lambda invoke task's input
// ---------------------------------------------------------------------------

/**
 * The convention this template renders: a Task state
 * `"Resource": "arn:aws:states:::lambda:invoke"` with
 * `"Payload": { "input.$": "$", "context.$": "$$" }` (JSONPath) or
 * `"Payload": "{% { 'input': $states.input, 'context': $states.context } %}"` (JSONata),
 * so the function receives the state's input and the documented Context object
 * (Execution, State, StateMachine, and Task.Token for .waitForTaskToken).
 * Step Functions itself sends whatever Payload selects; this is the common shape.
 */
interface StepFunctionsTaskInput {
  input: unknown;
  context: {
    Execution: { Id: string; Input: unknown; Name: string; RoleArn: string; StartTime: string; RedriveCount: number };
    State: { EnteredTime: string; Name: string; RetryCount: number };
    StateMachine: { Id: string; Name: string };
    Task?: { Token: string };
  };
}

const stepFunctionsTaskInput: EventTemplate = {
  source: 'stepfunctions',
  type: 'task-input',
  description:
    'A Step Functions Lambda invoke task whose Payload passes the state input and the Context object ({"input.$": "$", "context.$": "$$"}): $$.Execution.Id, .Name, .StartTime, $$.State.Name, .EnteredTime, $$.StateMachine.Id and, for .waitForTaskToken, $$.Task.Token.',
  params: [
    REGION,
    ACCOUNT,
    { name: 'stateMachineName', type: 'string', default: 'OrderWorkflow', description: 'The state machine' },
    { name: 'executionName', type: 'string', default: '', description: 'Execution name (empty: a UUID, as StartExecution assigns)', samples: ['', 'order-1001', 'nightly-2030-01-01'] },
    { name: 'stateName', type: 'string', default: 'ProcessOrder', description: 'The Task state invoking the function' },
    { name: 'input', type: 'json', default: { orderId: 'o-1001', items: 2 }, description: "The state's input (here also the execution's input)" },
    { name: 'retryCount', type: 'number', default: 0, description: 'Retries of this state so far', samples: [0, 1, 2] },
    { name: 'waitForTaskToken', type: 'boolean', default: false, description: 'The task uses .waitForTaskToken (adds $$.Task.Token)' },
  ],
  render: (ctx) => {
    const w = where(ctx);
    const machine = ctx.str('stateMachineName');
    const executionName = ctx.str('executionName') || ctx.uuid();
    const started = at(ctx, -1500);
    const input = ctx.json('input');
    return {
      input,
      context: {
        Execution: {
          Id: w.arn('states', `execution:${machine}:${executionName}`),
          Input: input,
          Name: executionName,
          RoleArn: arn(w.partition, 'iam', '', w.account, `role/service-role/StepFunctions-${machine}-role-${stableChars(machine, 8, LOWER_ALNUM)}`),
          StartTime: started.toISOString(),
          RedriveCount: 0,
        },
        State: { EnteredTime: at(ctx, -40).toISOString(), Name: ctx.str('stateName'), RetryCount: Math.max(0, Math.floor(ctx.num('retryCount'))) },
        StateMachine: { Id: w.arn('states', `stateMachine:${machine}`), Name: machine },
        ...(ctx.bool('waitForTaskToken') ? { Task: { Token: randomBytes(200).toString('base64') } } : {}),
      },
    } satisfies StepFunctionsTaskInput;
  },
};

export const SERVICES_TEMPLATES: EventTemplate[] = [
  eventBridgeCustom,
  eventBridgeScheduled,
  eventBridgeEc2,
  eventBridgeCodeBuild,
  cloudWatchAlarm,
  cognitoPreSignUp,
  cognitoPostConfirmation,
  cognitoPreAuthentication,
  cognitoPostAuthentication,
  cognitoPreTokenV1,
  cognitoPreTokenV2,
  cognitoCustomMessage,
  cognitoUserMigration,
  cognitoDefineAuthChallenge,
  cognitoCreateAuthChallenge,
  cognitoVerifyAuthChallenge,
  cognitoCustomEmailSender,
  cognitoCustomSmsSender,
  sesReceive,
  cloudFormationCreate,
  cloudFormationUpdate,
  cloudFormationDelete,
  secretsManagerRotation,
  iotButton,
  iotShadow,
  lexV2,
  connectContactFlow,
  codePipelineJob,
  configCustomRule,
  stepFunctionsTaskInput,
];
