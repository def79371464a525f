// Event templates: data sources. S3 notifications (and their EventBridge and
// Batch Operations forms), SNS, SQS, DynamoDB Streams, Kinesis, Firehose,
// Kafka (MSK and self-managed), Amazon MQ (ActiveMQ and RabbitMQ) and
// CloudWatch Logs subscriptions, written from each service's documented event
// format. Every field that follows from the parameters is derived here: URL
// encoding of S3 keys, base64 (and gzip) of payloads, MD5s of SQS bodies and
// attributes, ARNs from partition/region/account, ids, increasing sequence
// numbers and timestamps in each field's own format.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type {
  AttributeValue,
  CloudWatchLogsDecodedData,
  CloudWatchLogsEvent,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  FirehoseTransformationEvent,
  KinesisStreamEvent,
  MSKEvent,
  MSKRecord,
  S3BatchEvent,
  S3Event,
  S3EventRecord,
  S3ObjectCreatedNotificationEvent,
  SelfManagedKafkaEvent,
  SNSEventRecord,
  SNSMessage,
  SQSEvent,
  SQSMessageAttributes,
} from 'aws-lambda';
import {
  ACCOUNT,
  REGION,
  arn,
  base64,
  md5,
  partitionOf,
  s3EncodeKey,
  sha256Hex,
  type EventTemplate,
  type ParamSpec,
  type RenderContext,
} from '../template.js';

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/**
 * The body of record `i` of `n`: the parameter itself for a single record;
 * for a batch each record is told apart by its index (a JSON object gains an
 * `index` field, any other text a ` #<i+1>` suffix).
 */
export function indexed(text: string, i: number, n: number): string {
  if (n <= 1) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return JSON.stringify({ ...parsed, index: i });
  } catch {
    // not JSON: fall through
  }
  return `${text} #${i + 1}`;
}

/** The DNS suffix of a region's service endpoints. */
export function awsDomain(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** A JSON parameter as a flat map of attribute name to string or number (anything else is stringified). */
export function attributeMap(value: unknown): Record<string, string | number> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const upper = (n: number): string => Array.from({ length: n }, () => ALNUM_UPPER[randomInt(ALNUM_UPPER.length)]).join('');
/** A random decimal of `n` digits, no leading zero. */
const digits = (n: number): bigint => BigInt(String(randomInt(1, 10)) + Array.from({ length: n - 1 }, () => randomInt(10)).join(''));
/** `n` increasing sequence numbers of `width` digits. */
function sequence(width: number, n: number): string[] {
  let v = digits(width - 1) * 10n; // leaves room to grow without gaining a digit
  return Array.from({ length: n }, () => {
    v += BigInt(randomInt(1, 1_000_000)) * 1000n;
    return v.toString();
  });
}
/** Offset in ms of record `i` of `n`: earlier records a little earlier, the last one now. */
const recordOffset = (i: number, n: number, stepMs = 10): number => -(n - 1 - i) * stepMs;
/** S3-style version ids: 32 URL-safe characters. */
const versionId = (): string => randomBytes(24).toString('base64url').replace(/-/g, '.');
const utf8Bytes = (s: string): number[] => [...Buffer.from(s, 'utf8')];
const md5Buffer = (b: Buffer): string => createHash('md5').update(b).digest('hex');

// ---------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------

const BUCKET: ParamSpec = { name: 'bucket', type: 'string', default: 'example-bucket', description: 'Bucket name' };
const KEY: ParamSpec = {
  name: 'key',
  type: 'string',
  default: 'uploads/Happy Face.jpg',
  description: 'Object key, as stored (the event carries it URL-encoded, spaces as +)',
};
const SIZE: ParamSpec = { name: 'size', type: 'number', default: 1024, description: 'Object size in bytes' };
const VERSIONED: ParamSpec = { name: 'versioned', type: 'boolean', default: false, description: 'Bucket has versioning enabled (adds a versionId)' };
const CONFIGURATION_ID: ParamSpec = {
  name: 'configurationId',
  type: 'string',
  default: 'workbench-notification',
  description: 'Id of the bucket notification configuration',
};
const SOURCE_IP: ParamSpec = {
  name: 'sourceIp',
  type: 'string',
  default: '198.51.100.23',
  description: 'IP address the request came from',
  samples: ['198.51.100.23', '203.0.113.7', '192.0.2.146', '2001:db8:85a3::8a2e:370:7334'],
};
const S3_PARAMS = [REGION, ACCOUNT, BUCKET, KEY, SIZE, VERSIONED, CONFIGURATION_ID] as const;

/** S3's request ids: 16 upper-case hex characters; its host ids: base64. */
const s3RequestId = (): string => randomBytes(8).toString('hex').toUpperCase();
const s3HostId = (): string => randomBytes(48).toString('base64');
/** Notification sequencers: 18 upper-case hex characters that grow with time. */
const s3Sequencer = (ctx: RenderContext): string => ('00' + ctx.epochMillis().toString(16) + randomBytes(4).toString('hex')).toUpperCase().slice(0, 18);
/** The owner's canonical customer id as notifications show it. */
const s3Owner = (): string => 'A' + upper(13);
const s3Principal = (): string => 'AWS:AIDA' + upper(16);

interface S3RecordOpts<O> {
  eventName: string;
  eventVersion: string;
  /** An S3-initiated event (lifecycle, restore, replication) rather than a client request. */
  byS3: boolean;
  object: O;
  ownerId?: string;
}

/** The parts of a notification record every event shares. */
function s3Record<O>(ctx: RenderContext, o: S3RecordOpts<O>) {
  const region = ctx.str('region');
  const bucket = ctx.str('bucket');
  return {
    eventVersion: o.eventVersion,
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: ctx.iso(),
    eventName: o.eventName,
    userIdentity: { principalId: o.byS3 ? 's3.amazonaws.com' : s3Principal() },
    requestParameters: { sourceIPAddress: o.byS3 ? 's3.amazonaws.com' : ctx.str('sourceIp') },
    responseElements: { 'x-amz-request-id': s3RequestId(), 'x-amz-id-2': s3HostId() },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: ctx.str('configurationId'),
      bucket: { name: bucket, ownerIdentity: { principalId: o.ownerId ?? s3Owner() }, arn: arn(partitionOf(region), 's3', '', '', bucket) },
      object: o.object,
    },
  };
}

/** An object as created: key, size, ETag, sequencer and (on versioned buckets) its version. */
function s3CreatedObject(ctx: RenderContext, versioned = ctx.bool('versioned')) {
  return {
    key: s3EncodeKey(ctx.str('key')),
    size: ctx.num('size'),
    eTag: randomBytes(16).toString('hex'),
    ...(versioned ? { versionId: versionId() } : {}),
    sequencer: s3Sequencer(ctx),
  };
}

/** Removal events carry no size or ETag: the records S3 sends for them. */
type S3RemovedObject = Omit<S3EventRecord['s3']['object'], 'size' | 'eTag'>;
type S3RemovedRecord = Omit<S3EventRecord, 's3'> & { s3: Omit<S3EventRecord['s3'], 'object'> & { object: S3RemovedObject } };
export interface S3RemovedEvent {
  Records: S3RemovedRecord[];
}

function s3Created(type: 'put' | 'copy'): EventTemplate {
  const operation: ParamSpec = {
    name: 'operation',
    type: 'string',
    default: 'Put',
    description: 'The API that created the object',
    choices: ['Put', 'Post', 'CompleteMultipartUpload'],
  };
  return {
    source: 's3',
    type,
    description: type === 'put' ? 'Object created (ObjectCreated:Put, Post or CompleteMultipartUpload)' : 'Object created by a copy (ObjectCreated:Copy)',
    params: type === 'put' ? [...S3_PARAMS, SOURCE_IP, operation] : [...S3_PARAMS, SOURCE_IP],
    render: (ctx) =>
      ({
        Records: [
          s3Record(ctx, {
            eventName: `ObjectCreated:${type === 'put' ? ctx.str('operation') : 'Copy'}`,
            eventVersion: '2.1',
            byS3: false,
            object: s3CreatedObject(ctx),
          }),
        ],
      }) satisfies S3Event,
  };
}

const DELETE_MARKER: ParamSpec = {
  name: 'deleteMarker',
  type: 'boolean',
  default: false,
  description: 'Versioned bucket: a delete marker was created instead of a permanent delete',
};

function s3Removed(type: 'delete' | 'lifecycle-expiration'): EventTemplate {
  const lifecycle = type === 'lifecycle-expiration';
  return {
    source: 's3',
    type,
    description: lifecycle
      ? 'Object expired by an S3 Lifecycle rule (LifecycleExpiration:Delete or DeleteMarkerCreated)'
      : 'Object deleted (ObjectRemoved:Delete or DeleteMarkerCreated)',
    params: lifecycle ? [REGION, ACCOUNT, BUCKET, KEY, VERSIONED, CONFIGURATION_ID, DELETE_MARKER] : [REGION, ACCOUNT, BUCKET, KEY, VERSIONED, CONFIGURATION_ID, SOURCE_IP, DELETE_MARKER],
    render: (ctx) => {
      const marker = ctx.bool('deleteMarker');
      const object: S3RemovedObject = {
        key: s3EncodeKey(ctx.str('key')),
        ...(marker || ctx.bool('versioned') ? { versionId: versionId() } : {}),
        sequencer: s3Sequencer(ctx),
      };
      const prefix = lifecycle ? 'LifecycleExpiration' : 'ObjectRemoved';
      return {
        Records: [
          s3Record(ctx, {
            eventName: `${prefix}:${marker ? 'DeleteMarkerCreated' : 'Delete'}`,
            eventVersion: lifecycle ? '2.3' : '2.1',
            byS3: lifecycle,
            object,
          }),
        ],
      } satisfies S3RemovedEvent;
    },
  };
}

/** Replication events add `replicationEventData`, which @types/aws-lambda does not describe. */
export interface S3ReplicationEvent {
  Records: (S3EventRecord & {
    replicationEventData: { replicationRuleId: string; destinationBucket: string; s3Operation: string; requestTime: string; failureReason?: string };
  })[];
}

/** The midnight (UTC) `days` whole days after `from`, when a restored copy expires. */
function restoreExpiry(from: Date, days: number): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + days + 1));
  return d.toISOString();
}

const S3_TEMPLATES: EventTemplate[] = [
  s3Created('put'),
  s3Created('copy'),
  s3Removed('delete'),
  {
    source: 's3',
    type: 'restore',
    description: 'Restore of an archived object completed (ObjectRestore:Completed)',
    params: [
      ...S3_PARAMS,
      { name: 'days', type: 'number', default: 7, description: 'Days the restored copy is kept', samples: [1, 2, 7, 30] },
      { name: 'storageClass', type: 'string', default: 'GLACIER', description: 'Storage class restored from', choices: ['GLACIER', 'DEEP_ARCHIVE'] },
    ],
    render: (ctx) =>
      ({
        Records: [
          {
            ...s3Record(ctx, { eventName: 'ObjectRestore:Completed', eventVersion: '2.1', byS3: true, object: s3CreatedObject(ctx) }),
            glacierEventData: {
              restoreEventData: {
                lifecycleRestorationExpiryTime: restoreExpiry(ctx.now, ctx.num('days')),
                lifecycleRestoreStorageClass: ctx.str('storageClass'),
              },
            },
          },
        ],
      }) satisfies S3Event,
  },
  s3Removed('lifecycle-expiration'),
  {
    source: 's3',
    type: 'replication',
    description: 'Object failed to replicate (Replication:OperationFailedReplication)',
    params: [
      REGION,
      ACCOUNT,
      BUCKET,
      KEY,
      SIZE,
      CONFIGURATION_ID,
      { name: 'destinationBucket', type: 'string', default: 'example-bucket-replica', description: 'Replication destination bucket' },
      { name: 'rule', type: 'string', default: 'replicate-everything', description: 'Replication rule id' },
      {
        name: 'failureReason',
        type: 'string',
        default: 'AssumeRoleNotPermitted',
        description: 'Why replication failed',
        choices: ['AssumeRoleNotPermitted', 'DstBucketNotFound', 'DstBucketUnversioned', 'DstKmsKeyNotFound', 'DstPutObjectNotPermitted', 'SrcGetObjectNotPermitted', 'SrcKeyNotFound'],
      },
    ],
    render: (ctx) => {
      const partition = partitionOf(ctx.str('region'));
      return {
        Records: [
          {
            ...s3Record(ctx, {
              eventName: 'Replication:OperationFailedReplication',
              eventVersion: '2.2',
              byS3: true,
              object: s3CreatedObject(ctx, true), // replication needs versioning
              ownerId: ctx.str('account'),
            }),
            replicationEventData: {
              replicationRuleId: ctx.str('rule'),
              destinationBucket: arn(partition, 's3', '', '', ctx.str('destinationBucket')),
              s3Operation: 'OBJECT_PUT',
              requestTime: ctx.iso(-30_000),
              failureReason: ctx.str('failureReason'),
            },
          },
        ],
      } satisfies S3ReplicationEvent;
    },
  },
  {
    source: 's3',
    type: 'eventbridge',
    description: 'Object Created, as S3 sends it to EventBridge',
    params: [
      REGION,
      ACCOUNT,
      BUCKET,
      KEY,
      SIZE,
      SOURCE_IP,
      {
        name: 'reason',
        type: 'string',
        default: 'PutObject',
        description: 'The API that created the object',
        choices: ['PutObject', 'POST Object', 'CopyObject', 'CompleteMultipartUpload'],
      },
    ],
    render: (ctx) => {
      const region = ctx.str('region');
      const bucket = ctx.str('bucket');
      return {
        version: '0',
        id: ctx.uuid(),
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: ctx.str('account'),
        time: ctx.isoSeconds(),
        region,
        resources: [arn(partitionOf(region), 's3', '', '', bucket)],
        detail: {
          version: '0',
          bucket: { name: bucket },
          object: {
            key: s3EncodeKey(ctx.str('key')),
            size: ctx.num('size'),
            etag: randomBytes(16).toString('hex'),
            'version-id': versionId(),
            sequencer: (ctx.epochMillis().toString(16) + randomBytes(2).toString('hex')).slice(0, 16),
          },
          'request-id': s3RequestId(),
          requester: ctx.str('account'),
          'source-ip-address': ctx.str('sourceIp'),
          reason: ctx.str('reason') as S3ObjectCreatedNotificationEvent['detail']['reason'],
        },
      } satisfies S3ObjectCreatedNotificationEvent;
    },
  },
  {
    source: 's3',
    type: 'batch-operations',
    description: 'S3 Batch Operations task (invocation schema 1.0)',
    params: [REGION, ACCOUNT, BUCKET, KEY, VERSIONED],
    render: (ctx) =>
      ({
        invocationSchemaVersion: '1.0',
        invocationId: randomBytes(36).toString('base64url'),
        job: { id: ctx.uuid() },
        tasks: [
          {
            taskId: randomBytes(24).toString('base64url'),
            s3Key: s3EncodeKey(ctx.str('key')),
            s3VersionId: ctx.bool('versioned') ? versionId() : null,
            s3BucketArn: arn(partitionOf(ctx.str('region')), 's3', '', '', ctx.str('bucket')),
          },
        ],
      }) satisfies S3BatchEvent,
  },
];

// ---------------------------------------------------------------------------
// SNS
// ---------------------------------------------------------------------------

/** SNS sends `Subject: null` for messages published without a subject. */
export type SNSMessageAsSent = Omit<SNSMessage, 'Subject'> & { Subject: string | null };
export interface SNSEventAsSent {
  Records: (Omit<SNSEventRecord, 'Sns'> & { Sns: SNSMessageAsSent })[];
}

const ATTRIBUTE_SAMPLES = [{}, { source: 'workbench' }, { priority: 5, source: 'orders', region: 'eu' }, { 'content-type': 'application/json' }];

const SNS_TEMPLATE: EventTemplate = {
  source: 'sns',
  type: 'notification',
  description: 'SNS notification (SNS delivers one message per invocation; more records are for handler tests)',
  batch: true,
  params: [
    REGION,
    ACCOUNT,
    { name: 'topic', type: 'string', default: 'my-topic', description: 'Topic name' },
    { name: 'message', type: 'string', default: 'Hello from SNS!', description: 'Message body' },
    { name: 'subject', type: 'string', default: '', description: 'Subject (empty: published without one, sent as null)', samples: ['', 'Order placed', 'Alarm'] },
    { name: 'attributes', type: 'json', default: {}, description: 'Message attributes: name → string or number', samples: ATTRIBUTE_SAMPLES },
  ],
  render: (ctx) => {
    const region = ctx.str('region');
    const host = `https://sns.${region}.${awsDomain(region)}`;
    const topicArn = arn(partitionOf(region), 'sns', region, ctx.str('account'), ctx.str('topic'));
    const subscriptionArn = `${topicArn}:${ctx.uuid()}`;
    const signingCert = `${host}/SimpleNotificationService-${randomBytes(16).toString('hex')}.pem`;
    const attributes = Object.fromEntries(
      Object.entries(attributeMap(ctx.json('attributes'))).map(([k, v]) => [k, { Type: typeof v === 'number' ? 'Number' : 'String', Value: String(v) }]),
    );
    const subject = ctx.str('subject');
    const n = ctx.records;
    return {
      Records: Array.from({ length: n }, (_, i) => ({
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: ctx.iso(recordOffset(i, n)),
          Signature: randomBytes(256).toString('base64'),
          SigningCertUrl: signingCert,
          MessageId: ctx.uuid(),
          Message: indexed(ctx.str('message'), i, n),
          MessageAttributes: attributes,
          Type: 'Notification',
          UnsubscribeUrl: `${host}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
          TopicArn: topicArn,
          Subject: subject === '' ? null : subject,
        },
      })),
    } satisfies SNSEventAsSent;
  },
};

// ---------------------------------------------------------------------------
// SQS
// ---------------------------------------------------------------------------

/**
 * SQS's MD5 of message attributes: for each attribute in name order, the name,
 * the data type (each as a 4-byte big-endian length and UTF-8 bytes), a
 * transport byte (1 string, 2 binary) and the value (length and bytes).
 */
export function sqsAttributesMd5(attrs: SQSMessageAttributes): string {
  const parts: Buffer[] = [];
  const lenPrefixed = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name]!;
    lenPrefixed(Buffer.from(name, 'utf8'));
    lenPrefixed(Buffer.from(a.dataType, 'utf8'));
    if (a.binaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lenPrefixed(Buffer.from(a.binaryValue, 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      lenPrefixed(Buffer.from(a.stringValue ?? '', 'utf8'));
    }
  }
  return md5Buffer(Buffer.concat(parts));
}
const SQS_TEMPLATE: EventTemplate = {
  source: 'sqs',
  type: 'message',
  description: 'SQS messages (a queue name ending in .fifo adds group, deduplication and sequence attributes)',
  batch: true,
  params: [
    REGION,
    ACCOUNT,
    { name: 'queue', type: 'string', default: 'my-queue', description: 'Queue name', samples: ['my-queue', 'orders.fifo', 'jobs-dlq', 'events'] },
    { name: 'body', type: 'string', default: 'Hello from SQS!', description: 'Message body' },
    { name: 'attributes', type: 'json', default: {}, description: 'Message attributes: name → string or number', samples: ATTRIBUTE_SAMPLES },
    { name: 'receiveCount', type: 'number', default: 1, description: 'ApproximateReceiveCount', samples: [1, 1, 2, 5] },
    { name: 'messageGroupId', type: 'string', default: 'group-1', description: 'MessageGroupId (FIFO queues only)' },
  ],
  render: (ctx) => {
    const region = ctx.str('region');
    const queue = ctx.str('queue');
    const fifo = queue.endsWith('.fifo');
    const queueArn = arn(partitionOf(region), 'sqs', region, ctx.str('account'), queue);
    const messageAttributes: SQSMessageAttributes = Object.fromEntries(
      Object.entries(attributeMap(ctx.json('attributes'))).map(([k, v]) => [
        k,
        { stringValue: String(v), stringListValues: [], binaryListValues: [], dataType: typeof v === 'number' ? 'Number' : 'String' },
      ]),
    );
    const attributesMd5 = Object.keys(messageAttributes).length > 0 ? sqsAttributesMd5(messageAttributes) : undefined;
    const senderId = 'AIDA' + upper(17);
    const n = ctx.records;
    const sequenceNumbers = sequence(20, n);
    return {
      Records: Array.from({ length: n }, (_, i) => {
        const body = indexed(ctx.str('body'), i, n);
        const sent = ctx.epochMillis(recordOffset(i, n, 7) - 20);
        return {
          messageId: ctx.uuid(),
          receiptHandle: 'AQEB' + randomBytes(96).toString('base64'),
          body,
          attributes: {
            ApproximateReceiveCount: String(ctx.num('receiveCount')),
            SentTimestamp: String(sent),
            ...(fifo ? { SequenceNumber: sequenceNumbers[i]!, MessageGroupId: ctx.str('messageGroupId'), MessageDeduplicationId: sha256Hex(body) } : {}),
            SenderId: senderId,
            ApproximateFirstReceiveTimestamp: String(sent + 5),
          },
          messageAttributes,
          ...(attributesMd5 ? { md5OfMessageAttributes: attributesMd5 } : {}),
          md5OfBody: md5(body),
          eventSource: 'aws:sqs',
          eventSourceARN: queueArn,
          awsRegion: region,
        };
      }),
    } satisfies SQSEvent;
  },
};

// ---------------------------------------------------------------------------
// DynamoDB Streams
// ---------------------------------------------------------------------------

/** A JSON value as a DynamoDB attribute value (the document client's mapping). */
export function marshall(v: unknown): AttributeValue {
  if (v === null || v === undefined) return { NULL: true };
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (Array.isArray(v)) return { L: v.map(marshall) };
  if (typeof v === 'object') return { M: marshallItem(v as Record<string, unknown>) };
  return { S: String(v) };
}
export function marshallItem(item: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, marshall(v)]));
}

/** Approximate item size by DynamoDB's rules: names plus values (strings as UTF-8, numbers ~1 byte per 2 digits). */
function attributeSize(a: AttributeValue): number {
  if (a.S !== undefined) return Buffer.byteLength(a.S);
  if (a.N !== undefined) return Math.ceil(a.N.replace(/[-.]/g, '').length / 2) + 1;
  if (a.BOOL !== undefined || a.NULL !== undefined) return 1;
  if (a.L !== undefined) return 3 + a.L.reduce((s, x) => s + 1 + attributeSize(x), 0);
  if (a.M !== undefined) return 3 + Object.entries(a.M).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k) + attributeSize(x), 0);
  return 0;
}
const itemSize = (item: Record<string, AttributeValue> | undefined): number =>
  item ? Object.entries(item).reduce((s, [k, a]) => s + Buffer.byteLength(k) + attributeSize(a), 0) : 0;

const asItem = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The key value of record `i` of `n` (a batch touches distinct items). */
export const dynamoKeyValue = (keyValue: string, i: number, n: number): string => (n > 1 ? `${keyValue}-${i + 1}` : keyValue);

type DynamoEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

function dynamoTemplate(eventName: DynamoEventName): EventTemplate {
  const params: ParamSpec[] = [
    REGION,
    ACCOUNT,
    { name: 'table', type: 'string', default: 'my-table', description: 'Table name' },
    { name: 'keyName', type: 'string', default: 'id', description: 'Partition key attribute name', samples: ['id', 'pk', 'orderId'] },
    { name: 'keyValue', type: 'string', default: 'item-1', description: 'Partition key value (string)' },
    {
      name: 'streamViewType',
      type: 'string',
      default: 'NEW_AND_OLD_IMAGES',
      description: 'What the stream records',
      choices: ['NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'OLD_IMAGE', 'KEYS_ONLY'],
    },
  ];
  if (eventName !== 'REMOVE') params.push({ name: 'item', type: 'json', default: { name: 'Widget', price: 9.99, tags: ['new'], inStock: true }, description: 'New item attributes (plain JSON)' });
  if (eventName !== 'INSERT') params.push({ name: 'oldItem', type: 'json', default: { name: 'Widget', price: 12.5, tags: [], inStock: false }, description: 'Old item attributes (plain JSON)' });
  if (eventName === 'REMOVE') params.push({ name: 'ttl', type: 'boolean', default: false, description: 'Deleted by Time to Live (adds the service userIdentity)' });
  return {
    source: 'dynamodb',
    type: eventName.toLowerCase(),
    description: `DynamoDB Streams ${eventName} records`,
    batch: true,
    params,
    render: (ctx) => {
      const region = ctx.str('region');
      const table = ctx.str('table');
      const view = ctx.str('streamViewType') as 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'KEYS_ONLY';
      const streamLabel = ctx.iso(-30 * 86_400_000).replace(/Z$/, '');
      const streamArn = arn(partitionOf(region), 'dynamodb', region, ctx.str('account'), `table/${table}/stream/${streamLabel}`);
      const n = ctx.records;
      const sequenceNumbers = sequence(21, n);
      const records: DynamoDBRecord[] = Array.from({ length: n }, (_, i) => {
        const keys = marshallItem({ [ctx.str('keyName')]: dynamoKeyValue(ctx.str('keyValue'), i, n) });
        const withNew = eventName !== 'REMOVE' && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES');
        const withOld = eventName !== 'INSERT' && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES');
        const newImage = withNew ? { ...marshallItem(asItem(ctx.json('item'))), ...keys } : undefined;
        const oldImage = withOld ? { ...marshallItem(asItem(ctx.json('oldItem'))), ...keys } : undefined;
        return {
          eventID: ctx.hex(16),
          eventName,
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: region,
          dynamodb: {
            ApproximateCreationDateTime: ctx.epochSeconds(recordOffset(i, n)),
            Keys: keys,
            ...(newImage ? { NewImage: newImage } : {}),
            ...(oldImage ? { OldImage: oldImage } : {}),
            SequenceNumber: sequenceNumbers[i]!,
            SizeBytes: itemSize(keys) + itemSize(newImage) + itemSize(oldImage),
            StreamViewType: view,
          },
          eventSourceARN: streamArn,
          ...(eventName === 'REMOVE' && ctx.bool('ttl') ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
        };
      });
      return { Records: records } satisfies DynamoDBStreamEvent;
    },
  };
}

// ---------------------------------------------------------------------------
// Kinesis Data Streams and Firehose
// ---------------------------------------------------------------------------

const KINESIS_TEMPLATE: EventTemplate = {
  source: 'kinesis',
  type: 'record',
  description: 'Kinesis Data Streams records',
  batch: true,
  params: [
    REGION,
    ACCOUNT,
    { name: 'stream', type: 'string', default: 'my-stream', description: 'Stream name' },
    { name: 'partitionKey', type: 'string', default: 'partition-1', description: 'Partition key' },
    { name: 'data', type: 'string', default: 'Hello from Kinesis!', description: 'Record data (the event carries it base64-encoded)' },
    { name: 'role', type: 'string', default: 'lambda-kinesis-role', description: "Name of the function's execution role" },
  ],
  render: (ctx) => {
    const region = ctx.str('region');
    const partition = partitionOf(region);
    const account = ctx.str('account');
    const shard = `shardId-${String(randomInt(0, 4)).padStart(12, '0')}`;
    const n = ctx.records;
    const sequenceNumbers = sequence(56, n);
    return {
      Records: Array.from({ length: n }, (_, i) => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: ctx.str('partitionKey'),
          sequenceNumber: sequenceNumbers[i]!,
          data: base64(indexed(ctx.str('data'), i, n)),
          approximateArrivalTimestamp: ctx.epochMillis(recordOffset(i, n)) / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shard}:${sequenceNumbers[i]!}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: arn(partition, 'iam', '', account, `role/${ctx.str('role')}`),
        awsRegion: region,
        eventSourceARN: arn(partition, 'kinesis', region, account, `stream/${ctx.str('stream')}`),
      })),
    } satisfies KinesisStreamEvent;
  },
};

const FIREHOSE_TEMPLATE: EventTemplate = {
  source: 'firehose',
  type: 'transformation',
  description: 'Amazon Data Firehose data transformation request (Direct PUT source)',
  batch: true,
  params: [
    REGION,
    ACCOUNT,
    { name: 'deliveryStream', type: 'string', default: 'my-delivery-stream', description: 'Firehose stream name' },
    { name: 'data', type: 'string', default: 'Hello from Firehose!', description: 'Record data (the event carries it base64-encoded)' },
  ],
  render: (ctx) => {
    const region = ctx.str('region');
    const n = ctx.records;
    const ids = sequence(56, n);
    return {
      invocationId: ctx.uuid(),
      deliveryStreamArn: arn(partitionOf(region), 'firehose', region, ctx.str('account'), `deliverystream/${ctx.str('deliveryStream')}`),
      region,
      records: Array.from({ length: n }, (_, i) => ({
        recordId: `${ids[i]!}000000`,
        approximateArrivalTimestamp: ctx.epochMillis(recordOffset(i, n)),
        data: base64(indexed(ctx.str('data'), i, n)),
      })),
    } satisfies FirehoseTransformationEvent;
  },
};

// ---------------------------------------------------------------------------
// Kafka
// ---------------------------------------------------------------------------

const KAFKA_PARAMS: ParamSpec[] = [
  { name: 'topic', type: 'string', default: 'mytopic', description: 'Topic' },
  { name: 'partition', type: 'number', default: 0, description: 'Partition', samples: [0, 1, 2, 7] },
  { name: 'offset', type: 'number', default: 15, description: 'Offset of the first record' },
  { name: 'key', type: 'string', default: 'order-1', description: 'Record key (the event carries it base64-encoded)' },
  { name: 'value', type: 'string', default: 'Hello from Kafka!', description: 'Record value (the event carries it base64-encoded)' },
  { name: 'headers', type: 'json', default: { source: 'workbench' }, description: 'Record headers: name → string (the event carries bytes)', samples: ATTRIBUTE_SAMPLES },
  { name: 'timestampType', type: 'string', default: 'CREATE_TIME', description: 'Timestamp type', choices: ['CREATE_TIME', 'LOG_APPEND_TIME'] },
];

/** The records of one topic-partition, offsets and timestamps increasing. */
function kafkaRecords(ctx: RenderContext): Record<string, MSKRecord[]> {
  const topic = ctx.str('topic');
  const partition = ctx.num('partition');
  const headers = Object.entries(attributeMap(ctx.json('headers'))).map(([k, v]) => ({ [k]: utf8Bytes(String(v)) }));
  const n = ctx.records;
  return {
    [`${topic}-${partition}`]: Array.from({ length: n }, (_, i) => ({
      topic,
      partition,
      offset: ctx.num('offset') + i,
      timestamp: ctx.epochMillis(recordOffset(i, n)),
      timestampType: ctx.str('timestampType') as MSKRecord['timestampType'],
      key: base64(ctx.str('key')),
      value: base64(indexed(ctx.str('value'), i, n)),
      headers,
    })),
  };
}

const KAFKA_TEMPLATES: EventTemplate[] = [
  {
    source: 'kafka',
    type: 'msk',
    description: 'Amazon MSK records',
    batch: true,
    params: [REGION, ACCOUNT, { name: 'cluster', type: 'string', default: 'demo-cluster', description: 'MSK cluster name' }, ...KAFKA_PARAMS],
    render: (ctx) => {
      const region = ctx.str('region');
      const cluster = ctx.str('cluster');
      const id = randomBytes(3).toString('hex');
      const brokers = [1, 2, 3].map((b) => `b-${b}.${cluster}.${id}.c2.kafka.${region}.${awsDomain(region)}:9098`);
      return {
        eventSource: 'aws:kafka',
        eventSourceArn: arn(partitionOf(region), 'kafka', region, ctx.str('account'), `cluster/${cluster}/${ctx.uuid()}-2`),
        bootstrapServers: brokers.join(','),
        records: kafkaRecords(ctx),
      } satisfies MSKEvent;
    },
  },
  {
    source: 'kafka',
    type: 'self-managed',
    description: 'Self-managed Apache Kafka records',
    batch: true,
    params: [
      { name: 'bootstrapServers', type: 'string', default: 'kafka-1.example.com:9092,kafka-2.example.com:9092', description: 'Comma-separated broker addresses', samples: ['kafka-1.example.com:9092,kafka-2.example.com:9092', 'localhost:9092'] },
      ...KAFKA_PARAMS,
    ],
    render: (ctx) =>
      ({
        eventSource: 'SelfManagedKafka',
        bootstrapServers: ctx.str('bootstrapServers'),
        records: kafkaRecords(ctx),
      }) satisfies SelfManagedKafkaEvent,
  },
];

// ---------------------------------------------------------------------------
// Amazon MQ (no @types/aws-lambda type: these follow the Lambda guide's events)
// ---------------------------------------------------------------------------

export interface ActiveMQMessage {
  messageID: string;
  messageType: 'jms/text-message' | 'jms/bytes-message';
  timestamp: number;
  deliveryMode: number;
  destination: { physicalName: string };
  redelivered: boolean;
  priority: number;
  data: string;
  brokerInTime: number;
  brokerOutTime: number;
  properties: Record<string, string>;
}
export interface ActiveMQEvent {
  eventSource: 'aws:mq';
  eventSourceArn: string;
  messages: ActiveMQMessage[];
}
export interface RabbitMQMessage {
  basicProperties: {
    contentType: string | null;
    contentEncoding: string | null;
    headers: Record<string, { bytes: number[] } | number>;
    deliveryMode: number;
    priority: number;
    correlationId: string | null;
    replyTo: string | null;
    expiration: string | null;
    messageId: string | null;
    timestamp: string;
    type: string | null;
    userId: string | null;
    appId: string | null;
    clusterId: string | null;
    bodySize: number;
  };
  redelivered: boolean;
  data: string;
}
export interface RabbitMQEvent {
  eventSource: 'aws:rmq';
  eventSourceArn: string;
  rmqMessagesByQueue: Record<string, RabbitMQMessage[]>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Java's medium date-time format in UTC, as RabbitMQ events show timestamps: `Jan 31, 2024, 1:05:09 PM`. */
export function javaMediumDate(d: Date): string {
  const h = d.getUTCHours();
  const two = (x: number) => String(x).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 === 0 ? 12 : h % 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

const BROKER: ParamSpec = { name: 'broker', type: 'string', default: 'my-broker', description: 'Broker name' };
const brokerArn = (ctx: RenderContext, brokerId: string): string =>
  arn(partitionOf(ctx.str('region')), 'mq', ctx.str('region'), ctx.str('account'), `broker:${ctx.str('broker')}:${brokerId}`);

const MQ_TEMPLATES: EventTemplate[] = [
  {
    source: 'mq',
    type: 'activemq',
    description: 'Amazon MQ for ActiveMQ messages',
    batch: true,
    params: [
      REGION,
      ACCOUNT,
      BROKER,
      { name: 'queue', type: 'string', default: 'testQueue', description: 'Destination queue' },
      { name: 'message', type: 'string', default: 'Hello from ActiveMQ!', description: 'Message body (the event carries it base64-encoded)' },
      { name: 'messageType', type: 'string', default: 'jms/text-message', description: 'JMS message type', choices: ['jms/text-message', 'jms/bytes-message'] },
      { name: 'properties', type: 'json', default: {}, description: 'Message properties: name → value', samples: ATTRIBUTE_SAMPLES },
    ],
    render: (ctx) => {
      const region = ctx.str('region');
      const brokerId = `b-${ctx.uuid()}`;
      const connection = `ID:${brokerId}-1.mq.${region}.${awsDomain(region)}-${randomInt(30000, 60000)}-${ctx.epochMillis(-3_600_000)}-4:1:1:1`;
      const properties = Object.fromEntries(Object.entries(attributeMap(ctx.json('properties'))).map(([k, v]) => [k, String(v)]));
      const n = ctx.records;
      return {
        eventSource: 'aws:mq',
        eventSourceArn: brokerArn(ctx, brokerId),
        messages: Array.from({ length: n }, (_, i) => {
          const at = ctx.epochMillis(recordOffset(i, n) - 5);
          return {
            messageID: `${connection}:${i + 1}`,
            messageType: ctx.str('messageType') as ActiveMQMessage['messageType'],
            timestamp: at,
            deliveryMode: 1,
            destination: { physicalName: ctx.str('queue') },
            redelivered: false,
            priority: 4,
            data: base64(indexed(ctx.str('message'), i, n)),
            brokerInTime: at + 1,
            brokerOutTime: at + 3,
            properties,
          };
        }),
      } satisfies ActiveMQEvent;
    },
  },
  {
    source: 'mq',
    type: 'rabbitmq',
    description: 'Amazon MQ for RabbitMQ messages',
    batch: true,
    params: [
      REGION,
      ACCOUNT,
      BROKER,
      { name: 'queue', type: 'string', default: 'test', description: 'Queue name' },
      { name: 'virtualHost', type: 'string', default: '/', description: 'Virtual host', samples: ['/', 'orders'] },
      { name: 'message', type: 'string', default: 'Hello from RabbitMQ!', description: 'Message body (the event carries it base64-encoded)' },
      { name: 'contentType', type: 'string', default: 'text/plain', description: 'Content type', samples: ['text/plain', 'application/json'] },
      { name: 'headers', type: 'json', default: {}, description: 'Headers: name → string (sent as bytes) or number', samples: ATTRIBUTE_SAMPLES },
    ],
    render: (ctx) => {
      const headers = Object.fromEntries(Object.entries(attributeMap(ctx.json('headers'))).map(([k, v]) => [k, typeof v === 'number' ? v : { bytes: utf8Bytes(v) }]));
      const userId = 'AIDA' + upper(16);
      const n = ctx.records;
      return {
        eventSource: 'aws:rmq',
        eventSourceArn: brokerArn(ctx, `b-${ctx.uuid()}`),
        rmqMessagesByQueue: {
          [`${ctx.str('queue')}::${ctx.str('virtualHost')}`]: Array.from({ length: n }, (_, i) => {
            const body = indexed(ctx.str('message'), i, n);
            return {
              basicProperties: {
                contentType: ctx.str('contentType'),
                contentEncoding: null,
                headers,
                deliveryMode: 1,
                priority: 0,
                correlationId: null,
                replyTo: null,
                expiration: null,
                messageId: null,
                timestamp: javaMediumDate(new Date(ctx.epochMillis(recordOffset(i, n)))),
                type: null,
                userId,
                appId: null,
                clusterId: null,
                bodySize: Buffer.byteLength(body),
              },
              redelivered: false,
              data: base64(body),
            };
          }),
        },
      } satisfies RabbitMQEvent;
    },
  },
];

// ---------------------------------------------------------------------------
// CloudWatch Logs
// ---------------------------------------------------------------------------

const CLOUDWATCH_LOGS_TEMPLATE: EventTemplate = {
  source: 'cloudwatch-logs',
  type: 'subscription',
  description: 'CloudWatch Logs subscription filter delivery (gzip, then base64, of the log events)',
  batch: true,
  params: [
    ACCOUNT,
    { name: 'logGroup', type: 'string', default: '/aws/lambda/my-function', description: 'Log group', samples: ['/aws/lambda/my-function', '/ecs/web', 'application-logs'] },
    { name: 'filterName', type: 'string', default: 'my-subscription-filter', description: 'Subscription filter name' },
    { name: 'message', type: 'string', default: 'ERROR Something went wrong', description: 'Log message (one log event per record)' },
  ],
  render: (ctx) => {
    const d = ctx.now;
    const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
    const n = ctx.records;
    const ids = sequence(56, n);
    const decoded = {
      messageType: 'DATA_MESSAGE',
      owner: ctx.str('account'),
      logGroup: ctx.str('logGroup'),
      logStream: `${day}/[$LATEST]${ctx.hex(16)}`,
      subscriptionFilters: [ctx.str('filterName')],
      logEvents: Array.from({ length: n }, (_, i) => ({
        id: ids[i]!,
        timestamp: ctx.epochMillis(recordOffset(i, n)),
        message: indexed(ctx.str('message'), i, n),
      })),
    } satisfies CloudWatchLogsDecodedData;
    return { awslogs: { data: gzipSync(JSON.stringify(decoded)).toString('base64') } } satisfies CloudWatchLogsEvent;
  },
};

// ---------------------------------------------------------------------------

export const DATA_TEMPLATES: EventTemplate[] = [
  ...S3_TEMPLATES,
  SNS_TEMPLATE,
  SQS_TEMPLATE,
  dynamoTemplate('INSERT'),
  dynamoTemplate('MODIFY'),
  dynamoTemplate('REMOVE'),
  KINESIS_TEMPLATE,
  FIREHOSE_TEMPLATE,
  ...KAFKA_TEMPLATES,
  ...MQ_TEMPLATES,
  CLOUDWATCH_LOGS_TEMPLATE,
];
