// The HTTP-facing event templates (API Gateway, function URLs, ALB, CloudFront,
// AppSync), each rendered with its defaults and 20 randomised parameter sets,
// checked against the second oracle, Powertools' Zod schemas (the first,
// @types/aws-lambda, is `satisfies` at compile time), and against themselves:
// base64 bodies decode to the body, ARNs agree with the region and account,
// timestamps are now in each field's own format, raw query strings agree with
// their maps, single-value maps with multi-value ones, Host with domainName.
//
// HTTP_ALLOWED entries, `detail` format:
//   zod:   space-separated issue paths (`requestContext.messageId`, `identity`)
//          the schema reports; an issue there is forgiven only where the
//          event leaves the field out or null (every disagreement so far is
//          of that kind), and each must still be reported by some render.
//   types: space-separated `+path` (the event has the field; the type lacks
//          it or forbids its value) and `-path` (the type requires the field;
//          the event leaves it out); each must still hold for some render.
import { STATUS_CODES } from 'node:http';
import {
  AlbMultiValueHeadersSchema,
  AlbSchema,
  APIGatewayProxyEventSchema,
  APIGatewayProxyEventV2Schema,
  APIGatewayProxyWebsocketEventSchema,
  APIGatewayRequestAuthorizerEventSchema,
  APIGatewayRequestAuthorizerEventV2Schema,
  APIGatewayTokenAuthorizerEventSchema,
  AppSyncResolverSchema,
  LambdaFunctionUrlSchema,
} from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { renderEvent } from '../../main/engine/events/catalog.js';
import { HTTP_TEMPLATES } from '../../main/engine/events/catalog/http.js';
import type { EventTemplate } from '../../main/engine/events/template.js';
import { randomParams } from '../helpers/events.js';
import { HTTP_ALLOWED, type AllowedDisagreement } from './events-allowlist.js';

type J = any;

const SEEDS = 20;
const nameOf = (t: EventTemplate) => `${t.source} ${t.type}`;

/** The Powertools schema for each template; null where the package has none (CloudFront, AppSync authorizers). */
const SCHEMAS: Record<string, ZodType | null> = {
  'apigateway rest': APIGatewayProxyEventSchema,
  'apigateway rest-iam': APIGatewayProxyEventSchema,
  'apigateway rest-cognito': APIGatewayProxyEventSchema,
  'apigateway rest-lambda-authorizer': APIGatewayProxyEventSchema,
  'apigateway http': APIGatewayProxyEventV2Schema,
  'apigateway http-jwt': APIGatewayProxyEventV2Schema,
  'apigateway http-iam': APIGatewayProxyEventV2Schema,
  'apigateway http-lambda-authorizer': APIGatewayProxyEventV2Schema,
  'apigateway authorizer-token': APIGatewayTokenAuthorizerEventSchema,
  'apigateway authorizer-request': APIGatewayRequestAuthorizerEventSchema,
  'apigateway authorizer-request-v2': APIGatewayRequestAuthorizerEventV2Schema,
  'apigateway websocket-connect': APIGatewayProxyWebsocketEventSchema,
  'apigateway websocket-message': APIGatewayProxyWebsocketEventSchema,
  'apigateway websocket-disconnect': APIGatewayProxyWebsocketEventSchema,
  'lambda function-url': LambdaFunctionUrlSchema,
  'alb request': AlbSchema,
  'alb request-multi-value': AlbMultiValueHeadersSchema,
  'cloudfront viewer-request': null,
  'cloudfront origin-request': null,
  'cloudfront origin-response': null,
  'cloudfront viewer-response': null,
  'appsync resolver': AppSyncResolverSchema,
  'appsync authorizer': null,
};

interface Render {
  label: string;
  params: J;
  event: J;
}

/** Defaults, then SEEDS randomised parameter sets, each rendered through the catalogue as the CLI and API do. */
const renders = new Map<EventTemplate, Render[]>();
function rendersOf(t: EventTemplate): Render[] {
  let list = renders.get(t);
  if (!list) {
    const sets = [{ label: 'defaults', given: {} as Record<string, unknown> }];
    for (let seed = 1; seed <= SEEDS; seed++) sets.push({ label: `seed ${seed}`, given: randomParams(t, seed) });
    list = sets.map(({ label, given }) => {
      const params = Object.fromEntries(t.params.map((p) => [p.name, p.name in given ? given[p.name] : p.default]));
      return { label, params, event: JSON.parse(JSON.stringify(renderEvent(t.source, t.type, given))) };
    });
    renders.set(t, list);
  }
  return list;
}

const allowed = (t: EventTemplate, oracle: 'zod' | 'types') => HTTP_ALLOWED.filter((a) => a.template === nameOf(t) && a.oracle === oracle);
const tokens = (a: AllowedDisagreement) => a.detail.split(/\s+/).filter(Boolean);
const at = (obj: J, path: string): unknown => path.split('.').reduce<J>((o, k) => (o === null || o === undefined ? undefined : o[k]), obj);

/** Every Zod issue of every render, by path; and which allow-list tokens they used. */
function zodIssues(t: EventTemplate) {
  const schema = SCHEMAS[nameOf(t)];
  const unexpected: string[] = [];
  const used = new Set<string>();
  if (!schema) return { unexpected, used };
  const forgiven = new Set(allowed(t, 'zod').flatMap(tokens));
  for (const r of rendersOf(t)) {
    const result = schema.safeParse(r.event);
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      const value = at(r.event, path);
      if (forgiven.has(path) && (value === null || value === undefined)) used.add(path);
      else unexpected.push(`${r.label}: ${path || '(root)'}: ${issue.message}`);
    }
  }
  return { unexpected, used };
}

// ---- formats ----

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function clfMillis(s: string): number {
  const m = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000$/.exec(s);
  expect(m, `CLF time ${s}`).not.toBeNull();
  const [, d, mon, y, hh, mm, ss] = m!;
  expect(MONTHS).toContain(mon);
  return Date.UTC(Number(y), MONTHS.indexOf(mon!), Number(d), Number(hh), Number(mm), Number(ss));
}
function javaDateMillis(s: string): number {
  const m = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(s);
  expect(m, `Java date ${s}`).not.toBeNull();
  const [, , mon, d, hh, mm, ss, y] = m!;
  const t = Date.UTC(Number(y), MONTHS.indexOf(mon!), Number(d), Number(hh), Number(mm), Number(ss));
  expect(new Date(t).toUTCString().slice(0, 3)).toBe(m![1]);
  return t;
}
function amzDateMillis(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  expect(m, `X-Amz-Date ${s}`).not.toBeNull();
  const [, y, mo, d, hh, mm, ss] = m!.map(Number);
  return Date.UTC(y!, mo! - 1, d!, hh!, mm!, ss!);
}
const HTTP_DATE = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const APIGW_ID = /^[A-Za-z0-9+/]{15}=$/;

/** Within a minute of now (seconds resolution allowed for). */
function isNow(ms: number, what: string) {
  expect(Math.abs(Date.now() - ms), `${what} is now`).toBeLessThan(61_000);
}

const partition = (region: string) => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');
const dns = (region: string) => (region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');

/** A name → value(s) parameter as name → list of strings. */
function norm(v: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, x] of Object.entries((v ?? {}) as Record<string, unknown>)) out[k] = (Array.isArray(x) ? x : [x]).map((y) => (typeof y === 'string' ? y : JSON.stringify(y)));
  return out;
}
function parseQuery(raw: string, decode: (s: string) => string = decodeURIComponent): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (raw === '') return out;
  for (const pair of raw.split('&')) {
    const i = pair.indexOf('=');
    const [k, v] = i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 1)];
    (out[decode(k)] ??= []).push(decode(v));
  }
  return out;
}
const last = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([k, vs]) => [k, vs.at(-1)]));
const joinedMap = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([k, vs]) => [k, vs.join(',')]));
const decode64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
const lowerKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
const jwtPayload = (token: string) => JSON.parse(Buffer.from(token.replace(/^Bearer /, '').split('.')[1]!, 'base64url').toString('utf8'));

/** The path back from a resource or route template and its path parameters. */
const fillTemplate = (template: string, params: Record<string, string> | null | undefined) =>
  template.replace(/\{([^}+]+)\+?\}/g, (_, n: string) => params?.[n] ?? `{missing ${n}}`);

/** Every ARN in the event names the parameters' partition, region and account (IAM and STS ones the caller's account, no region). */
function checkArns(event: J, p: J) {
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.startsWith('arn:')) {
      const [, part, service, region, account] = v.split(':');
      expect(part, v).toBe(partition(p.region));
      if (service === 'iam' || service === 'sts') {
        expect(region, v).toBe('');
        expect([p.callerAccount, p.account], v).toContain(account);
      } else {
        expect(region, v).toBe(p.region);
        expect(account, v).toBe(p.account);
      }
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(event);
}

/** A SigV4 Authorization header: scope of today, the region and the service; X-Amz-Date now. */
function checkSigV4(headers: Record<string, string>, p: J, service: string) {
  const h = lowerKeys(headers) as Record<string, string>;
  const date = h['x-amz-date']!;
  isNow(amzDateMillis(date), 'X-Amz-Date');
  expect(h['authorization']).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=A[KS]IA[A-Z0-9]{16}/${date.slice(0, 8)}/${p.region}/${service}/aws4_request, SignedHeaders=[a-z;-]+, Signature=[0-9a-f]{64}$`));
}

function checkBody(e: J, p: J, binary: boolean) {
  if (p.body === '') {
    expect(e.body ?? null).toBeNull();
    expect(e.isBase64Encoded).toBe(false);
    return;
  }
  expect(e.isBase64Encoded).toBe(binary);
  expect(binary ? decode64(e.body) : e.body).toBe(p.body);
}

function checkCognitoTimes(iat: number, exp: number, authTime: number) {
  expect(iat).toBeLessThanOrEqual(Date.now());
  expect(exp).toBeGreaterThan(Date.now());
  expect(authTime).toBe(iat);
}

// ---- per family ----

function checkRest(t: EventTemplate, e: J, p: J) {
  const rc = e.requestContext;
  const domain = p.domainName || `${p.apiId}.execute-api.${p.region}.${dns(p.region)}`;
  expect([e.httpMethod, rc.httpMethod]).toEqual([p.method, p.method]);
  expect([e.path, e.resource, rc.resourcePath]).toEqual([p.path, p.resource, p.resource]);
  expect(fillTemplate(e.resource, e.pathParameters)).toBe(p.path);
  expect(rc.path).toBe(p.domainName ? p.path : `/${p.stage}${p.path}`);
  expect([rc.accountId, rc.apiId, rc.stage]).toEqual([p.account, p.apiId, p.stage]);
  expect([rc.domainName, rc.domainPrefix, e.headers.Host]).toEqual([domain, domain.split('.')[0], domain]);
  expect(rc.requestId).toMatch(UUID);
  expect(rc.extendedRequestId).toMatch(APIGW_ID);
  isNow(rc.requestTimeEpoch, 'requestTimeEpoch');
  isNow(clfMillis(rc.requestTime), 'requestTime');
  expect(Math.floor(rc.requestTimeEpoch / 1000) * 1000).toBe(clfMillis(rc.requestTime));
  // Single-value maps are the multi-value ones' last values.
  expect(Object.keys(e.headers)).toEqual(Object.keys(e.multiValueHeaders));
  expect(e.headers).toEqual(last(e.multiValueHeaders));
  const query = norm(p.query);
  const empty = t.type === 'authorizer-request' ? {} : null;
  expect(e.multiValueQueryStringParameters).toEqual(Object.keys(query).length ? query : empty);
  expect(e.queryStringParameters).toEqual(Object.keys(query).length ? last(query) : empty);
  expect(e.stageVariables).toEqual(Object.keys(p.stageVariables).length ? p.stageVariables : empty);
  for (const [k, vs] of Object.entries(norm(p.headers))) {
    if (!/^(host|user-agent|content-length|authorization|x-amz-date|x-forwarded-.*|x-amzn-trace-id)$/i.test(k)) expect(e.multiValueHeaders[k]).toEqual(vs);
  }
  expect([rc.identity.sourceIp, e.headers['X-Forwarded-For'], rc.identity.userAgent, e.headers['User-Agent']]).toEqual([p.sourceIp, p.sourceIp, p.userAgent, p.userAgent]);
  if (t.type === 'authorizer-request') {
    expect(e.methodArn).toBe(`arn:${partition(p.region)}:execute-api:${p.region}:${p.account}:${p.apiId}/${p.stage}/${p.method}${p.path}`);
    expect('body' in e).toBe(false);
    return;
  }
  checkBody(e, p, p.binary);
  expect(e.headers['Content-Length']).toBe(p.body === '' ? undefined : String(Buffer.byteLength(p.body)));
  if (t.type === 'rest' || t.type === 'authorizer-request') expect('authorizer' in rc).toBe(false);
  if (t.type === 'rest-iam') {
    const id = rc.identity;
    expect(id.userArn).toBe(`arn:${partition(p.region)}:iam::${p.callerAccount}:user/${p.iamUser}`);
    expect([id.accountId, id.user]).toEqual([p.callerAccount, id.caller]);
    expect(e.headers.Authorization).toContain(`Credential=${id.accessKey}/`);
    checkSigV4(e.headers, p, 'execute-api');
  }
  if (t.type === 'rest-cognito') {
    const c = rc.authorizer.claims;
    for (const v of Object.values(c)) expect(typeof v).toBe('string');
    expect(c.iss).toBe(`https://cognito-idp.${p.region}.${dns(p.region)}/${p.region}_${p.userPool}`);
    expect([c['cognito:username'], c.aud, c.email, c.token_use]).toEqual([p.username, p.clientId, p.email, 'id']);
    expect(c['cognito:groups']).toBe(p.groups.length ? p.groups.join(',') : undefined);
    for (const [k, v] of Object.entries(p.claims)) expect(c[k]).toBe(String(v));
    checkCognitoTimes(javaDateMillis(c.iat), javaDateMillis(c.exp), Number(c.auth_time) * 1000);
    const token = jwtPayload(e.headers.Authorization);
    expect([token.sub, token.iss, token.aud]).toEqual([c.sub, c.iss, c.aud]);
  }
  if (t.type === 'rest-lambda-authorizer') {
    const a = rc.authorizer;
    expect(a.principalId).toBe(p.principalId);
    expect(typeof a.integrationLatency).toBe('number');
    for (const [k, v] of Object.entries(p.authorizerContext)) expect(a[k]).toBe(String(v));
  }
}

function checkV2(t: EventTemplate, e: J, p: J) {
  const rc = e.requestContext;
  const url = t.source === 'lambda';
  const domain = url ? `${p.urlId}.lambda-url.${p.region}.on.aws` : p.domainName || `${p.apiId}.execute-api.${p.region}.${dns(p.region)}`;
  const stage = url ? '$default' : p.stage;
  const routeKey = url ? '$default' : p.routeKey;
  expect(e.version).toBe('2.0');
  expect([e.routeKey, rc.routeKey, rc.stage]).toEqual([routeKey, routeKey, stage]);
  expect(e.rawPath).toBe(url || p.domainName || stage === '$default' ? p.path : `/${stage}${p.path}`);
  expect(rc.http.path).toBe(e.rawPath);
  if (routeKey !== '$default') expect(fillTemplate(routeKey.split(' ')[1], e.pathParameters)).toBe(p.path);
  else expect(e.pathParameters).toBeUndefined();
  expect([rc.domainName, rc.domainPrefix, e.headers.host]).toEqual([domain, domain.split('.')[0], domain]);
  expect(rc.http.method).toBe(p.method);
  expect([rc.http.sourceIp, e.headers['x-forwarded-for'], rc.http.userAgent, e.headers['user-agent']]).toEqual([p.sourceIp, p.sourceIp, p.userAgent, p.userAgent]);
  isNow(rc.timeEpoch, 'timeEpoch');
  isNow(clfMillis(rc.time), 'time');
  expect(Math.floor(rc.timeEpoch / 1000) * 1000).toBe(clfMillis(rc.time));
  // Header names lower-cased, repeated values comma-joined, cookies moved out.
  for (const k of Object.keys(e.headers)) expect(k).toBe(k.toLowerCase());
  const clientHeaders = lowerKeys(norm(p.headers)) as Record<string, string[]>;
  const cookies = (clientHeaders['cookie'] ?? []).flatMap((c) => c.split(';').map((x) => x.trim())).filter(Boolean);
  expect(e.cookies).toEqual(cookies.length ? cookies : undefined);
  expect(e.headers.cookie).toBeUndefined();
  for (const [k, vs] of Object.entries(clientHeaders)) {
    if (!/^(cookie|host|user-agent|content-length|authorization|x-amz-date|x-forwarded-.*|x-amzn-trace-id)$/.test(k)) expect(e.headers[k]).toBe(vs.join(','));
  }
  // The raw query string and the map agree, and both are the parameters'.
  const query = norm(p.query);
  expect(parseQuery(e.rawQueryString)).toEqual(query);
  expect(e.queryStringParameters).toEqual(Object.keys(query).length ? joinedMap(query) : undefined);
  expect(e.stageVariables).toEqual(!url && Object.keys(p.stageVariables).length ? p.stageVariables : undefined);
  if (t.type === 'authorizer-request-v2') {
    expect(e.routeArn).toBe(`arn:${partition(p.region)}:execute-api:${p.region}:${p.account}:${p.apiId}/${p.stage}/${p.method}${p.path}`);
    const values = p.identitySource.map((s: string) => {
      const [, where, name] = /^\$(request\.header|request\.querystring|stageVariables)\.(.+)$/.exec(s)!;
      return where === 'request.header' ? e.headers[name!.toLowerCase()] : where === 'request.querystring' ? e.queryStringParameters[name!] : e.stageVariables[name!];
    });
    expect(e.identitySource).toEqual(values);
    expect('body' in e).toBe(false);
    expect(rc.requestId).toMatch(APIGW_ID);
    return;
  }
  if (p.body === '') expect([e.body, e.isBase64Encoded, e.headers['content-length']]).toEqual([undefined, false, undefined]);
  else {
    expect(e.isBase64Encoded).toBe(p.binary);
    expect(p.binary ? decode64(e.body) : e.body).toBe(p.body);
    expect(e.headers['content-length']).toBe(String(Buffer.byteLength(p.body)));
  }
  const iamAuth = t.type === 'http-iam' || (url && p.authType === 'AWS_IAM');
  if (url) {
    expect(rc.requestId).toMatch(UUID);
    expect(rc.accountId).toBe(iamAuth ? p.account : 'anonymous');
    expect(rc.apiId).toBe(p.urlId);
    expect(rc.authentication).toBeNull();
    if (!iamAuth) expect(rc.authorizer).toBeUndefined();
  } else {
    expect([rc.accountId, rc.apiId]).toEqual([p.account, p.apiId]);
    expect(rc.requestId).toMatch(APIGW_ID);
  }
  if (t.type === 'http') expect(rc.authorizer).toBeUndefined();
  if (iamAuth) {
    const iam = rc.authorizer.iam;
    expect(iam.userArn).toBe(`arn:${partition(p.region)}:iam::${p.callerAccount}:user/${p.iamUser}`);
    expect([iam.accountId, iam.userId, iam.cognitoIdentity]).toEqual([p.callerAccount, iam.callerId, null]);
    expect(iam.principalOrgId).toBe(url ? null : p.orgId);
    expect(e.headers.authorization).toContain(`Credential=${iam.accessKey}/`);
    checkSigV4(e.headers, p, url ? 'lambda' : 'execute-api');
  }
  if (t.type === 'http-jwt') {
    const { claims, scopes } = rc.authorizer.jwt;
    for (const v of Object.values(claims)) expect(typeof v).toBe('string');
    expect(scopes).toEqual(p.scopes.length ? p.scopes : null);
    expect(claims.scope).toBe(p.scopes.length ? p.scopes.join(' ') : undefined);
    expect(claims['cognito:groups']).toBe(p.groups.length ? `[${p.groups.join(' ')}]` : undefined);
    expect(claims.iss).toBe(`https://cognito-idp.${p.region}.${dns(p.region)}/${p.region}_${p.userPool}`);
    expect([claims.username, claims.client_id, claims.token_use]).toEqual([p.username, p.clientId, 'access']);
    checkCognitoTimes(Number(claims.iat) * 1000, Number(claims.exp) * 1000, Number(claims.auth_time) * 1000);
    expect(jwtPayload(e.headers.authorization).jti).toBe(claims.jti);
  }
  if (t.type === 'http-lambda-authorizer') expect(rc.authorizer.lambda).toEqual(p.authorizerContext);
}

function checkWebSocket(t: EventTemplate, e: J, p: J) {
  const rc = e.requestContext;
  const domain = `${p.apiId}.execute-api.${p.region}.${dns(p.region)}`;
  const kind = t.type.replace('websocket-', '');
  expect(rc.eventType).toBe(kind.toUpperCase());
  expect(rc.routeKey).toBe(kind === 'message' ? p.routeKey : `$${kind}`);
  expect([rc.domainName, rc.apiId, rc.stage, rc.connectionId, rc.messageDirection]).toEqual([domain, p.apiId, p.stage, p.connectionId, 'IN']);
  expect([rc.identity.sourceIp, rc.identity.userAgent]).toEqual([p.sourceIp, p.userAgent]);
  expect(rc.requestId).toMatch(APIGW_ID);
  expect(rc.extendedRequestId).toBe(rc.requestId);
  isNow(rc.requestTimeEpoch, 'requestTimeEpoch');
  isNow(clfMillis(rc.requestTime), 'requestTime');
  expect(Math.floor(rc.requestTimeEpoch / 1000) * 1000).toBe(clfMillis(rc.requestTime));
  expect(rc.connectedAt).toBe(kind === 'connect' ? rc.requestTimeEpoch : rc.requestTimeEpoch - p.connectedFor * 1000);
  expect('messageId' in rc).toBe(kind === 'message');
  if (kind === 'message') {
    expect(rc.messageId).toMatch(APIGW_ID);
    expect(e.headers).toBeUndefined();
    checkBody(e, p, p.binary);
    return;
  }
  expect(e.isBase64Encoded).toBe(false);
  expect(e.headers.Host).toBe(domain);
  expect(e.headers).toEqual(last(e.multiValueHeaders));
  if (kind === 'connect') {
    const query = norm(p.query);
    expect(e.multiValueQueryStringParameters).toEqual(Object.keys(query).length ? query : undefined);
    expect(e.queryStringParameters).toEqual(Object.keys(query).length ? last(query) : undefined);
    expect([e.headers['Sec-WebSocket-Version'], e.headers['X-Forwarded-For']]).toEqual(['13', p.sourceIp]);
  } else {
    expect([rc.disconnectStatusCode, rc.disconnectReason]).toEqual([p.statusCode, p.reason]);
  }
}

const ALB_TEXT = /^(text\/[^;]*|application\/(json|javascript|xml))\s*(;|$)/i;

function checkAlb(t: EventTemplate, e: J, p: J, label: string) {
  const multiValue = t.type === 'request-multi-value';
  expect(e.requestContext.elb.targetGroupArn).toMatch(new RegExp(`^arn:${partition(p.region)}:elasticloadbalancing:${p.region}:${p.account}:targetgroup/${p.targetGroup}/[0-9a-f]{16}$`));
  expect([e.httpMethod, e.path]).toEqual([p.method, p.path]);
  const headers: Record<string, string[]> = multiValue ? e.multiValueHeaders : Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, [v as string]]));
  for (const k of Object.keys(headers)) expect(k).toBe(k.toLowerCase());
  expect(headers['host']![0]).toMatch(new RegExp(`^${p.loadBalancer}-\\d{10}\\.${p.region}\\.elb\\.${dns(p.region).replace(/\./g, '\\.')}$`));
  expect([headers['x-forwarded-for'], headers['user-agent']]).toEqual([[p.sourceIp], [p.userAgent]]);
  // ALBs keep the query as the client encoded it.
  const query = norm(p.query);
  const sent: Record<string, string[]> = multiValue ? e.multiValueQueryStringParameters : Object.fromEntries(Object.entries(e.queryStringParameters).map(([k, v]) => [k, [v as string]]));
  const decoded = Object.fromEntries(Object.entries(sent).map(([k, vs]) => [decodeURIComponent(k), vs.map(decodeURIComponent)]));
  expect(decoded).toEqual(multiValue ? query : Object.fromEntries(Object.entries(query).map(([k, vs]) => [k, [vs.at(-1)]])));
  // Text content types pass as they are, every other body base64-encoded; no body is "".
  const contentType = (lowerKeys(norm(p.headers)) as Record<string, string[]>)['content-type']?.at(-1) ?? '';
  if (p.body === '') expect([e.body, e.isBase64Encoded]).toEqual(['', false]);
  else {
    expect(e.isBase64Encoded).toBe(!ALB_TEXT.test(contentType));
    expect(e.isBase64Encoded ? decode64(e.body) : e.body).toBe(p.body);
  }
  // The two formats of one request agree: the single-value one keeps the last values.
  if (!multiValue) {
    const given = label === 'defaults' ? {} : randomParams(t, Number(label.replace('seed ', '')));
    const m: J = renderEvent('alb', 'request-multi-value', given);
    const withoutTrace = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'x-amzn-trace-id'));
    expect(withoutTrace(e.headers)).toEqual(withoutTrace(last(m.multiValueHeaders)));
    expect(e.queryStringParameters).toEqual(last(m.multiValueQueryStringParameters));
    expect([e.body, e.isBase64Encoded, e.requestContext]).toEqual([m.body, m.isBase64Encoded, m.requestContext]);
  }
}

function checkCloudFront(t: EventTemplate, e: J, p: J) {
  expect(e.Records).toHaveLength(1);
  const cf = e.Records[0].cf;
  expect(cf.config).toEqual({ distributionDomainName: p.distributionDomainName, distributionId: p.distributionId, eventType: t.type, requestId: expect.stringMatching(/^[A-Za-z0-9_-]{54}==$/) });
  const atOrigin = t.type.startsWith('origin');
  const req = cf.request;
  expect([req.clientIp, req.method, req.uri]).toEqual([p.clientIp, p.method, p.uri]);
  expect(parseQuery(req.querystring)).toEqual(norm(p.query));
  const checkHeaders = (h: J) => {
    for (const [k, list] of Object.entries<J[]>(h)) {
      expect(k).toBe(k.toLowerCase());
      for (const entry of list) expect(entry.key.toLowerCase()).toBe(k);
    }
  };
  checkHeaders(req.headers);
  const originHost = p.originType === 'custom' ? p.originDomain : `${p.bucket}.s3.amazonaws.com`;
  expect(req.headers.host).toEqual([{ key: 'Host', value: atOrigin ? originHost : p.distributionDomainName }]);
  if (atOrigin) {
    expect(Object.keys(req.origin)).toEqual([p.originType]);
    expect(req.origin[p.originType].domainName).toBe(originHost);
    expect(req.headers['x-forwarded-for']).toEqual([{ key: 'X-Forwarded-For', value: p.clientIp }]);
  } else {
    expect(req.origin).toBeUndefined();
    expect(req.headers['user-agent']).toEqual([{ key: 'User-Agent', value: p.userAgent }]);
  }
  for (const [k, vs] of Object.entries(norm(p.headers))) {
    if (!/^(host|user-agent|via|x-forwarded-for)$/i.test(k)) expect(req.headers[k.toLowerCase()].map((x: J) => x.value)).toEqual(vs);
  }
  if (t.type.endsWith('request') && p.includeBody) {
    expect([req.body.encoding, req.body.action, req.body.inputTruncated]).toEqual(['base64', 'read-only', false]);
    expect(decode64(req.body.data)).toBe(p.body);
  } else expect(req.body).toBeUndefined();
  if (t.type.endsWith('response')) {
    const res = cf.response;
    expect(res.status).toBe(String(p.status));
    expect(res.statusDescription).toBe(STATUS_CODES[p.status]);
    checkHeaders(res.headers);
    expect(res.headers.date[0].value).toMatch(HTTP_DATE);
    isNow(Date.parse(res.headers.date[0].value), 'Date');
    for (const [k, vs] of Object.entries(norm(p.responseHeaders))) expect(res.headers[k.toLowerCase()].map((x: J) => x.value)).toEqual(vs);
  } else expect(cf.response).toBeUndefined();
}

function checkAppSync(t: EventTemplate, e: J, p: J) {
  const host = `${p.endpointId}.appsync-api.${p.region}.${dns(p.region)}`;
  if (t.type === 'authorizer') {
    expect([e.authorizationToken, e.requestHeaders.authorization]).toEqual([p.token, p.token]);
    expect([e.requestContext.apiId, e.requestContext.accountId, e.requestContext.queryString]).toEqual([p.apiId, p.account, p.query]);
    expect(e.requestContext.requestId).toMatch(UUID);
    expect(e.requestContext.variables).toEqual(p.variables);
    expect(e.requestContext.operationName).toBe(/^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(p.query)?.[1]);
    expect(e.requestHeaders.host).toBe(host);
    const body = JSON.stringify({ query: p.query, variables: p.variables, ...(e.requestContext.operationName ? { operationName: e.requestContext.operationName } : {}) });
    expect(e.requestHeaders['content-length']).toBe(String(Buffer.byteLength(body)));
    return;
  }
  const h = e.request.headers;
  expect(h.host).toBe(host);
  expect(e.request.domainName).toBeNull();
  expect([e.arguments, e.source, e.info.fieldName, e.info.parentTypeName]).toEqual([p.arguments, p.source, p.fieldName, p.parentTypeName]);
  // Every selected path and its parents, and each field in the GraphQL text.
  const expected = [...new Set(p.selection.flatMap((s: string) => s.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))))];
  expect([...e.info.selectionSetList].sort()).toEqual([...expected].sort());
  for (const s of expected as string[]) expect(e.info.selectionSetGraphQL).toMatch(new RegExp(`\\b${s.split('/').at(-1)}\\b`));
  const id = e.identity;
  switch (p.authMode) {
    case 'API_KEY':
      expect(id).toBeNull();
      expect(h['x-api-key']).toMatch(/^da2-[a-z0-9]{26}$/);
      break;
    case 'AMAZON_COGNITO_USER_POOLS': {
      expect(id.issuer).toBe(`https://cognito-idp.${p.region}.${dns(p.region)}/${p.region}_${p.userPool}`);
      expect([id.username, id.sub, id.sourceIp, id.groups]).toEqual([p.username, id.claims.sub, [p.sourceIp], p.groups.length ? p.groups : null]);
      expect([id.claims.iss, id.claims['cognito:username'], id.claims.aud, id.claims.email]).toEqual([id.issuer, p.username, p.clientId, p.email]);
      checkCognitoTimes(id.claims.iat * 1000, id.claims.exp * 1000, id.claims.auth_time * 1000);
      expect(jwtPayload(h.authorization).sub).toBe(id.sub);
      break;
    }
    case 'AWS_IAM':
      expect(id.accountId).toBe(p.account);
      expect(id.cognitoIdentityPoolId.startsWith(`${p.region}:`) && id.cognitoIdentityId.startsWith(`${p.region}:`)).toBe(true);
      expect(id.cognitoIdentityAuthProvider).toContain(`cognito-idp.${p.region}.${dns(p.region)}/${p.region}_${p.userPool}`);
      expect(id.sourceIp).toEqual([p.sourceIp]);
      checkSigV4(h, p, 'appsync');
      break;
    default:
      expect(id).toEqual({ resolverContext: p.resolverContext });
  }
}

function check(t: EventTemplate, r: Render) {
  const { event: e, params: p } = r;
  checkArns(e, p);
  if (t.source === 'apigateway' && t.type.startsWith('rest')) checkRest(t, e, p);
  else if (t.type === 'authorizer-request') checkRest(t, e, p);
  else if (t.type === 'authorizer-token') {
    expect(e.methodArn).toBe(`arn:${partition(p.region)}:execute-api:${p.region}:${p.account}:${p.apiId}/${p.stage}/${p.method}${p.path}`);
    expect(e.authorizationToken).toBe(p.token);
  } else if (t.source === 'lambda' || t.type.startsWith('http') || t.type === 'authorizer-request-v2') checkV2(t, e, p);
  else if (t.type.startsWith('websocket')) checkWebSocket(t, e, p);
  else if (t.source === 'alb') checkAlb(t, e, p, r.label);
  else if (t.source === 'cloudfront') checkCloudFront(t, e, p);
  else if (t.source === 'appsync') checkAppSync(t, e, p);
  else throw new Error(`no semantic checks for ${nameOf(t)}`);
}

describe('http event templates', () => {
  it('are the 23 sources asked for, each with a decision about its Powertools schema', () => {
    expect(HTTP_TEMPLATES.map(nameOf).sort()).toEqual(Object.keys(SCHEMAS).sort());
  });

  it('give samples or choices where the generic randomiser would make invalid values', () => {
    for (const t of HTTP_TEMPLATES) {
      for (const p of t.params) {
        if (/^(method|stage|path|uri|resource|routeKey|sourceIp|clientIp|apiId|status|headers|query|responseHeaders|selection|groups|scopes)$/.test(p.name)) {
          expect(Boolean(p.samples?.length || p.choices?.length), `${nameOf(t)} ${p.name}`).toBe(true);
        }
      }
    }
  });

  describe.each(HTTP_TEMPLATES.map((t) => [nameOf(t), t] as const))('%s', (_, t) => {
    it(`parses with its Powertools schema (${SCHEMAS[nameOf(t)] ? 'schema' : 'none exists'}), bar allow-listed disagreements`, () => {
      expect(zodIssues(t).unexpected).toEqual([]);
    });

    it('agrees with itself and its parameters', () => {
      for (const r of rendersOf(t)) {
        try {
          check(t, r);
        } catch (err) {
          throw new Error(`${nameOf(t)} (${r.label}, params ${JSON.stringify(r.params)}): ${(err as Error).message}`);
        }
      }
    });
  });

  it('refuses requests the service would not pass on, saying why', () => {
    expect(() => renderEvent('apigateway', 'rest', { path: '/' })).toThrow('does not match the resource "/{proxy+}"');
    expect(() => renderEvent('apigateway', 'http', { routeKey: 'GET /pets/{id}', method: 'POST' })).toThrow('does not match the route');
    expect(() => renderEvent('apigateway', 'authorizer-request-v2', { headers: {} })).toThrow('would answer 401');
    expect(() => renderEvent('apigateway', 'rest-lambda-authorizer', { authorizerContext: { nested: { a: 1 } } })).toThrow('strings, numbers or booleans');
    expect(() => renderEvent('lambda', 'function-url', { region: 'cn-north-1' })).toThrow('China');
    expect(() => renderEvent('cloudfront', 'viewer-request', { uri: 'index.html' })).toThrow('must start with "/"');
  });

  it('allow-list entries each still match a disagreement', () => {
    const names = new Set(HTTP_TEMPLATES.map(nameOf));
    for (const a of HTTP_ALLOWED) {
      expect(names.has(a.template), `${a.template}: no such http template`).toBe(true);
      expect(a.reason.length, `${a.template}: give a reason`).toBeGreaterThan(10);
      const t = HTTP_TEMPLATES.find((x) => nameOf(x) === a.template)!;
      if (a.oracle === 'zod') {
        const { used } = zodIssues(t);
        for (const token of tokens(a)) expect(used.has(token), `${a.template} zod ${token}: the schema no longer objects`).toBe(true);
      } else {
        for (const token of tokens(a)) {
          expect(token, `${a.template} types detail: +path or -path`).toMatch(/^[+-][\w.]+$/);
          const present = token.startsWith('+');
          const holds = rendersOf(t).some((r) => (at(r.event, token.slice(1)) !== undefined) === present);
          expect(holds, `${a.template} types ${token}: no render ${present ? 'has' : 'lacks'} it`).toBe(true);
        }
      }
    }
  });
});
