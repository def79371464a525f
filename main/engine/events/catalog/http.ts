// Event templates: the HTTP-facing sources. API Gateway REST, HTTP and
// WebSocket APIs and their Lambda authorizers, Lambda function URLs,
// Application Load Balancers, CloudFront Lambda@Edge and AppSync, written from
// each service's documented event format. Every field a service derives (the
// Host header and domain name, single- and multi-value maps, raw query strings,
// base64 bodies, ARNs, request ids, timestamps in each field's own format) is
// computed here from the parameters, so the duplicates always agree.
import { createHash, randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type {
  ALBEvent,
  APIGatewayEventIdentity,
  APIGatewayEventRequestContextV2,
  APIGatewayEventRequestContextWithAuthorizer,
  APIGatewayEventWebsocketRequestContextV2,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyWebsocketEventV2,
  APIGatewayProxyWithCognitoAuthorizerEvent,
  APIGatewayProxyWithLambdaAuthorizerEvent,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
  AppSyncAuthorizerEvent,
  AppSyncIdentity,
  AppSyncResolverEvent,
  CloudFrontHeaders,
  CloudFrontOrigin,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontResponseEvent,
  LambdaFunctionURLEvent,
  LambdaFunctionURLEventWithIAMAuthorizer,
} from 'aws-lambda';
import { LambdaError } from '../../errors.js';
import { ACCOUNT, REGION, arn, base64, partitionOf, type EventTemplate, type ParamSpec, type RenderContext } from '../template.js';

// ---------------------------------------------------------------------------
// Where the services' events and @types/aws-lambda disagree, the event wins;
// these shapes loosen the official types by exactly the fields listed in
// HTTP_ALLOWED (test/unit/events-allowlist.ts), nothing more.

/** REST API events without an authorizer carry no `requestContext.authorizer` key at all; the types require one. */
type RestContextWithoutAuthorizer = Omit<APIGatewayEventRequestContextWithAuthorizer<undefined>, 'authorizer'>;
type RestProxyEventWithoutAuthorizer = Omit<APIGatewayProxyEvent, 'requestContext'> & { requestContext: RestContextWithoutAuthorizer };
type RestRequestAuthorizerEvent = Omit<APIGatewayRequestAuthorizerEvent, 'requestContext'> & { requestContext: RestContextWithoutAuthorizer };
/** HTTP API authorizer events leave `cookies` out when the request has none; the types require it. */
type HttpRequestAuthorizerEvent = Omit<APIGatewayRequestAuthorizerEventV2, 'cookies'> & { cookies?: string[] };
/**
 * Function URLs set `requestContext.authentication` to null, and an IAM caller
 * outside an organization has a null `principalOrgId` (both documented); the
 * types allow only an object and a string.
 */
type FunctionUrlContext<C> = Omit<C, 'authentication'> & { authentication: null };
type IamContext = LambdaFunctionURLEventWithIAMAuthorizer['requestContext'];
type FunctionUrlEvent =
  | (Omit<LambdaFunctionURLEvent, 'requestContext'> & { requestContext: FunctionUrlContext<LambdaFunctionURLEvent['requestContext']> })
  | (Omit<LambdaFunctionURLEventWithIAMAuthorizer, 'requestContext'> & {
      requestContext: FunctionUrlContext<Omit<IamContext, 'authorizer'>> & {
        authorizer: { iam: Omit<IamContext['authorizer']['iam'], 'principalOrgId'> & { principalOrgId: string | null } };
      };
    });
/**
 * WebSocket routes get the connection's headers ($connect, $disconnect) and the
 * caller's identity; only MESSAGE events carry a `messageId`; $disconnect says
 * why. The types have none of the first two and require the third.
 */
type WebSocketEvent = Omit<APIGatewayProxyWebsocketEventV2, 'requestContext'> & {
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  requestContext: Omit<APIGatewayEventWebsocketRequestContextV2, 'messageId'> & {
    messageId?: string;
    identity: { sourceIp: string; userAgent?: string };
    disconnectStatusCode?: number;
    disconnectReason?: string;
  };
};

// ---------------------------------------------------------------------------
// Formats, ids and small derivations.

const invalid = (message: string) => new LambdaError('InvalidParameterValueException', message);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');
const hms = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

/** API Gateway's `requestTime` / `time`: CLF, `dd/MMM/yyyy:HH:mm:ss +0000`. */
export const clfTime = (d: Date) => `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${hms(d)} +0000`;
/** Java's `Date.toString()` in UTC, as REST API Cognito authorizers render `iat` and `exp`: `Wed Jan 31 12:00:00 UTC 2024`. */
const javaDate = (d: Date) => `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${hms(d)} UTC ${d.getUTCFullYear()}`;
/** SigV4's `X-Amz-Date`: `yyyyMMddTHHmmssZ`. */
const amzDate = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `n` characters from `alphabet`: random, or stable for a given `seed` (ids that name a thing rather than a request). */
function chars(n: number, alphabet: string, seed?: string): string {
  let bytes: Buffer;
  if (seed === undefined) bytes = randomBytes(n);
  else {
    const parts: Buffer[] = [];
    for (let i = 0; parts.length * 32 < n; i++) parts.push(createHash('sha256').update(`${seed}#${i}`).digest());
    bytes = Buffer.concat(parts);
  }
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}
/** A stable UUID (v4 layout) for a named thing, e.g. a user's `sub`. */
function stableUuid(seed: string): string {
  const h = createHash('md5').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16]!, 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
/** API Gateway's short request ids (`extendedRequestId`, HTTP API `requestId`, WebSocket ids): 16 base64 characters, e.g. `BQGojGkjoAMFdqg=`. */
const apiGatewayId = () => randomBytes(11).toString('base64');
/** X-Ray's `X-Amzn-Trace-Id` as the load balancers and API Gateway add it: the epoch seconds in hex, then 96 random bits. */
const traceId = (ctx: RenderContext) => `Root=1-${ctx.epochSeconds().toString(16)}-${ctx.hex(12)}`;
const dnsSuffix = (region: string) => (region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');
const executeApiDomain = (apiId: string, region: string) => `${apiId}.execute-api.${region}.${dnsSuffix(region)}`;
const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function checkPath(path: string, name = 'path'): string {
  if (!path.startsWith('/')) throw invalid(`Parameter "${name}" must start with "/"; got ${JSON.stringify(path)}.`);
  return path;
}

/** A JSON parameter that must be an object (e.g. a map of names). */
function object(ctx: RenderContext, name: string): Record<string, unknown> {
  const v = ctx.json(name);
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`Parameter "${name}" must be a JSON object; got ${JSON.stringify(v)}.`);
  return v as Record<string, unknown>;
}
/** A JSON parameter that must be a list of strings. */
function stringList(ctx: RenderContext, name: string): string[] {
  const v = ctx.json(name);
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw invalid(`Parameter "${name}" must be a JSON list of strings; got ${JSON.stringify(v)}.`);
  return v.map(scalar);
}
const scalar = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

type Multi = Record<string, string[]>;
/** A `{name: value | [values]}` parameter as name → values (numbers and booleans as text; null drops the name). */
function multi(ctx: RenderContext, name: string): Multi {
  const out: Multi = {};
  for (const [k, v] of Object.entries(object(ctx, name))) {
    const values = (Array.isArray(v) ? v : [v]).filter((x) => x !== null && x !== undefined).map(scalar);
    if (values.length) out[k] = values;
  }
  return out;
}
/** A `{name: value}` parameter as name → text. */
const stringMap = (ctx: RenderContext, name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(object(ctx, name)).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, scalar(v)]));

const isEmpty = (m: object) => Object.keys(m).length === 0;
/** Single-value form of a multi-value map: the last value, as REST APIs and ALBs keep it. */
const lastValues = (m: Multi): Record<string, string> => Object.fromEntries(Object.entries(m).map(([k, vs]) => [k, vs[vs.length - 1]!]));
/** HTTP APIs join repeated headers and query parameters with commas. */
const joined = (m: Multi): Record<string, string> => Object.fromEntries(Object.entries(m).map(([k, vs]) => [k, vs.join(',')]));
/** The query string as a client sends it, names and values URL-encoded. */
const rawQuery = (m: Multi): string =>
  Object.entries(m)
    .flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join('&');
const encodedMulti = (m: Multi): Multi =>
  Object.fromEntries(Object.entries(m).map(([k, vs]) => [encodeURIComponent(k), vs.map((v) => encodeURIComponent(v))]));

/** The client's headers with the ones the service sets itself replaced (matched case-insensitively). */
function withHeaders(client: Multi, service: Record<string, string | undefined>): Multi {
  const set = Object.entries(service).filter((e): e is [string, string] => e[1] !== undefined);
  const names = new Set(set.map(([k]) => k.toLowerCase()));
  const out: Multi = {};
  for (const [k, vs] of Object.entries(client)) if (!names.has(k.toLowerCase())) out[k] = vs;
  for (const [k, v] of set) out[k] = [v];
  return out;
}
/** Lower-cased header names (HTTP APIs, function URLs, ALBs, AppSync), values of repeated names kept in order. */
function lowerNames(m: Multi): Multi {
  const out: Multi = {};
  for (const [k, vs] of Object.entries(m)) (out[k.toLowerCase()] ??= []).push(...vs);
  return out;
}

/** Path parameters from a resource or route template's `{name}` and greedy `{name+}` segments. */
function routeParams(template: string, path: string, what: string): Record<string, string> {
  const t = template.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  const out: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(seg);
    if (greedy && i === t.length - 1 && p.length > i) {
      out[greedy[1]!] = p.slice(i).join('/');
      return out;
    }
    const one = /^\{(.+)\}$/.exec(seg);
    const actual = p[i];
    if (greedy || actual === undefined || (!one && seg !== actual)) break;
    if (one) out[one[1]!] = actual;
    if (i === t.length - 1 && p.length === t.length) return out;
  }
  if (t.length === 0 && p.length === 0) return out;
  throw invalid(`The path ${JSON.stringify(path)} does not match the ${what} ${JSON.stringify(template)}.`);
}

/** The request body as a client sent it, and as the service passes it on (base64 when treated as binary). */
function requestBody(ctx: RenderContext, binary: boolean, present = true) {
  const text = present ? ctx.str('body') : '';
  return { text, sent: text === '' ? undefined : binary ? base64(text) : text, isBase64Encoded: binary && text !== '', length: Buffer.byteLength(text) };
}

/** SigV4-signed callers: a long-term access key of an IAM user, stable for the user. */
function iamCaller(ctx: RenderContext) {
  const account = ctx.str('callerAccount');
  const name = ctx.str('iamUser');
  const userId = `AIDA${chars(17, UPPER_ALNUM, `user:${account}:${name}`)}`;
  const accessKey = `AKIA${chars(16, BASE32, `key:${account}:${name}`)}`;
  return { account, userId, accessKey, userArn: arn(partitionOf(ctx.str('region')), 'iam', '', account, `user/${name}`) };
}
function sigV4Headers(ctx: RenderContext, accessKey: string, service: string): Record<string, string> {
  const date = amzDate(ctx.now);
  return {
    'X-Amz-Date': date,
    Authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${date.slice(0, 8)}/${ctx.str('region')}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${ctx.hex(32)}`,
  };
}

/** A Cognito user pool user and the claims of the tokens the pool issues them (JSON types; each consumer renders its own). */
function cognitoUser(ctx: RenderContext) {
  const region = ctx.str('region');
  const poolId = `${region}_${ctx.str('userPool')}`;
  const username = ctx.str('username');
  const sub = stableUuid(`${poolId}:${username}`);
  const groups = stringList(ctx, 'groups');
  const issuedAt = ctx.epochSeconds(-5 * 60_000); // signed in five minutes ago; tokens last an hour
  const iss = `https://cognito-idp.${region}.${dnsSuffix(region)}/${poolId}`;
  const common = { sub, ...(groups.length ? { 'cognito:groups': groups } : {}), iss, origin_jti: ctx.uuid(), event_id: ctx.uuid() };
  const times = { auth_time: issuedAt, exp: issuedAt + 3600, iat: issuedAt };
  const idClaims: Record<string, unknown> = {
    ...common,
    email_verified: true,
    'cognito:username': username,
    aud: ctx.str('clientId'),
    token_use: 'id',
    ...times,
    email: ctx.str('email'),
    ...object(ctx, 'claims'),
  };
  return { poolId, username, sub, groups, iss, idClaims, common, times, jti: ctx.uuid() };
}
/** A token shaped like the JWT the claims came from (header.payload.signature, unsigned). */
const jwtOf = (claims: Record<string, unknown>, kid: string) =>
  `${base64url(JSON.stringify({ kid, alg: 'RS256' }))}.${base64url(JSON.stringify(claims))}.${randomBytes(32).toString('base64url')}`;

// ---------------------------------------------------------------------------
// Parameters shared by several templates.

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const IPS = ['203.0.113.10', '198.51.100.23', '192.0.2.200', '2001:db8::8a2e:370:7334'];

const API_ID: ParamSpec = {
  name: 'apiId',
  type: 'string',
  default: 'a1b2c3d4e5',
  description: 'API id (10 lowercase letters and digits)',
  samples: ['a1b2c3d4e5', 'x9y8z7w6v5', 'k3m5n7p9q1', 'zz0yy1xx2w'],
};
const STAGE: ParamSpec = { name: 'stage', type: 'string', default: 'prod', description: 'Stage name', samples: ['prod', 'dev', 'test', 'v1', 'staging_2'] };
const HTTP_STAGE: ParamSpec = {
  name: 'stage',
  type: 'string',
  default: '$default',
  description: 'Stage name; any but $default also prefixes the raw path',
  samples: ['$default', '$default', 'prod', 'dev'],
};
const METHOD: ParamSpec = { name: 'method', type: 'string', default: 'POST', description: 'HTTP method', choices: METHODS };
const GET: ParamSpec = { ...METHOD, default: 'GET' };
const PATH: ParamSpec = {
  name: 'path',
  type: 'string',
  default: '/pets/42',
  description: 'Request path (without the stage)',
  samples: ['/pets/42', '/orders/2024/items', '/users/me', '/a/b/c/d', '/search/results'],
};
const RESOURCE: ParamSpec = {
  name: 'resource',
  type: 'string',
  default: '/{proxy+}',
  description: 'The API resource the request matched; path parameters come from the path by its {name} and {name+} segments',
  samples: ['/{proxy+}', '/{section}/{rest+}'],
};
const ROUTE_KEY: ParamSpec = {
  name: 'routeKey',
  type: 'string',
  default: 'ANY /{proxy+}',
  description: 'The route the request matched ("METHOD /path/{name}" or $default); path parameters come from the path',
  samples: ['ANY /{proxy+}', '$default', 'ANY /{section}/{rest+}'],
};
const QUERY: ParamSpec = {
  name: 'query',
  type: 'json',
  default: { expand: 'owner', tag: ['a', 'b'] },
  description: 'Query string parameters: a name to a value, or to a list of values when repeated',
  samples: [{}, { q: 'a b' }, { tag: ['x', 'y'], page: '2' }, { name: 'größe', filter: 'x+y&z=1' }, { empty: '' }],
};
const REST_HEADERS: ParamSpec = {
  name: 'headers',
  type: 'json',
  default: { Accept: 'application/json', 'Content-Type': 'application/json' },
  description: 'Request headers: a name to a value, or to a list of values when repeated (Host, User-Agent and X-Forwarded-* are set from the other parameters)',
  samples: [
    {},
    { Accept: '*/*' },
    { 'Content-Type': 'application/json', Cookie: 'session=abc123; theme=dark', 'X-Request-Tag': ['one', 'two'] },
    { 'accept-language': 'de-DE,de;q=0.9', 'content-type': 'text/plain; charset=utf-8' },
  ],
};
const HTTP_HEADERS: ParamSpec = {
  ...REST_HEADERS,
  default: { accept: 'application/json', 'content-type': 'application/json', cookie: 'session=abc123; theme=dark' },
  description: 'Request headers: a name to a value, or to a list of values when repeated (cookie headers become `cookies`; host, user-agent and x-forwarded-* are set from the other parameters)',
};
const BODY: ParamSpec = { name: 'body', type: 'string', default: '{"name":"Rex","species":"dog"}', description: 'Request body as the client sent it (empty for none)' };
const BINARY: ParamSpec = {
  name: 'binary',
  type: 'boolean',
  default: false,
  description: 'The body is binary (a binary media type), so it arrives base64-encoded with isBase64Encoded true',
};
const SOURCE_IP: ParamSpec = { name: 'sourceIp', type: 'string', default: '203.0.113.10', description: "Client's IP address", samples: IPS };
const USER_AGENT: ParamSpec = {
  name: 'userAgent',
  type: 'string',
  default: 'curl/8.5.0',
  description: "Client's User-Agent",
  samples: ['curl/8.5.0', 'PostmanRuntime/7.39.0', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'],
};
const DOMAIN: ParamSpec = {
  name: 'domainName',
  type: 'string',
  default: '',
  description: "Custom domain name the client called; empty for the API's own execute-api domain",
  samples: ['', '', 'api.example.com'],
};
const STAGE_VARIABLES: ParamSpec = {
  name: 'stageVariables',
  type: 'json',
  default: {},
  description: 'Stage variables (name → value)',
  samples: [{}, { env: 'prod', table: 'orders' }],
};
const USER_POOL: ParamSpec = {
  name: 'userPool',
  type: 'string',
  default: 'Ab12Cd34E',
  description: 'Cognito user pool id after its region prefix (the pool is <region>_<this>)',
  samples: ['Ab12Cd34E', 'xYz987QwE', 'Q1w2E3r4T'],
};
const CLIENT_ID: ParamSpec = {
  name: 'clientId',
  type: 'string',
  default: '4f8k2l1m9n0p3q5r7s6t8u1v2w',
  description: 'User pool app client id (the token audience)',
  samples: ['4f8k2l1m9n0p3q5r7s6t8u1v2w', '1a2b3c4d5e6f7g8h9i0j1k2l3m'],
};
const USERNAME: ParamSpec = { name: 'username', type: 'string', default: 'jdoe', description: "User's name in the user pool" };
const EMAIL: ParamSpec = { name: 'email', type: 'string', default: 'jdoe@example.com', description: "User's email" };
const GROUPS: ParamSpec = {
  name: 'groups',
  type: 'json',
  default: ['admin'],
  description: 'User pool groups the user belongs to (list)',
  samples: [[], ['admin'], ['admin', 'editors']],
};
const CLAIMS: ParamSpec = {
  name: 'claims',
  type: 'json',
  default: {},
  description: 'Further claims in the ID token (custom:… attributes and the like)',
  samples: [{}, { 'custom:tenant': 'acme' }, { 'custom:tier': 'gold', 'custom:seats': 5 }],
};
const CALLER_ACCOUNT: ParamSpec = { name: 'callerAccount', type: 'string', default: '123456789012', description: "Signing IAM user's account" };
const IAM_USER: ParamSpec = { name: 'iamUser', type: 'string', default: 'alice', description: 'Name of the IAM user who signed the request (SigV4)' };
const PRINCIPAL_ID: ParamSpec = { name: 'principalId', type: 'string', default: 'user|a1b2c3', description: 'principalId the Lambda authorizer returned' };
const REST_AUTH_CONTEXT: ParamSpec = {
  name: 'authorizerContext',
  type: 'json',
  default: { tenant: 'acme', plan: 'pro', quota: 1000, beta: true },
  description: 'context the Lambda authorizer returned (string, number and boolean values; they arrive as strings)',
  samples: [{}, { tenant: 'acme' }, { role: 'admin', level: 3, active: false }],
};

// ---------------------------------------------------------------------------
// API Gateway REST APIs (payload format 1.0).

const REST_PARAMS = [REGION, ACCOUNT, API_ID, STAGE, METHOD, RESOURCE, PATH, QUERY, REST_HEADERS, BODY, BINARY, SOURCE_IP, USER_AGENT, DOMAIN, STAGE_VARIABLES] as const;

const restIdentity = (ctx: RenderContext): APIGatewayEventIdentity => ({
  accessKey: null,
  accountId: null,
  apiKey: null,
  apiKeyId: null,
  caller: null,
  clientCert: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  sourceIp: ctx.str('sourceIp'),
  user: null,
  userAgent: ctx.str('userAgent'),
  userArn: null,
});

/** What a REST API sends for a request, but the authorizer's part. */
function restRequest(ctx: RenderContext, extraHeaders: Record<string, string> = {}, withBody = true) {
  const region = ctx.str('region');
  const apiId = ctx.str('apiId');
  const stage = ctx.str('stage');
  const method = ctx.str('method');
  const resource = ctx.str('resource');
  const path = checkPath(ctx.str('path'));
  const pathParameters = routeParams(resource, path, 'resource');
  const custom = ctx.str('domainName');
  const domainName = custom || executeApiDomain(apiId, region);
  const body = requestBody(ctx, withBody && ctx.bool('binary'), withBody);
  const multiValueHeaders = withHeaders(multi(ctx, 'headers'), {
    Host: domainName,
    'User-Agent': ctx.str('userAgent'),
    'X-Amzn-Trace-Id': traceId(ctx),
    'X-Forwarded-For': ctx.str('sourceIp'),
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    'Content-Length': body.text === '' ? undefined : String(body.length),
    ...extraHeaders,
  });
  const query = multi(ctx, 'query');
  const stageVariables = stringMap(ctx, 'stageVariables');
  return {
    method,
    path,
    event: {
      resource,
      path,
      httpMethod: method,
      headers: lastValues(multiValueHeaders),
      multiValueHeaders,
      queryStringParameters: isEmpty(query) ? null : lastValues(query),
      multiValueQueryStringParameters: isEmpty(query) ? null : query,
      pathParameters: isEmpty(pathParameters) ? null : pathParameters,
      stageVariables: isEmpty(stageVariables) ? null : stageVariables,
      requestContext: {
        resourceId: chars(6, LOWER_ALNUM, `resource:${apiId}:${resource}`),
        resourcePath: resource,
        httpMethod: method,
        extendedRequestId: apiGatewayId(),
        requestTime: clfTime(ctx.now),
        // On the execute-api domain the stage is the path's first segment; a custom domain's base path mapping hides it.
        path: custom ? path : `/${stage}${path}`,
        accountId: ctx.str('account'),
        protocol: 'HTTP/1.1',
        stage,
        domainPrefix: domainName.split('.')[0]!,
        requestTimeEpoch: ctx.epochMillis(),
        requestId: ctx.uuid(),
        identity: restIdentity(ctx),
        domainName,
        apiId,
      },
      body: body.sent ?? null,
      isBase64Encoded: body.isBase64Encoded,
    },
  };
}

/** `arn:…:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`: what an API Gateway authorizer's policy allows or denies. */
const executeApiArn = (ctx: RenderContext, method: string, path: string) =>
  arn(partitionOf(ctx.str('region')), 'execute-api', ctx.str('region'), ctx.str('account'), `${ctx.str('apiId')}/${ctx.str('stage')}/${method}${path}`);

/** REST Lambda authorizer context values reach the integration as strings; objects and lists are refused by API Gateway. */
function restAuthorizerContext(ctx: RenderContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(object(ctx, 'authorizerContext'))) {
    if (v !== null && typeof v === 'object') throw invalid(`authorizerContext.${k}: a REST API Lambda authorizer's context values must be strings, numbers or booleans.`);
    if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}

const restNone: EventTemplate = {
  source: 'apigateway',
  type: 'rest',
  description: 'REST API Lambda proxy integration, no authorization',
  params: REST_PARAMS,
  render(ctx) {
    return restRequest(ctx).event satisfies RestProxyEventWithoutAuthorizer;
  },
};

const restIam: EventTemplate = {
  source: 'apigateway',
  type: 'rest-iam',
  description: 'REST API Lambda proxy integration, IAM (SigV4) authorization',
  params: [...REST_PARAMS, CALLER_ACCOUNT, IAM_USER],
  render(ctx) {
    const caller = iamCaller(ctx);
    const { event } = restRequest(ctx, sigV4Headers(ctx, caller.accessKey, 'execute-api'));
    return {
      ...event,
      requestContext: {
        ...event.requestContext,
        identity: { ...event.requestContext.identity, accessKey: caller.accessKey, accountId: caller.account, caller: caller.userId, user: caller.userId, userArn: caller.userArn },
      },
    } satisfies RestProxyEventWithoutAuthorizer;
  },
};

const restCognito: EventTemplate = {
  source: 'apigateway',
  type: 'rest-cognito',
  description: 'REST API Lambda proxy integration, Cognito user pool authorizer (ID token)',
  params: [...REST_PARAMS, USER_POOL, CLIENT_ID, USERNAME, EMAIL, GROUPS, CLAIMS],
  render(ctx) {
    const user = cognitoUser(ctx);
    const token = jwtOf(user.idClaims, ctx.uuid());
    const { event } = restRequest(ctx, { Authorization: token });
    // REST APIs pass every claim as a string: lists comma-joined, `iat` and `exp` in Java's Date format, `auth_time` in epoch seconds.
    const claims: Record<string, string> = {};
    for (const [k, v] of Object.entries(user.idClaims)) {
      claims[k] = k === 'iat' || k === 'exp' ? javaDate(new Date(Number(v) * 1000)) : Array.isArray(v) ? v.map(scalar).join(',') : scalar(v);
    }
    return { ...event, requestContext: { ...event.requestContext, authorizer: { claims } } } satisfies APIGatewayProxyWithCognitoAuthorizerEvent;
  },
};

const restLambdaAuthorizer: EventTemplate = {
  source: 'apigateway',
  type: 'rest-lambda-authorizer',
  description: 'REST API Lambda proxy integration behind a Lambda authorizer (its principalId and context)',
  params: [...REST_PARAMS, PRINCIPAL_ID, REST_AUTH_CONTEXT],
  render(ctx) {
    const { event } = restRequest(ctx, { Authorization: 'Bearer allow' });
    const authorizer = { ...restAuthorizerContext(ctx), principalId: ctx.str('principalId'), integrationLatency: 1 + (randomBytes(1)[0]! % 200) };
    return { ...event, requestContext: { ...event.requestContext, authorizer } } satisfies APIGatewayProxyWithLambdaAuthorizerEvent<Record<never, never>>;
  },
};

// ---------------------------------------------------------------------------
// API Gateway HTTP APIs and Lambda function URLs (payload format 2.0).

const HTTP_PARAMS = [REGION, ACCOUNT, API_ID, HTTP_STAGE, METHOD, ROUTE_KEY, PATH, QUERY, HTTP_HEADERS, BODY, BINARY, SOURCE_IP, USER_AGENT, DOMAIN, STAGE_VARIABLES] as const;

interface V2Where {
  domainName: string;
  apiId: string;
  stage: string;
  routeKey: string;
  requestId: string;
  accountId: string;
  /** The path the route was matched on; the raw path may add the stage. */
  rawPath: string;
}

/** What an HTTP API or function URL sends for a request, but the authorizer's part. */
function v2Request(ctx: RenderContext, where: V2Where, options: { body: boolean; extraHeaders?: Record<string, string> }) {
  const body = requestBody(ctx, options.body && ctx.bool('binary'), options.body);
  const client = lowerNames(multi(ctx, 'headers'));
  const cookies = (client['cookie'] ?? []).flatMap((c) => c.split(';')).map((c) => c.trim()).filter(Boolean);
  delete client['cookie'];
  const headers = joined(
    withHeaders(client, {
      host: where.domainName,
      'user-agent': ctx.str('userAgent'),
      'x-amzn-trace-id': traceId(ctx),
      'x-forwarded-for': ctx.str('sourceIp'),
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      'content-length': options.body && body.text !== '' ? String(body.length) : undefined,
      ...Object.fromEntries(Object.entries(options.extraHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    }),
  );
  const query = multi(ctx, 'query');
  const stageVariables = stringMap(ctx, 'stageVariables');
  const requestContext = {
    accountId: where.accountId,
    apiId: where.apiId,
    domainName: where.domainName,
    domainPrefix: where.domainName.split('.')[0]!,
    http: { method: ctx.str('method'), path: where.rawPath, protocol: 'HTTP/1.1', sourceIp: ctx.str('sourceIp'), userAgent: ctx.str('userAgent') },
    requestId: where.requestId,
    routeKey: where.routeKey,
    stage: where.stage,
    time: clfTime(ctx.now),
    timeEpoch: ctx.epochMillis(),
  } satisfies APIGatewayEventRequestContextV2;
  return {
    body,
    cookies,
    headers,
    query,
    stageVariables,
    requestContext,
  };
}

/** An HTTP API request: the route it matched, its path parameters, the raw path (with the stage unless $default or a custom domain). */
function httpApiRequest(ctx: RenderContext, options: { body: boolean; extraHeaders?: Record<string, string> }) {
  const region = ctx.str('region');
  const apiId = ctx.str('apiId');
  const stage = ctx.str('stage');
  const method = ctx.str('method');
  const path = checkPath(ctx.str('path'));
  const routeKey = ctx.str('routeKey');
  let pathParameters: Record<string, string> = {};
  if (routeKey !== '$default') {
    const m = /^([A-Z]+) (\/.*)$/.exec(routeKey);
    if (!m) throw invalid(`routeKey must be "$default" or "METHOD /path"; got ${JSON.stringify(routeKey)}.`);
    if (m[1] !== 'ANY' && m[1] !== method) throw invalid(`The method ${method} does not match the route ${JSON.stringify(routeKey)}.`);
    pathParameters = routeParams(m[2]!, path, 'route');
  }
  const custom = ctx.str('domainName');
  const rawPath = custom || stage === '$default' ? path : `/${stage}${path}`;
  const where: V2Where = {
    domainName: custom || executeApiDomain(apiId, region),
    apiId,
    stage,
    routeKey,
    requestId: apiGatewayId(),
    accountId: ctx.str('account'),
    rawPath,
  };
  const r = v2Request(ctx, where, options);
  return { ...r, method, path, rawPath, pathParameters };
}

/** The payload format 2.0 proxy event around a request context. */
function httpEvent<C>(r: ReturnType<typeof httpApiRequest>, requestContext: C) {
  return {
    version: '2.0',
    routeKey: r.requestContext.routeKey,
    rawPath: r.rawPath,
    rawQueryString: rawQuery(r.query),
    ...(r.cookies.length ? { cookies: r.cookies } : {}),
    headers: r.headers,
    ...(isEmpty(r.query) ? {} : { queryStringParameters: joined(r.query) }),
    requestContext,
    ...(r.body.sent === undefined ? {} : { body: r.body.sent }),
    ...(isEmpty(r.pathParameters) ? {} : { pathParameters: r.pathParameters }),
    isBase64Encoded: r.body.isBase64Encoded,
    ...(isEmpty(r.stageVariables) ? {} : { stageVariables: r.stageVariables }),
  };
}

const httpNone: EventTemplate = {
  source: 'apigateway',
  type: 'http',
  description: 'HTTP API Lambda integration (payload 2.0), no authorization',
  params: HTTP_PARAMS,
  render(ctx) {
    const r = httpApiRequest(ctx, { body: true });
    return httpEvent(r, r.requestContext) satisfies APIGatewayProxyEventV2;
  },
};

const SCOPES: ParamSpec = {
  name: 'scopes',
  type: 'json',
  default: ['openid', 'email'],
  description: "OAuth scopes in the access token's scope claim (list)",
  samples: [[], ['openid'], ['pets/read', 'pets/write']],
};

const httpJwt: EventTemplate = {
  source: 'apigateway',
  type: 'http-jwt',
  description: 'HTTP API Lambda integration (payload 2.0) behind a JWT authorizer (Cognito access token)',
  params: [...HTTP_PARAMS, USER_POOL, CLIENT_ID, USERNAME, GROUPS, SCOPES],
  render(ctx) {
    const user = cognitoUser(ctx);
    const scopes = stringList(ctx, 'scopes');
    const accessClaims: Record<string, unknown> = {
      ...user.common,
      client_id: ctx.str('clientId'),
      token_use: 'access',
      ...(scopes.length ? { scope: scopes.join(' ') } : {}),
      ...user.times,
      jti: user.jti,
      username: user.username,
    };
    const r = httpApiRequest(ctx, { body: true, extraHeaders: { authorization: `Bearer ${jwtOf(accessClaims, ctx.uuid())}` } });
    // HTTP APIs pass claims as strings, lists in brackets and space-separated: "[admin editors]".
    const claims = Object.fromEntries(Object.entries(accessClaims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.map(scalar).join(' ')}]` : scalar(v)]));
    return httpEvent(r, { ...r.requestContext, authorizer: { jwt: { claims, scopes: scopes.length ? scopes : null } } }) satisfies APIGatewayProxyEventV2WithJWTAuthorizer;
  },
};

const ORG_ID: ParamSpec = { name: 'orgId', type: 'string', default: 'o-a1b2c3d4e5', description: "AWS Organizations id of the caller's account", samples: ['o-a1b2c3d4e5', 'o-zz9yy8xx7w'] };

const httpIam: EventTemplate = {
  source: 'apigateway',
  type: 'http-iam',
  description: 'HTTP API Lambda integration (payload 2.0), IAM (SigV4) authorization',
  params: [...HTTP_PARAMS, CALLER_ACCOUNT, IAM_USER, ORG_ID],
  render(ctx) {
    const caller = iamCaller(ctx);
    const r = httpApiRequest(ctx, { body: true, extraHeaders: sigV4Headers(ctx, caller.accessKey, 'execute-api') });
    const iam = {
      accessKey: caller.accessKey,
      accountId: caller.account,
      callerId: caller.userId,
      cognitoIdentity: null,
      principalOrgId: ctx.str('orgId'),
      userArn: caller.userArn,
      userId: caller.userId,
    };
    return httpEvent(r, { ...r.requestContext, authorizer: { iam } }) satisfies APIGatewayProxyEventV2WithIAMAuthorizer;
  },
};

const HTTP_AUTH_CONTEXT: ParamSpec = {
  name: 'authorizerContext',
  type: 'json',
  default: { tenant: 'acme', plan: 'pro', quota: 1000, beta: true },
  description: 'context the Lambda authorizer returned (passed through with its JSON types)',
  samples: [{}, { tenant: 'acme' }, { role: 'admin', level: 3, tags: ['a', 'b'], limits: { rps: 10 } }],
};

const httpLambdaAuthorizer: EventTemplate = {
  source: 'apigateway',
  type: 'http-lambda-authorizer',
  description: 'HTTP API Lambda integration (payload 2.0) behind a Lambda authorizer (its context)',
  params: [...HTTP_PARAMS, HTTP_AUTH_CONTEXT],
  render(ctx) {
    const r = httpApiRequest(ctx, { body: true, extraHeaders: { authorization: 'Bearer allow' } });
    const lambda = object(ctx, 'authorizerContext');
    return httpEvent(r, { ...r.requestContext, authorizer: { lambda } }) satisfies APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>;
  },
};

const URL_ID: ParamSpec = {
  name: 'urlId',
  type: 'string',
  default: 'q7x2k9m4p1r8s5t3v6w0y2z4a1b3c5d7',
  description: "Function URL id (the URL's first label, 32 lowercase letters and digits)",
  samples: ['q7x2k9m4p1r8s5t3v6w0y2z4a1b3c5d7', 'abcdefghij0123456789klmnopqrstuv'],
};
const URL_AUTH: ParamSpec = { name: 'authType', type: 'string', default: 'NONE', description: "The function URL's auth type", choices: ['NONE', 'AWS_IAM'] };

const functionUrl: EventTemplate = {
  source: 'lambda',
  type: 'function-url',
  description: 'Lambda function URL request (payload 2.0)',
  params: [
    { ...REGION, samples: ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'sa-east-1', 'us-gov-west-1'] },
    ACCOUNT,
    URL_ID,
    URL_AUTH,
    METHOD,
    PATH,
    QUERY,
    HTTP_HEADERS,
    BODY,
    BINARY,
    SOURCE_IP,
    USER_AGENT,
    CALLER_ACCOUNT,
    IAM_USER,
  ],
  render(ctx) {
    const region = ctx.str('region');
    if (region.startsWith('cn-')) throw invalid('Lambda function URLs are not available in the China Regions.');
    const urlId = ctx.str('urlId');
    const iam = ctx.str('authType') === 'AWS_IAM';
    const caller = iam ? iamCaller(ctx) : undefined;
    const path = checkPath(ctx.str('path'));
    const where: V2Where = {
      domainName: `${urlId}.lambda-url.${region}.on.aws`,
      apiId: urlId,
      stage: '$default',
      routeKey: '$default',
      requestId: ctx.uuid(),
      // Function URLs without auth name no account ("anonymous"); with AWS_IAM, the function owner's.
      accountId: iam ? ctx.str('account') : 'anonymous',
      rawPath: path,
    };
    const r = v2Request(ctx, where, { body: true, extraHeaders: caller ? sigV4Headers(ctx, caller.accessKey, 'lambda') : {} });
    const requestContext = {
      ...r.requestContext,
      authentication: null,
      ...(caller
        ? {
            authorizer: {
              iam: {
                accessKey: caller.accessKey,
                accountId: caller.account,
                callerId: caller.userId,
                cognitoIdentity: null,
                principalOrgId: null,
                userArn: caller.userArn,
                userId: caller.userId,
              },
            },
          }
        : {}),
    };
    return httpEvent({ ...r, method: ctx.str('method'), path, rawPath: path, pathParameters: {} }, requestContext) satisfies FunctionUrlEvent;
  },
};

// ---------------------------------------------------------------------------
// API Gateway Lambda authorizers.

const TOKEN: ParamSpec = { name: 'token', type: 'string', default: 'Bearer allow', description: 'Value of the token source header (Authorization)' };

const authorizerToken: EventTemplate = {
  source: 'apigateway',
  type: 'authorizer-token',
  description: 'REST API Lambda authorizer, TOKEN type',
  params: [REGION, ACCOUNT, API_ID, STAGE, GET, PATH, TOKEN],
  render(ctx) {
    return {
      type: 'TOKEN',
      methodArn: executeApiArn(ctx, ctx.str('method'), checkPath(ctx.str('path'))),
      authorizationToken: ctx.str('token'),
    } satisfies APIGatewayTokenAuthorizerEvent;
  },
};

const AUTH_HEADERS: ParamSpec = {
  ...REST_HEADERS,
  default: { Accept: 'application/json', Authorization: 'Bearer allow' },
  samples: [{ Authorization: 'Bearer allow' }, { Authorization: 'Bearer deny', 'X-Tenant': 'acme' }, { authorization: 'Bearer allow', Accept: ['text/html', '*/*'] }],
};

const authorizerRequest: EventTemplate = {
  source: 'apigateway',
  type: 'authorizer-request',
  description: 'REST API Lambda authorizer, REQUEST type',
  params: [REGION, ACCOUNT, API_ID, STAGE, GET, RESOURCE, PATH, QUERY, AUTH_HEADERS, SOURCE_IP, USER_AGENT, DOMAIN, STAGE_VARIABLES],
  render(ctx) {
    const r = restRequest(ctx, {}, false);
    const e = r.event;
    // Unlike proxy events, a REQUEST authorizer gets empty maps rather than null, and no body.
    return {
      type: 'REQUEST',
      methodArn: executeApiArn(ctx, r.method, r.path),
      resource: e.resource,
      path: e.path,
      httpMethod: e.httpMethod,
      headers: e.headers,
      multiValueHeaders: e.multiValueHeaders,
      queryStringParameters: e.queryStringParameters ?? {},
      multiValueQueryStringParameters: e.multiValueQueryStringParameters ?? {},
      pathParameters: e.pathParameters ?? {},
      stageVariables: e.stageVariables ?? {},
      requestContext: e.requestContext,
    } satisfies RestRequestAuthorizerEvent;
  },
};

const IDENTITY_SOURCE: ParamSpec = {
  name: 'identitySource',
  type: 'json',
  default: ['$request.header.Authorization'],
  description: "The authorizer's identity sources ($request.header.X, $request.querystring.X, $stageVariables.X); their values form identitySource",
  samples: [['$request.header.Authorization'], ['$request.header.Authorization', '$request.querystring.tag']],
};
const HTTP_AUTH_HEADERS: ParamSpec = {
  ...HTTP_HEADERS,
  default: { authorization: 'Bearer allow', cookie: 'session=abc123' },
  samples: [{ authorization: 'Bearer allow' }, { Authorization: 'Bearer deny', 'x-tenant': 'acme', cookie: ['a=1', 'b=2'] }],
};

const authorizerRequestV2: EventTemplate = {
  source: 'apigateway',
  type: 'authorizer-request-v2',
  description: 'HTTP API Lambda authorizer (payload 2.0; the same input for simple and IAM-policy responses)',
  params: [REGION, ACCOUNT, API_ID, HTTP_STAGE, GET, ROUTE_KEY, PATH, { ...QUERY, samples: [{ tag: 'a' }, { tag: ['x', 'y'], page: '2' }] }, HTTP_AUTH_HEADERS, IDENTITY_SOURCE, SOURCE_IP, USER_AGENT, DOMAIN, STAGE_VARIABLES],
  render(ctx) {
    const r = httpApiRequest(ctx, { body: false });
    const lowerHeaders = r.headers;
    const queryValues = joined(r.query);
    const identitySource = stringList(ctx, 'identitySource').map((source) => {
      const m = /^\$(request\.header|request\.querystring|stageVariables)\.(.+)$/.exec(source);
      if (!m) throw invalid(`identitySource ${JSON.stringify(source)}: use $request.header.<name>, $request.querystring.<name> or $stageVariables.<name>.`);
      const value =
        m[1] === 'request.header' ? (m[2]!.toLowerCase() === 'cookie' ? r.cookies.join('; ') : lowerHeaders[m[2]!.toLowerCase()]) : m[1] === 'request.querystring' ? queryValues[m[2]!] : r.stageVariables[m[2]!];
      // API Gateway answers 401 without calling the authorizer when an identity source is missing.
      if (value === undefined || value === '') throw invalid(`identitySource ${source} has no value in this request, so API Gateway would answer 401 without invoking the authorizer.`);
      return value;
    });
    const e = httpEvent(r, r.requestContext);
    return {
      version: '2.0',
      type: 'REQUEST',
      routeArn: executeApiArn(ctx, r.method, r.path),
      identitySource,
      routeKey: e.routeKey,
      rawPath: e.rawPath,
      rawQueryString: e.rawQueryString,
      ...(e.cookies ? { cookies: e.cookies } : {}),
      headers: e.headers,
      ...(e.queryStringParameters ? { queryStringParameters: e.queryStringParameters } : {}),
      requestContext: e.requestContext,
      ...(e.pathParameters ? { pathParameters: e.pathParameters } : {}),
      ...(e.stageVariables ? { stageVariables: e.stageVariables } : {}),
    } satisfies HttpRequestAuthorizerEvent;
  },
};

// ---------------------------------------------------------------------------
// API Gateway WebSocket APIs.

const CONNECTION_ID: ParamSpec = {
  name: 'connectionId',
  type: 'string',
  default: 'Zk3bQcJ7IAMCLrQ=',
  description: 'The connection id (the same for its $connect, messages and $disconnect)',
  samples: ['Zk3bQcJ7IAMCLrQ=', 'bX1yTfGhoAMCJxA=', 'P0q9RsTuvAMFd3g='],
};
const CONNECTED_FOR: ParamSpec = { name: 'connectedFor', type: 'number', default: 30, description: 'Seconds since the client connected' };
const WS_PARAMS = [REGION, ACCOUNT, API_ID, STAGE, CONNECTION_ID, SOURCE_IP, USER_AGENT] as const;

function wsContext(ctx: RenderContext, eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT', routeKey: string, connectedAt: number) {
  const requestId = apiGatewayId();
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(ctx.now),
    messageDirection: 'IN' as const,
    stage: ctx.str('stage'),
    connectedAt,
    requestTimeEpoch: ctx.epochMillis(),
    identity: { userAgent: ctx.str('userAgent'), sourceIp: ctx.str('sourceIp') },
    requestId,
    domainName: executeApiDomain(ctx.str('apiId'), ctx.str('region')),
    connectionId: ctx.str('connectionId'),
    apiId: ctx.str('apiId'),
  };
}

const wsConnect: EventTemplate = {
  source: 'apigateway',
  type: 'websocket-connect',
  description: 'WebSocket API $connect route',
  params: [...WS_PARAMS, { ...QUERY, default: { token: 'abc123' } }, { ...REST_HEADERS, default: { Origin: 'https://app.example.com', 'Sec-WebSocket-Protocol': 'chat' } }],
  render(ctx) {
    const context = wsContext(ctx, 'CONNECT', '$connect', ctx.epochMillis());
    const multiValueHeaders = withHeaders(multi(ctx, 'headers'), {
      Host: context.domainName,
      'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
      'User-Agent': ctx.str('userAgent'),
      'X-Amzn-Trace-Id': traceId(ctx),
      'X-Forwarded-For': ctx.str('sourceIp'),
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
    });
    const query = multi(ctx, 'query');
    return {
      headers: lastValues(multiValueHeaders),
      multiValueHeaders,
      ...(isEmpty(query) ? {} : { queryStringParameters: lastValues(query), multiValueQueryStringParameters: query }),
      requestContext: context,
      isBase64Encoded: false,
    } satisfies WebSocketEvent;
  },
};

const wsMessage: EventTemplate = {
  source: 'apigateway',
  type: 'websocket-message',
  description: 'WebSocket API message to a route (e.g. $default or one chosen by the route selection expression)',
  params: [
    ...WS_PARAMS,
    { name: 'routeKey', type: 'string', default: '$default', description: 'The route the message selected', samples: ['$default', 'sendmessage', 'join'] },
    { ...BODY, default: '{"action":"sendmessage","text":"hello"}', description: 'The message frame' },
    { ...BINARY, description: 'A binary frame: the body arrives base64-encoded with isBase64Encoded true' },
    CONNECTED_FOR,
  ],
  render(ctx) {
    const body = requestBody(ctx, ctx.bool('binary'));
    const context = wsContext(ctx, 'MESSAGE', ctx.str('routeKey'), ctx.epochMillis(-ctx.num('connectedFor') * 1000));
    return {
      requestContext: { ...context, messageId: apiGatewayId() },
      ...(body.sent === undefined ? {} : { body: body.sent }),
      isBase64Encoded: body.isBase64Encoded,
    } satisfies WebSocketEvent & APIGatewayProxyWebsocketEventV2;
  },
};

const wsDisconnect: EventTemplate = {
  source: 'apigateway',
  type: 'websocket-disconnect',
  description: 'WebSocket API $disconnect route',
  params: [
    ...WS_PARAMS,
    CONNECTED_FOR,
    { name: 'statusCode', type: 'number', default: 1001, description: 'WebSocket close code', samples: [1000, 1001, 1005, 1006] },
    { name: 'reason', type: 'string', default: 'Going away', description: 'Close reason', samples: ['Going away', 'Client-side close frame status not set', ''] },
  ],
  render(ctx) {
    const context = wsContext(ctx, 'DISCONNECT', '$disconnect', ctx.epochMillis(-ctx.num('connectedFor') * 1000));
    // The connection's headers are gone by now; API Gateway sends these placeholders.
    const headers = { Host: context.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
    return {
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      requestContext: { ...context, disconnectStatusCode: ctx.num('statusCode'), disconnectReason: ctx.str('reason') },
      isBase64Encoded: false,
    } satisfies WebSocketEvent;
  },
};

// ---------------------------------------------------------------------------
// Application Load Balancer.

/** ALBs pass these content types as text and base64-encode every other body. */
const ALB_TEXT = /^(text\/[^;]*|application\/(json|javascript|xml))\s*(;|$)/i;

const ALB_PARAMS: readonly ParamSpec[] = [
  REGION,
  ACCOUNT,
  { name: 'targetGroup', type: 'string', default: 'my-lambda-targets', description: 'Target group name' },
  { name: 'loadBalancer', type: 'string', default: 'my-alb', description: 'Load balancer name (its DNS name is the Host)' },
  GET,
  { ...PATH, default: '/' },
  QUERY,
  {
    ...REST_HEADERS,
    default: { accept: 'text/html', 'accept-language': 'en-US,en;q=0.8', cookie: ['a=1', 'b=2'] },
    samples: [...(REST_HEADERS.samples ?? []), { 'Content-Type': 'image/png' }],
  },
  { ...BODY, default: '' },
  SOURCE_IP,
  USER_AGENT,
];

function albRequest(ctx: RenderContext) {
  const region = ctx.str('region');
  const account = ctx.str('account');
  const tg = ctx.str('targetGroup');
  const lb = ctx.str('loadBalancer');
  const client = lowerNames(multi(ctx, 'headers'));
  const contentType = client['content-type']?.at(-1) ?? '';
  const body = requestBody(ctx, !ALB_TEXT.test(contentType));
  const headers = withHeaders(client, {
    host: `${lb}-${chars(10, '0123456789', `alb:${account}:${region}:${lb}`)}.${region}.elb.${dnsSuffix(region)}`,
    'user-agent': ctx.str('userAgent'),
    'x-amzn-trace-id': traceId(ctx),
    'x-forwarded-for': ctx.str('sourceIp'),
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    'content-length': body.text === '' ? undefined : String(body.length),
  });
  return {
    requestContext: {
      elb: { targetGroupArn: arn(partitionOf(region), 'elasticloadbalancing', region, account, `targetgroup/${tg}/${chars(16, '0123456789abcdef', `tg:${account}:${region}:${tg}`)}`) },
    },
    httpMethod: ctx.str('method'),
    path: checkPath(ctx.str('path')),
    // ALBs pass query parameters as the client encoded them.
    query: encodedMulti(multi(ctx, 'query')),
    headers,
    body: body.sent ?? '',
    isBase64Encoded: body.isBase64Encoded,
  };
}

const albSingle: EventTemplate = {
  source: 'alb',
  type: 'request',
  description: 'Application Load Balancer request to a Lambda target group (repeated headers and query parameters keep the last value)',
  params: ALB_PARAMS,
  render(ctx) {
    const r = albRequest(ctx);
    return {
      requestContext: r.requestContext,
      httpMethod: r.httpMethod,
      path: r.path,
      queryStringParameters: lastValues(r.query),
      headers: lastValues(r.headers),
      body: r.body,
      isBase64Encoded: r.isBase64Encoded,
    } satisfies ALBEvent;
  },
};

const albMulti: EventTemplate = {
  source: 'alb',
  type: 'request-multi-value',
  description: 'Application Load Balancer request to a Lambda target group with multi-value headers enabled',
  params: ALB_PARAMS,
  render(ctx) {
    const r = albRequest(ctx);
    return {
      requestContext: r.requestContext,
      httpMethod: r.httpMethod,
      path: r.path,
      multiValueQueryStringParameters: r.query,
      multiValueHeaders: r.headers,
      body: r.body,
      isBase64Encoded: r.isBase64Encoded,
    } satisfies ALBEvent;
  },
};

// ---------------------------------------------------------------------------
// CloudFront Lambda@Edge. Events carry no timestamps; header names are
// lower-cased keys over [{key, value}] lists.

const CF_PARAMS: readonly ParamSpec[] = [
  { name: 'distributionId', type: 'string', default: 'E2QWRUHAPOMQZL', description: 'Distribution id', samples: ['E2QWRUHAPOMQZL', 'E1A2B3C4D5E6F7'] },
  {
    name: 'distributionDomainName',
    type: 'string',
    default: 'd3k9x2m4n5p6q7.cloudfront.net',
    description: "Distribution's domain name",
    samples: ['d3k9x2m4n5p6q7.cloudfront.net', 'd1a2b3c4d5e6f7.cloudfront.net'],
  },
  GET,
  { name: 'uri', type: 'string', default: '/index.html', description: 'Request path', samples: ['/', '/index.html', '/images/cat.jpg', '/api/v1/items'] },
  { ...QUERY, default: { size: 'large' } },
  { ...REST_HEADERS, default: { Accept: 'text/html', 'Accept-Language': 'en-US' } },
  { name: 'clientIp', type: 'string', default: '203.0.113.10', description: "Viewer's IP address", samples: IPS },
  USER_AGENT,
];
const CF_ORIGIN: readonly ParamSpec[] = [
  { name: 'originType', type: 'string', default: 's3', description: 'The origin the cache behaviour forwards to', choices: ['s3', 'custom'] },
  { name: 'bucket', type: 'string', default: 'my-site-bucket', description: 'S3 origin bucket' },
  { name: 'originDomain', type: 'string', default: 'origin.example.com', description: 'Custom origin domain name', samples: ['origin.example.com', 'app.example.org'] },
];
const CF_BODY: readonly ParamSpec[] = [
  { name: 'includeBody', type: 'boolean', default: false, description: 'The trigger has "include body" set: the body arrives base64-encoded' },
  { ...BODY, default: '' },
];
const CF_RESPONSE: readonly ParamSpec[] = [
  { name: 'status', type: 'number', default: 200, description: 'Response status code', samples: [200, 301, 304, 403, 404, 500, 503] },
  {
    name: 'responseHeaders',
    type: 'json',
    default: { 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'max-age=300', ETag: '"5d41402abc4b2a76b9719d911017c592"' },
    description: "The origin's response headers",
    samples: [{}, { 'Content-Type': 'image/jpeg' }, { 'Set-Cookie': ['theme=light', 'session=abc; Secure'], 'Content-Type': 'text/plain' }],
  },
];

const cfHeaders = (m: Multi): CloudFrontHeaders => {
  const out: CloudFrontHeaders = {};
  for (const [k, vs] of Object.entries(m)) (out[k.toLowerCase()] ??= []).push(...vs.map((value) => ({ key: k, value })));
  return out;
};
const cfRequestId = () => randomBytes(40).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
const cfConfig = (ctx: RenderContext, eventType: 'origin-request' | 'origin-response' | 'viewer-request' | 'viewer-response') => ({
  distributionDomainName: ctx.str('distributionDomainName'),
  distributionId: ctx.str('distributionId'),
  eventType,
  requestId: cfRequestId(),
});

/** The request as the viewer sent it, or as CloudFront forwards it to the origin. */
function cfRequest(ctx: RenderContext, atOrigin: boolean, withBody: boolean): CloudFrontRequest {
  const origin: CloudFrontOrigin | undefined = !atOrigin
    ? undefined
    : ctx.str('originType') === 'custom'
      ? {
          custom: {
            customHeaders: {},
            domainName: ctx.str('originDomain'),
            keepaliveTimeout: 5,
            path: '',
            port: 443,
            protocol: 'https',
            readTimeout: 30,
            sslProtocols: ['TLSv1.2'],
          },
        }
      : { s3: { authMethod: 'none', customHeaders: {}, domainName: `${ctx.str('bucket')}.s3.amazonaws.com`, path: '' } };
  const host = origin ? (origin.s3?.domainName ?? origin.custom!.domainName) : ctx.str('distributionDomainName');
  const headers = withHeaders(multi(ctx, 'headers'), {
    Host: host,
    // Towards the origin CloudFront speaks for itself unless the User-Agent is forwarded.
    'User-Agent': atOrigin ? 'Amazon CloudFront' : ctx.str('userAgent'),
    ...(atOrigin ? { Via: `2.0 ${chars(32, '0123456789abcdef', ctx.str('distributionId'))}.cloudfront.net (CloudFront)`, 'X-Forwarded-For': ctx.str('clientIp') } : {}),
  });
  const text = ctx.str('body');
  return {
    clientIp: ctx.str('clientIp'),
    headers: cfHeaders(headers),
    method: ctx.str('method'),
    querystring: rawQuery(multi(ctx, 'query')),
    uri: checkPath(ctx.str('uri'), 'uri'),
    ...(withBody && ctx.bool('includeBody') ? { body: { inputTruncated: false, action: 'read-only' as const, encoding: 'base64' as const, data: base64(text) } } : {}),
    ...(origin ? { origin } : {}),
  };
}

function cfResponse(ctx: RenderContext, toViewer: boolean) {
  const status = ctx.num('status');
  const headers = withHeaders(multi(ctx, 'responseHeaders'), {
    Date: ctx.now.toUTCString(),
    ...(ctx.str('originType') === 's3' ? { Server: 'AmazonS3' } : {}),
    ...(toViewer ? { Via: `1.1 ${chars(32, '0123456789abcdef', ctx.str('distributionId'))}.cloudfront.net (CloudFront)` } : {}),
  });
  return { status: String(status), statusDescription: STATUS_CODES[status] ?? '', headers: cfHeaders(headers) };
}

const cfViewerRequest: EventTemplate = {
  source: 'cloudfront',
  type: 'viewer-request',
  description: 'Lambda@Edge viewer request',
  params: [...CF_PARAMS, ...CF_BODY],
  render(ctx) {
    return { Records: [{ cf: { config: cfConfig(ctx, 'viewer-request'), request: cfRequest(ctx, false, true) } }] } satisfies CloudFrontRequestEvent;
  },
};

const cfOriginRequest: EventTemplate = {
  source: 'cloudfront',
  type: 'origin-request',
  description: 'Lambda@Edge origin request (on a cache miss, with the origin the request goes to)',
  params: [...CF_PARAMS, ...CF_ORIGIN, ...CF_BODY],
  render(ctx) {
    return { Records: [{ cf: { config: cfConfig(ctx, 'origin-request'), request: cfRequest(ctx, true, true) } }] } satisfies CloudFrontRequestEvent;
  },
};

const cfOriginResponse: EventTemplate = {
  source: 'cloudfront',
  type: 'origin-response',
  description: "Lambda@Edge origin response (the origin's answer, before caching)",
  params: [...CF_PARAMS, ...CF_ORIGIN, ...CF_RESPONSE],
  render(ctx) {
    return {
      Records: [{ cf: { config: cfConfig(ctx, 'origin-response'), request: cfRequest(ctx, true, false), response: cfResponse(ctx, false) } }],
    } satisfies CloudFrontResponseEvent;
  },
};

const cfViewerResponse: EventTemplate = {
  source: 'cloudfront',
  type: 'viewer-response',
  description: 'Lambda@Edge viewer response (what CloudFront returns to the viewer)',
  params: [...CF_PARAMS, { ...CF_ORIGIN[0]!, description: 'The origin that answered' }, ...CF_RESPONSE],
  render(ctx) {
    return {
      Records: [{ cf: { config: cfConfig(ctx, 'viewer-response'), request: cfRequest(ctx, false, false), response: cfResponse(ctx, true) } }],
    } satisfies CloudFrontResponseEvent;
  },
};

// ---------------------------------------------------------------------------
// AppSync.

const APPSYNC_ENDPOINT: ParamSpec = {
  name: 'endpointId',
  type: 'string',
  default: 'x7k2m9p4q1r8s5t3v6w0y2z4ab',
  description: "The GraphQL endpoint's first label (<this>.appsync-api.<region>.amazonaws.com)",
  samples: ['x7k2m9p4q1r8s5t3v6w0y2z4ab', 'abcdefghijklmnopqrstuvwxyz'],
};
const APPSYNC_IP: ParamSpec = { ...SOURCE_IP, samples: IPS.filter((ip) => !ip.includes(':')) };

/** A GraphQL literal for a JSON value (arguments written inline). */
function gqlValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(gqlValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${gqlValue(x)}`).join(', ')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** `selectionSetList` (every path, parents included) and `selectionSetGraphQL` from a list of leaf paths like `author/name`. */
function selectionSet(paths: string[]): { list: string[]; graphql: string } {
  interface Node {
    [field: string]: Node;
  }
  const root: Node = {};
  const list: string[] = [];
  for (const p of paths) {
    let node = root;
    const parts = p.split('/').filter(Boolean);
    parts.forEach((part, i) => {
      const full = parts.slice(0, i + 1).join('/');
      if (!list.includes(full)) list.push(full);
      node = node[part] ??= {};
    });
  }
  const render = (node: Node, indent: string): string =>
    `{\n${Object.entries(node)
      .map(([k, child]) => `${indent}  ${k}${Object.keys(child).length ? ` ${render(child, `${indent}  `)}` : ''}`)
      .join('\n')}\n${indent}}`;
  return { list, graphql: render(root, '') };
}

const appsyncResolver: EventTemplate = {
  source: 'appsync',
  type: 'resolver',
  description: 'AppSync direct Lambda resolver (the request for one field)',
  params: [
    REGION,
    ACCOUNT,
    APPSYNC_ENDPOINT,
    {
      name: 'authMode',
      type: 'string',
      default: 'AMAZON_COGNITO_USER_POOLS',
      description: "How the caller was authorized (shapes identity): API key, user pool, IAM (Cognito identity pool) or Lambda",
      choices: ['API_KEY', 'AMAZON_COGNITO_USER_POOLS', 'AWS_IAM', 'AWS_LAMBDA'],
    },
    { name: 'parentTypeName', type: 'string', default: 'Query', description: 'Type of the field being resolved', choices: ['Query', 'Mutation'] },
    { name: 'fieldName', type: 'string', default: 'getPost', description: 'Field being resolved', samples: ['getPost', 'listPosts', 'createPost'] },
    { name: 'arguments', type: 'json', default: { id: '1' }, description: "The field's arguments" },
    { name: 'source', type: 'json', default: null, description: 'The parent object of a nested field (null for Query and Mutation fields)' },
    {
      name: 'selection',
      type: 'json',
      default: ['id', 'title', 'author/name'],
      description: 'Fields the query selects, nested ones as parent/child',
      samples: [['id'], ['id', 'title', 'author/name', 'author/email'], ['items/id', 'items/title', 'nextToken']],
    },
    USER_POOL,
    CLIENT_ID,
    USERNAME,
    EMAIL,
    GROUPS,
    CLAIMS,
    { name: 'resolverContext', type: 'json', default: { tenant: 'acme' }, description: 'resolverContext the Lambda authorizer returned (AWS_LAMBDA)' },
    APPSYNC_IP,
    USER_AGENT,
  ],
  render(ctx) {
    const region = ctx.str('region');
    const account = ctx.str('account');
    const mode = ctx.str('authMode');
    const args = object(ctx, 'arguments');
    const selection = selectionSet(stringList(ctx, 'selection'));
    const field = ctx.str('fieldName');
    const argText = isEmpty(args) ? '' : `(${Object.entries(args).map(([k, v]) => `${k}: ${gqlValue(v)}`).join(', ')})`;
    const document = `${ctx.str('parentTypeName') === 'Mutation' ? 'mutation' : 'query'} {\n  ${field}${argText} ${selection.graphql.replace(/\n/g, '\n  ')}\n}`;
    const requestBodyText = JSON.stringify({ query: document, variables: {} });
    const sourceIp = ctx.str('sourceIp');

    let identity: AppSyncIdentity = null;
    let auth: Record<string, string> = {};
    if (mode === 'API_KEY') auth = { 'x-api-key': `da2-${chars(26, LOWER_ALNUM, `key:${ctx.str('endpointId')}`)}` };
    else if (mode === 'AMAZON_COGNITO_USER_POOLS') {
      const user = cognitoUser(ctx);
      auth = { authorization: jwtOf(user.idClaims, ctx.uuid()) };
      identity = {
        sub: user.sub,
        issuer: user.iss,
        username: user.username,
        claims: user.idClaims,
        sourceIp: [sourceIp],
        defaultAuthStrategy: 'ALLOW',
        groups: user.groups.length ? user.groups : null,
      };
    } else if (mode === 'AWS_IAM') {
      // An app signed in through a Cognito identity pool, calling with the pool's authenticated role.
      const pool = `${region}:${stableUuid(`pool:${account}:${region}`)}`;
      const user = cognitoUser(ctx);
      const roleId = `AROA${chars(17, UPPER_ALNUM, `role:${account}`)}`;
      const provider = `cognito-idp.${region}.${dnsSuffix(region)}/${user.poolId}`;
      const accessKey = `ASIA${chars(16, BASE32)}`;
      auth = { ...sigV4Headers(ctx, accessKey, 'appsync'), 'X-Amz-Security-Token': randomBytes(96).toString('base64') };
      identity = {
        accountId: account,
        cognitoIdentityPoolId: pool,
        cognitoIdentityId: `${region}:${stableUuid(`identity:${pool}:${user.username}`)}`,
        sourceIp: [sourceIp],
        username: `${roleId}:CognitoIdentityCredentials`,
        userArn: arn(partitionOf(region), 'sts', '', account, 'assumed-role/AppAuthenticatedRole/CognitoIdentityCredentials'),
        cognitoIdentityAuthType: 'authenticated',
        cognitoIdentityAuthProvider: `"${provider}","${provider}:CognitoSignIn:${user.sub}"`,
      };
    } else {
      auth = { authorization: 'custom-authorization-token' };
      identity = { resolverContext: ctx.json('resolverContext') };
    }
    const headers = joined(
      withHeaders(
        {},
        {
          accept: 'application/json, text/plain, */*',
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(requestBodyText)),
          host: `${ctx.str('endpointId')}.appsync-api.${region}.${dnsSuffix(region)}`,
          'user-agent': ctx.str('userAgent'),
          'x-amzn-trace-id': traceId(ctx),
          'x-forwarded-for': sourceIp,
          'x-forwarded-port': '443',
          'x-forwarded-proto': 'https',
          ...Object.fromEntries(Object.entries(auth).map(([k, v]) => [k.toLowerCase(), v])),
        },
      ),
    );
    return {
      arguments: args,
      identity,
      source: (ctx.json('source') ?? null) as Record<string, unknown> | null,
      request: { headers, domainName: null },
      prev: null,
      info: {
        selectionSetList: selection.list,
        selectionSetGraphQL: selection.graphql,
        parentTypeName: ctx.str('parentTypeName'),
        fieldName: field,
        variables: {},
      },
      stash: {},
    } satisfies AppSyncResolverEvent<Record<string, unknown>>;
  },
};

const appsyncAuthorizer: EventTemplate = {
  source: 'appsync',
  type: 'authorizer',
  description: 'AppSync Lambda authorizer',
  params: [
    REGION,
    ACCOUNT,
    { ...API_ID, default: 'kq3r5t7v9x1z2b4d6f8h0j2l4n', description: 'GraphQL API id (26 lowercase letters and digits)', samples: ['kq3r5t7v9x1z2b4d6f8h0j2l4n', 'aaaabbbbccccddddeeeeffff01'] },
    APPSYNC_ENDPOINT,
    { ...TOKEN, default: 'custom-authorization-token', description: 'Authorization header the client sent' },
    {
      name: 'query',
      type: 'string',
      default: 'query GetPost($id: ID!) {\n  getPost(id: $id) {\n    id\n    title\n  }\n}',
      description: 'The GraphQL document (its operation name is taken from it)',
      samples: ['query GetPost($id: ID!) { getPost(id: $id) { id } }', 'mutation { createPost(title: "x") { id } }', '{ listPosts { items { id } } }'],
    },
    { name: 'variables', type: 'json', default: { id: '1' }, description: 'The GraphQL variables' },
    APPSYNC_IP,
    USER_AGENT,
  ],
  render(ctx) {
    const query = ctx.str('query');
    const operationName = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1];
    const variables = object(ctx, 'variables');
    const region = ctx.str('region');
    const bodyText = JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) });
    return {
      authorizationToken: ctx.str('token'),
      requestContext: {
        apiId: ctx.str('apiId'),
        accountId: ctx.str('account'),
        requestId: ctx.uuid(),
        queryString: query,
        ...(operationName ? { operationName } : {}),
        variables,
      },
      requestHeaders: {
        accept: 'application/json, text/plain, */*',
        authorization: ctx.str('token'),
        'content-length': String(Buffer.byteLength(bodyText)),
        'content-type': 'application/json',
        host: `${ctx.str('endpointId')}.appsync-api.${region}.${dnsSuffix(region)}`,
        'user-agent': ctx.str('userAgent'),
        'x-amzn-trace-id': traceId(ctx),
        'x-forwarded-for': ctx.str('sourceIp'),
        'x-forwarded-port': '443',
        'x-forwarded-proto': 'https',
      },
    } satisfies AppSyncAuthorizerEvent;
  },
};

export const HTTP_TEMPLATES: EventTemplate[] = [
  restNone,
  restIam,
  restCognito,
  restLambdaAuthorizer,
  httpNone,
  httpJwt,
  httpIam,
  httpLambdaAuthorizer,
  authorizerToken,
  authorizerRequest,
  authorizerRequestV2,
  wsConnect,
  wsMessage,
  wsDisconnect,
  functionUrl,
  albSingle,
  albMulti,
  cfViewerRequest,
  cfOriginRequest,
  cfOriginResponse,
  cfViewerResponse,
  appsyncResolver,
  appsyncAuthorizer,
];
