// Verification of the data-source event templates (S3, SNS, SQS, DynamoDB,
// Kinesis, Firehose, Kafka, MQ, CloudWatch Logs). Each template is rendered
// with its defaults and with 20 randomised parameter sets, then:
//  (a) parsed with Powertools' Zod schema for its source, where one exists;
//      the only tolerated failures are the reviewed DATA_ALLOWED entries, and
//      every such entry must still match something;
//  (b) checked for what the render derives: MD5s, URL-encoded keys, base64 and
//      gzip payloads, ARNs, timestamps in each field's format, distinct and
//      ordered batch records.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import {
  CloudWatchLogsSchema,
  DynamoDBStreamSchema,
  KafkaMskEventSchema,
  KafkaSelfManagedEventSchema,
  KinesisDataStreamSchema,
  KinesisFirehoseSchema,
  S3EventNotificationEventBridgeSchema,
  S3Schema,
  SnsSchema,
  SqsSchema,
} from '@aws-lambda-powertools/parser/schemas';
import { renderEvent, resolveParams } from '../../main/engine/events/catalog.js';
import { DATA_TEMPLATES } from '../../main/engine/events/catalog/data.js';
import { partitionOf, type EventTemplate, type ParamValues } from '../../main/engine/events/template.js';
import { randomParams, randomRecords } from '../helpers/events.js';
import { DATA_ALLOWED } from './events-allowlist.js';

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i * 37);
const keyOf = (t: EventTemplate): string => `${t.source} ${t.type}`;

interface Render {
  label: string;
  params: ParamValues;
  records: number;
  now: number;
  event: any;
}

const cache = new Map<string, Render[]>();
function renders(t: EventTemplate): Render[] {
  const hit = cache.get(keyOf(t));
  if (hit) return hit;
  const cases: { label: string; given: Record<string, unknown>; records: number }[] = [
    { label: 'defaults', given: {}, records: 1 },
    ...(t.batch ? [{ label: 'defaults, 3 records', given: {}, records: 3 }] : []),
    ...SEEDS.map((seed) => ({ label: `seed ${seed}`, given: randomParams(t, seed), records: randomRecords(t, seed) })),
  ];
  const out = cases.map(({ label, given, records }) => {
    const now = Date.now();
    return { label, params: resolveParams(t, given), records, now, event: renderEvent(t.source, t.type, given, records, new Date(now)) };
  });
  cache.set(keyOf(t), out);
  return out;
}

// ---------------------------------------------------------------------------
// (a) The Zod oracle, with the allow-list
// ---------------------------------------------------------------------------

/** Powertools' schema for each template; null where the package has none. */
const SCHEMAS: Record<string, ZodType | null> = {
  's3 put': S3Schema,
  's3 copy': S3Schema,
  's3 delete': S3Schema,
  's3 restore': S3Schema,
  's3 lifecycle-expiration': S3Schema,
  's3 replication': S3Schema,
  's3 eventbridge': S3EventNotificationEventBridgeSchema,
  's3 batch-operations': null,
  'sns notification': SnsSchema,
  'sqs message': SqsSchema,
  'dynamodb insert': DynamoDBStreamSchema,
  'dynamodb modify': DynamoDBStreamSchema,
  'dynamodb remove': DynamoDBStreamSchema,
  'kinesis record': KinesisDataStreamSchema,
  'firehose transformation': KinesisFirehoseSchema,
  'kafka msk': KafkaMskEventSchema,
  'kafka self-managed': KafkaSelfManagedEventSchema,
  'mq activemq': null,
  'mq rabbitmq': null,
  'cloudwatch-logs subscription': CloudWatchLogsSchema,
};

/** A Zod issue path as the allow-list writes it: `Records[].s3.object.size`. */
const pathOf = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[]` : s ? `${s}.${String(p)}` : String(p)), '');

interface ZodOutcome {
  parsed: any;
  /** Issue paths not covered by the allow-list. */
  unexpected: string[];
  /** Allow-list entries (by index in DATA_ALLOWED) that covered an issue. */
  used: number[];
}

function zodCheck(t: EventTemplate, event: unknown): ZodOutcome {
  const schema = SCHEMAS[keyOf(t)];
  if (!schema) return { parsed: undefined, unexpected: [], used: [] };
  const result = schema.safeParse(event);
  if (result.success) return { parsed: result.data, unexpected: [], used: [] };
  const unexpected: string[] = [];
  const used: number[] = [];
  for (const issue of result.error.issues) {
    const path = pathOf(issue.path);
    const entry = DATA_ALLOWED.findIndex((a) => a.oracle === 'zod' && a.template === keyOf(t) && a.detail === path);
    if (entry < 0) unexpected.push(`${path}: ${issue.message}`);
    else used.push(entry);
  }
  return { parsed: undefined, unexpected, used };
}

/** The values at an allow-list path (`a[].b.c`) in an event, one per array element reached. */
function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const part of path.split('.')) {
    const isArray = part.endsWith('[]');
    const name = isArray ? part.slice(0, -2) : part;
    current = current.flatMap((v) => {
      if (v === null || typeof v !== 'object') return [];
      const next = (v as Record<string, unknown>)[name];
      return isArray ? (Array.isArray(next) ? next : []) : [next];
    });
  }
  return current;
}

// ---------------------------------------------------------------------------
// (b) Semantic checks
// ---------------------------------------------------------------------------

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const unbase64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');
/** S3's notification encoding of a key, written independently of the template's helper. */
const s3Encoded = (key: string): string =>
  key
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%20/g, '+'))
    .join('/');
const s3Decoded = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));
/** A batch record's body: the parameter, told apart by index in a batch. */
function bodyOf(text: string, i: number, n: number): string {
  if (n === 1) return text;
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return JSON.stringify({ ...v, index: i });
  } catch {
    /* plain text */
  }
  return `${text} #${i + 1}`;
}
const flat = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' || typeof x === 'number' ? String(x) : JSON.stringify(x)]))
    : {};
const bytesOf = (s: string): number[] => [...Buffer.from(s, 'utf8')];

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_S = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A time within a minute of the render. */
function near(r: Render, ms: number, what: string): void {
  expect(Math.abs(ms - r.now), `${what} (${ms}) is within a minute of now`).toBeLessThan(60_000);
}
const isoNear = (r: Render, v: unknown, what: string) => {
  expect(v, what).toMatch(ISO_MS);
  near(r, Date.parse(v as string), what);
};
const distinct = (values: unknown[], what: string) => expect(new Set(values).size, `${what} distinct`).toBe(values.length);
const increasing = (values: string[], what: string) => {
  for (let i = 1; i < values.length; i++) expect(BigInt(values[i]!) > BigInt(values[i - 1]!), `${what} increasing`).toBe(true);
};

/** Every ARN in the event agrees with the region's partition, the region and the account. */
function checkArns(r: Render): void {
  const region = r.params.region as string | undefined;
  const account = r.params.account as string | undefined;
  const seen: string[] = [];
  const walk = (v: unknown, key: string, depth = 0): void => {
    if (typeof v === 'string' && v.startsWith('arn:')) {
      seen.push(v);
      const [, partition, , arnRegion, arnAccount] = v.split(':');
      if (region !== undefined) {
        expect(partition, `${key}: ${v}`).toBe(partitionOf(region));
        expect(['', region], `${key}: ${v}`).toContain(arnRegion);
      }
      if (account !== undefined) expect(['', account], `${key}: ${v}`).toContain(arnAccount);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key, depth + 1));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k, depth + 1);
    // `awsRegion` in records, `region` on the event itself (a user attribute may be called region too)
    if ((key === 'awsRegion' || (key === 'region' && depth === 1)) && typeof v === 'string' && region !== undefined) expect(v, key).toBe(region);
  };
  walk(r.event, '');
  if (region !== undefined && account !== undefined && !r.event.Records?.[0]?.s3 && !r.event.tasks && r.event.source !== 'aws.s3') {
    expect(seen.some((a) => a.split(':')[3] === region && a.split(':')[4] === account), 'some ARN names the region and account').toBe(true);
  }
}

type Verify = (r: Render, parsed: any) => void;
const p = (r: Render, name: string) => r.params[name] as any;

function verifyS3Notification(opts: { eventName: (r: Render) => string; version: string; byS3: boolean; sized: boolean; versionId: (r: Render) => boolean }): Verify {
  return (r) => {
    expect(r.event.Records).toHaveLength(1);
    const rec = r.event.Records[0];
    expect(rec.eventVersion).toBe(opts.version);
    expect(rec.eventSource).toBe('aws:s3');
    expect(rec.eventName).toBe(opts.eventName(r));
    isoNear(r, rec.eventTime, 'eventTime');
    expect(rec.s3.object.key).toBe(s3Encoded(p(r, 'key')));
    expect(s3Decoded(rec.s3.object.key)).toBe(p(r, 'key'));
    expect(rec.s3.bucket.name).toBe(p(r, 'bucket'));
    expect(rec.s3.bucket.arn).toBe(`arn:${partitionOf(p(r, 'region'))}:s3:::${p(r, 'bucket')}`);
    expect(rec.s3.configurationId).toBe(p(r, 'configurationId'));
    expect(rec.s3.object.sequencer).toMatch(/^[0-9A-F]{18}$/);
    if (opts.sized) {
      expect(rec.s3.object.size).toBe(p(r, 'size'));
      expect(rec.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
    } else {
      expect(rec.s3.object).not.toHaveProperty('size');
      expect(rec.s3.object).not.toHaveProperty('eTag');
    }
    expect('versionId' in rec.s3.object, 'versionId present').toBe(opts.versionId(r));
    expect(rec.requestParameters.sourceIPAddress).toBe(opts.byS3 ? 's3.amazonaws.com' : p(r, 'sourceIp'));
    if (opts.byS3) expect(rec.userIdentity.principalId).toBe('s3.amazonaws.com');
    expect(rec.responseElements['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
  };
}

const VERIFY: Record<string, Verify> = {
  's3 put': verifyS3Notification({ eventName: (r) => `ObjectCreated:${p(r, 'operation')}`, version: '2.1', byS3: false, sized: true, versionId: (r) => p(r, 'versioned') }),
  's3 copy': verifyS3Notification({ eventName: () => 'ObjectCreated:Copy', version: '2.1', byS3: false, sized: true, versionId: (r) => p(r, 'versioned') }),
  's3 delete': verifyS3Notification({
    eventName: (r) => (p(r, 'deleteMarker') ? 'ObjectRemoved:DeleteMarkerCreated' : 'ObjectRemoved:Delete'),
    version: '2.1',
    byS3: false,
    sized: false,
    versionId: (r) => p(r, 'versioned') || p(r, 'deleteMarker'),
  }),
  's3 lifecycle-expiration': verifyS3Notification({
    eventName: (r) => (p(r, 'deleteMarker') ? 'LifecycleExpiration:DeleteMarkerCreated' : 'LifecycleExpiration:Delete'),
    version: '2.3',
    byS3: true,
    sized: false,
    versionId: (r) => p(r, 'versioned') || p(r, 'deleteMarker'),
  }),
  's3 restore': (r) => {
    verifyS3Notification({ eventName: () => 'ObjectRestore:Completed', version: '2.1', byS3: true, sized: true, versionId: (x) => p(x, 'versioned') })(r, undefined);
    const data = r.event.Records[0].glacierEventData.restoreEventData;
    expect(data.lifecycleRestoreStorageClass).toBe(p(r, 'storageClass'));
    expect(data.lifecycleRestorationExpiryTime).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
    const expiry = Date.parse(data.lifecycleRestorationExpiryTime);
    const days = p(r, 'days') as number;
    expect(expiry).toBeGreaterThan(r.now + days * 86_400_000);
    expect(expiry).toBeLessThanOrEqual(r.now + (days + 1) * 86_400_000);
  },
  's3 replication': (r) => {
    verifyS3Notification({ eventName: () => 'Replication:OperationFailedReplication', version: '2.2', byS3: true, sized: true, versionId: () => true })(r, undefined);
    const rec = r.event.Records[0];
    expect(rec.s3.bucket.ownerIdentity.principalId).toBe(p(r, 'account'));
    const data = rec.replicationEventData;
    expect(data.destinationBucket).toBe(`arn:${partitionOf(p(r, 'region'))}:s3:::${p(r, 'destinationBucket')}`);
    expect(data.replicationRuleId).toBe(p(r, 'rule'));
    expect(data.failureReason).toBe(p(r, 'failureReason'));
    expect(data.s3Operation).toBe('OBJECT_PUT');
    isoNear(r, data.requestTime, 'requestTime');
    expect(Date.parse(data.requestTime)).toBeLessThan(Date.parse(rec.eventTime));
  },
  's3 eventbridge': (r) => {
    const e = r.event;
    expect(e.source).toBe('aws.s3');
    expect(e['detail-type']).toBe('Object Created');
    expect(e.id).toMatch(UUID);
    expect(e.time).toMatch(ISO_S);
    near(r, Date.parse(e.time), 'time');
    expect(e.account).toBe(p(r, 'account'));
    expect(e.resources).toEqual([`arn:${partitionOf(p(r, 'region'))}:s3:::${p(r, 'bucket')}`]);
    expect(e.detail.bucket.name).toBe(p(r, 'bucket'));
    expect(e.detail.object.key).toBe(s3Encoded(p(r, 'key')));
    expect(e.detail.object.size).toBe(p(r, 'size'));
    expect(e.detail.object.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(e.detail['source-ip-address']).toBe(p(r, 'sourceIp'));
    expect(e.detail.reason).toBe(p(r, 'reason'));
    expect(e.detail.requester).toBe(p(r, 'account'));
  },
  's3 batch-operations': (r) => {
    const e = r.event;
    expect(e.invocationSchemaVersion).toBe('1.0');
    expect(e.job.id).toMatch(UUID);
    expect(e.tasks).toHaveLength(1);
    expect(e.tasks[0].s3Key).toBe(s3Encoded(p(r, 'key')));
    expect(e.tasks[0].s3BucketArn).toBe(`arn:${partitionOf(p(r, 'region'))}:s3:::${p(r, 'bucket')}`);
    expect(e.tasks[0].s3VersionId === null).toBe(!p(r, 'versioned'));
  },
  'sns notification': (r) => {
    const recs = r.event.Records;
    expect(recs).toHaveLength(r.records);
    const region = p(r, 'region');
    const topicArn = `arn:${partitionOf(region)}:sns:${region}:${p(r, 'account')}:${p(r, 'topic')}`;
    recs.forEach((rec: any, i: number) => {
      expect(rec.EventSource).toBe('aws:sns');
      expect(rec.EventSubscriptionArn.startsWith(`${topicArn}:`)).toBe(true);
      expect(rec.Sns.TopicArn).toBe(topicArn);
      expect(rec.Sns.Message).toBe(bodyOf(p(r, 'message'), i, r.records));
      expect(rec.Sns.Subject).toBe(p(r, 'subject') === '' ? null : p(r, 'subject'));
      isoNear(r, rec.Sns.Timestamp, 'Sns.Timestamp');
      expect(rec.Sns.MessageId).toMatch(UUID);
      const host = `https://sns.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`;
      expect(rec.Sns.UnsubscribeUrl).toBe(`${host}?Action=Unsubscribe&SubscriptionArn=${rec.EventSubscriptionArn}`);
      expect(rec.Sns.SigningCertUrl.startsWith(`${host}SimpleNotificationService-`)).toBe(true);
      expect(Buffer.from(rec.Sns.Signature, 'base64')).toHaveLength(256);
      const attrs = Object.fromEntries(Object.entries(rec.Sns.MessageAttributes).map(([k, v]: [string, any]) => [k, v.Value]));
      expect(attrs).toEqual(flat(p(r, 'attributes')));
    });
    distinct(recs.map((x: any) => x.Sns.MessageId), 'MessageId');
    distinct(recs.map((x: any) => x.Sns.Message), 'Message');
  },
  'sqs message': (r) => {
    const recs = r.event.Records;
    expect(recs).toHaveLength(r.records);
    const region = p(r, 'region');
    const queue = p(r, 'queue') as string;
    const fifo = queue.endsWith('.fifo');
    const attrs = flat(p(r, 'attributes'));
    recs.forEach((rec: any, i: number) => {
      expect(rec.eventSource).toBe('aws:sqs');
      expect(rec.eventSourceARN).toBe(`arn:${partitionOf(region)}:sqs:${region}:${p(r, 'account')}:${queue}`);
      expect(rec.body).toBe(bodyOf(p(r, 'body'), i, r.records));
      expect(rec.md5OfBody).toBe(md5(rec.body));
      expect(rec.messageId).toMatch(UUID);
      expect(rec.attributes.SentTimestamp).toMatch(/^\d{13}$/);
      near(r, Number(rec.attributes.SentTimestamp), 'SentTimestamp');
      expect(Number(rec.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(rec.attributes.SentTimestamp));
      expect(rec.attributes.ApproximateReceiveCount).toBe(String(p(r, 'receiveCount')));
      expect(Object.fromEntries(Object.entries(rec.messageAttributes).map(([k, v]: [string, any]) => [k, v.stringValue]))).toEqual(attrs);
      expect(rec.md5OfMessageAttributes).toBe(Object.keys(attrs).length ? attributesMd5(rec.messageAttributes) : undefined);
      if (fifo) {
        expect(rec.attributes.MessageGroupId).toBe(p(r, 'messageGroupId'));
        expect(rec.attributes.MessageDeduplicationId).toBe(sha256(rec.body));
        expect(rec.attributes.SequenceNumber).toMatch(/^\d{20}$/);
      } else {
        expect(rec.attributes).not.toHaveProperty('SequenceNumber');
        expect(rec.attributes).not.toHaveProperty('MessageGroupId');
      }
    });
    distinct(recs.map((x: any) => x.messageId), 'messageId');
    distinct(recs.map((x: any) => x.receiptHandle), 'receiptHandle');
    distinct(recs.map((x: any) => x.body), 'body');
    const sent = recs.map((x: any) => Number(x.attributes.SentTimestamp));
    for (let i = 1; i < sent.length; i++) expect(sent[i]).toBeGreaterThan(sent[i - 1]);
    if (fifo) increasing(recs.map((x: any) => x.attributes.SequenceNumber), 'SequenceNumber');
  },
  'dynamodb insert': verifyDynamo('INSERT'),
  'dynamodb modify': verifyDynamo('MODIFY'),
  'dynamodb remove': verifyDynamo('REMOVE'),
  'kinesis record': (r) => {
    const recs = r.event.Records;
    expect(recs).toHaveLength(r.records);
    const region = p(r, 'region');
    const partition = partitionOf(region);
    recs.forEach((rec: any, i: number) => {
      expect(rec.eventSource).toBe('aws:kinesis');
      expect(rec.eventName).toBe('aws:kinesis:record');
      expect(unbase64(rec.kinesis.data)).toBe(bodyOf(p(r, 'data'), i, r.records));
      expect(rec.kinesis.partitionKey).toBe(p(r, 'partitionKey'));
      expect(rec.kinesis.sequenceNumber).toMatch(/^\d{56}$/);
      expect(rec.eventID).toMatch(new RegExp(`^shardId-\\d{12}:${rec.kinesis.sequenceNumber}$`));
      // epoch seconds with decimals, not milliseconds
      expect(rec.kinesis.approximateArrivalTimestamp).toBeLessThan(1e11);
      near(r, rec.kinesis.approximateArrivalTimestamp * 1000, 'approximateArrivalTimestamp');
      expect(rec.invokeIdentityArn).toBe(`arn:${partition}:iam::${p(r, 'account')}:role/${p(r, 'role')}`);
      expect(rec.eventSourceARN).toBe(`arn:${partition}:kinesis:${region}:${p(r, 'account')}:stream/${p(r, 'stream')}`);
    });
    increasing(recs.map((x: any) => x.kinesis.sequenceNumber), 'sequenceNumber');
    distinct(recs.map((x: any) => x.eventID), 'eventID');
  },
  'firehose transformation': (r) => {
    const e = r.event;
    const region = p(r, 'region');
    expect(e.invocationId).toMatch(UUID);
    expect(e.region).toBe(region);
    expect(e.deliveryStreamArn).toBe(`arn:${partitionOf(region)}:firehose:${region}:${p(r, 'account')}:deliverystream/${p(r, 'deliveryStream')}`);
    expect(e.records).toHaveLength(r.records);
    e.records.forEach((rec: any, i: number) => {
      expect(unbase64(rec.data)).toBe(bodyOf(p(r, 'data'), i, r.records));
      expect(rec.approximateArrivalTimestamp).toBeGreaterThan(1e12); // epoch milliseconds
      near(r, rec.approximateArrivalTimestamp, 'approximateArrivalTimestamp');
      expect(rec.recordId).toMatch(/^\d+$/);
    });
    distinct(e.records.map((x: any) => x.recordId), 'recordId');
  },
  'kafka msk': (r) => {
    verifyKafka(r);
    const region = p(r, 'region');
    expect(r.event.eventSource).toBe('aws:kafka');
    expect(r.event.eventSourceArn).toMatch(new RegExp(`^arn:${partitionOf(region)}:kafka:${region}:${p(r, 'account')}:cluster/${escape(p(r, 'cluster'))}/[0-9a-f-]{36}-\\d+$`));
    for (const server of r.event.bootstrapServers.split(',')) expect(server).toMatch(new RegExp(`^b-\\d\\.${escape(p(r, 'cluster'))}\\.[0-9a-f]{6}\\.c\\d\\.kafka\\.${region}\\.amazonaws\\.com(\\.cn)?:\\d+$`));
  },
  'kafka self-managed': (r) => {
    verifyKafka(r);
    expect(r.event.eventSource).toBe('SelfManagedKafka');
    expect(r.event.bootstrapServers).toBe(p(r, 'bootstrapServers'));
  },
  'mq activemq': (r) => {
    const e = r.event;
    const region = p(r, 'region');
    expect(e.eventSource).toBe('aws:mq');
    const brokerId = e.eventSourceArn.split(':').at(-1);
    expect(e.eventSourceArn).toBe(`arn:${partitionOf(region)}:mq:${region}:${p(r, 'account')}:broker:${p(r, 'broker')}:${brokerId}`);
    expect(brokerId).toMatch(/^b-[0-9a-f-]{36}$/);
    expect(e.messages).toHaveLength(r.records);
    e.messages.forEach((m: any, i: number) => {
      expect(unbase64(m.data)).toBe(bodyOf(p(r, 'message'), i, r.records));
      expect(m.messageType).toBe(p(r, 'messageType'));
      expect(m.destination.physicalName).toBe(p(r, 'queue'));
      expect(m.messageID.startsWith(`ID:${brokerId}-1.mq.${region}.`)).toBe(true);
      near(r, m.timestamp, 'timestamp');
      expect(m.brokerInTime).toBeGreaterThanOrEqual(m.timestamp);
      expect(m.brokerOutTime).toBeGreaterThanOrEqual(m.brokerInTime);
      expect(m.properties).toEqual(flat(p(r, 'properties')));
    });
    distinct(e.messages.map((m: any) => m.messageID), 'messageID');
  },
  'mq rabbitmq': (r) => {
    const e = r.event;
    const region = p(r, 'region');
    expect(e.eventSource).toBe('aws:rmq');
    expect(e.eventSourceArn).toMatch(new RegExp(`^arn:${partitionOf(region)}:mq:${region}:${p(r, 'account')}:broker:${escape(p(r, 'broker'))}:b-[0-9a-f-]{36}$`));
    const queueKey = `${p(r, 'queue')}::${p(r, 'virtualHost')}`;
    expect(Object.keys(e.rmqMessagesByQueue)).toEqual([queueKey]);
    const messages = e.rmqMessagesByQueue[queueKey];
    expect(messages).toHaveLength(r.records);
    const headers = flat(p(r, 'headers'));
    messages.forEach((m: any, i: number) => {
      const body = bodyOf(p(r, 'message'), i, r.records);
      expect(unbase64(m.data)).toBe(body);
      expect(m.basicProperties.bodySize).toBe(Buffer.byteLength(body));
      expect(m.basicProperties.contentType).toBe(p(r, 'contentType'));
      near(r, parseJavaMediumDate(m.basicProperties.timestamp), 'basicProperties.timestamp');
      const got = Object.fromEntries(
        Object.entries(m.basicProperties.headers).map(([k, v]: [string, any]) => [k, typeof v === 'number' ? String(v) : Buffer.from(v.bytes).toString('utf8')]),
      );
      expect(got).toEqual(headers);
    });
    distinct(messages.map((m: any) => m.data), 'data');
  },
  'cloudwatch-logs subscription': (r, parsed) => {
    const decoded = JSON.parse(gunzipSync(Buffer.from(r.event.awslogs.data, 'base64')).toString('utf8'));
    expect(parsed?.awslogs.data).toEqual(decoded);
    expect(decoded.messageType).toBe('DATA_MESSAGE');
    expect(decoded.owner).toBe(p(r, 'account'));
    expect(decoded.logGroup).toBe(p(r, 'logGroup'));
    expect(decoded.subscriptionFilters).toEqual([p(r, 'filterName')]);
    const d = new Date(r.now);
    const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
    expect(decoded.logStream.startsWith(`${day}/[$LATEST]`)).toBe(true);
    expect(decoded.logEvents).toHaveLength(r.records);
    decoded.logEvents.forEach((ev: any, i: number) => {
      expect(ev.message).toBe(bodyOf(p(r, 'message'), i, r.records));
      expect(ev.id).toMatch(/^\d{56}$/);
      near(r, ev.timestamp, 'logEvents.timestamp');
    });
    increasing(decoded.logEvents.map((ev: any) => ev.id), 'logEvents.id');
  },
};

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** SQS's MD5 of message attributes, computed here independently of the template. */
function attributesMd5(attrs: Record<string, { dataType: string; stringValue?: string }>): string {
  const hash = createHash('md5');
  const field = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    hash.update(Buffer.from([(b.length >>> 24) & 0xff, (b.length >>> 16) & 0xff, (b.length >>> 8) & 0xff, b.length & 0xff]));
    hash.update(b);
  };
  for (const name of Object.keys(attrs).sort()) {
    field(name);
    field(attrs[name]!.dataType);
    hash.update(Buffer.from([1]));
    field(attrs[name]!.stringValue!);
  }
  return hash.digest('hex');
}

/** `Jan 31, 2024, 1:05:09 PM` (UTC) to epoch ms. */
function parseJavaMediumDate(s: string): number {
  const m = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}), (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/.exec(s);
  expect(m, `Java medium date: ${s}`).not.toBeNull();
  const [, mon, day, year, h, min, sec, ampm] = m!;
  const month = 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(mon!) / 3;
  const hour = (Number(h) % 12) + (ampm === 'PM' ? 12 : 0);
  return Date.UTC(Number(year), month, Number(day), hour, Number(min), Number(sec));
}

function verifyDynamo(eventName: 'INSERT' | 'MODIFY' | 'REMOVE'): Verify {
  return (r, parsed) => {
    const recs = r.event.Records;
    expect(recs).toHaveLength(r.records);
    const region = p(r, 'region');
    const view = p(r, 'streamViewType') as string;
    const withNew = eventName !== 'REMOVE' && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES');
    const withOld = eventName !== 'INSERT' && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES');
    recs.forEach((rec: any, i: number) => {
      const keyValue = r.records > 1 ? `${p(r, 'keyValue')}-${i + 1}` : p(r, 'keyValue');
      const key = { [p(r, 'keyName')]: keyValue };
      expect(rec.eventName).toBe(eventName);
      expect(rec.eventSource).toBe('aws:dynamodb');
      expect(rec.eventID).toMatch(/^[0-9a-f]{32}$/);
      expect(rec.eventSourceARN).toMatch(
        new RegExp(`^arn:${partitionOf(region)}:dynamodb:${region}:${p(r, 'account')}:table/${escape(p(r, 'table'))}/stream/\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}$`),
      );
      const ts = rec.dynamodb.ApproximateCreationDateTime;
      expect(Number.isInteger(ts), 'ApproximateCreationDateTime in whole epoch seconds').toBe(true);
      near(r, ts * 1000, 'ApproximateCreationDateTime');
      expect(rec.dynamodb.StreamViewType).toBe(view);
      expect(rec.dynamodb.SizeBytes).toBeGreaterThan(0);
      expect('NewImage' in rec.dynamodb, 'NewImage present').toBe(withNew);
      expect('OldImage' in rec.dynamodb, 'OldImage present').toBe(withOld);
      // The oracle unmarshalled the images: they are the parameters, key included.
      const out = parsed.Records[i].dynamodb;
      expect(out.Keys).toEqual(key);
      if (withNew) expect(out.NewImage).toEqual({ ...(p(r, 'item') ?? {}), ...key });
      if (withOld) expect(out.OldImage).toEqual({ ...(p(r, 'oldItem') ?? {}), ...key });
      if (eventName === 'REMOVE' && p(r, 'ttl')) expect(rec.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
      else expect(rec).not.toHaveProperty('userIdentity');
    });
    distinct(recs.map((x: any) => x.eventID), 'eventID');
    increasing(recs.map((x: any) => x.dynamodb.SequenceNumber), 'SequenceNumber');
  };
}

function verifyKafka(r: Render): void {
  const topic = p(r, 'topic');
  const partition = p(r, 'partition');
  const batchKey = `${topic}-${partition}`;
  expect(Object.keys(r.event.records)).toEqual([batchKey]);
  const recs = r.event.records[batchKey];
  expect(recs).toHaveLength(r.records);
  const headers = flat(p(r, 'headers'));
  recs.forEach((rec: any, i: number) => {
    expect(rec.topic).toBe(topic);
    expect(rec.partition).toBe(partition);
    expect(rec.offset).toBe(p(r, 'offset') + i);
    expect(rec.timestampType).toBe(p(r, 'timestampType'));
    expect(rec.timestamp).toBeGreaterThan(1e12); // epoch milliseconds
    near(r, rec.timestamp, 'timestamp');
    expect(unbase64(rec.key)).toBe(p(r, 'key'));
    expect(unbase64(rec.value)).toBe(bodyOf(p(r, 'value'), i, r.records));
    const got = Object.assign({}, ...rec.headers.map((h: Record<string, number[]>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.from(v).toString('utf8')]))));
    expect(got).toEqual(headers);
    for (const h of rec.headers) for (const [k, v] of Object.entries(h)) expect(v).toEqual(bytesOf(headers[k]!));
  });
  for (let i = 1; i < recs.length; i++) expect(recs[i].timestamp).toBeGreaterThanOrEqual(recs[i - 1].timestamp);
}

// ---------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------

describe('data-source event templates', () => {
  it('covers the data sources, each with a schema decision and semantic checks', () => {
    const keys = DATA_TEMPLATES.map(keyOf);
    expect(new Set(keys).size, 'source/type pairs are unique').toBe(keys.length);
    expect(keys.length).toBeGreaterThanOrEqual(20);
    for (const k of keys) {
      expect(SCHEMAS, `schema decision for ${k}`).toHaveProperty([k]);
      expect(VERIFY, `semantic checks for ${k}`).toHaveProperty([k]);
    }
    for (const t of DATA_TEMPLATES) {
      expect(t.type).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(t.source).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const param of t.params) if (param.choices) expect(param.choices, `${keyOf(t)} ${param.name} default`).toContain(param.default);
    }
  });

  for (const t of DATA_TEMPLATES) {
    describe(keyOf(t), () => {
      it('parses with the Powertools schema (allow-listed disagreements only) and derives every field', () => {
        for (const r of renders(t)) {
          const z = zodCheck(t, r.event);
          expect(z.unexpected, `${keyOf(t)} (${r.label}) Zod issues`).toEqual([]);
          checkArns(r);
          try {
            VERIFY[keyOf(t)]!(r, z.parsed);
          } catch (e) {
            (e as Error).message = `${keyOf(t)} (${r.label}, params ${JSON.stringify(r.params)}, records ${r.records}): ${(e as Error).message}`;
            throw e;
          }
        }
      });
    });
  }

  it('renders S3 keys URL-encoded as S3 does: a space as +, a + as %2B, slashes kept', () => {
    const key = 'my folder/a b+c=d&é.txt';
    const encoded = 'my+folder/a+b%2Bc%3Dd%26%C3%A9.txt';
    for (const t of DATA_TEMPLATES.filter((x) => x.source === 's3')) {
      const e = renderEvent(t.source, t.type, { key }) as any;
      const got = e.Records?.[0].s3.object.key ?? e.detail?.object.key ?? e.tasks?.[0].s3Key;
      expect(got, keyOf(t)).toBe(encoded);
    }
  });

  it('matches a known SQS body MD5', () => {
    const e = renderEvent('sqs', 'message', { body: 'hello' }) as any;
    expect(e.Records[0].md5OfBody).toBe('5d41402abc4b2a76b9719d911017c592');
  });

  it('keeps the allow-list honest: every DATA_ALLOWED entry still matches a real disagreement', () => {
    const byTemplate = new Map(DATA_TEMPLATES.map((t) => [keyOf(t), t]));
    const used = new Set<number>();
    for (const t of DATA_TEMPLATES) for (const r of renders(t)) for (const i of zodCheck(t, r.event).used) used.add(i);
    DATA_ALLOWED.forEach((entry, i) => {
      const what = `${entry.template} ${entry.oracle} ${entry.detail}`;
      expect(entry.reason.length, `${what} gives a reason`).toBeGreaterThan(10);
      const t = byTemplate.get(entry.template);
      expect(t, `${what}: template exists`).toBeDefined();
      if (entry.oracle === 'zod') {
        expect(used.has(i), `${what}: still matches a Zod issue`).toBe(true);
      } else {
        // A @types/aws-lambda disagreement: the type requires a value that the service leaves out or sends as null.
        const values = renders(t!).flatMap((r) => valuesAt(r.event, entry.detail));
        expect(values.length, `${what}: path reaches something`).toBeGreaterThan(0);
        expect(values.some((v) => v === undefined || v === null), `${what}: some render leaves it out or null`).toBe(true);
        // ...and the path names a real field: some template of the source renders a value there.
        const elsewhere = DATA_TEMPLATES.filter((x) => x.source === t!.source).flatMap((x) => renders(x).flatMap((r) => valuesAt(r.event, entry.detail)));
        expect(elsewhere.some((v) => v !== undefined && v !== null), `${what}: the field exists where the service sends it`).toBe(true);
      }
    });
  });
});
