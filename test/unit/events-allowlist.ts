// The one reviewed list of known disagreements between the two oracles
// (@types/aws-lambda and @aws-lambda-powertools/parser's Zod schemas) and what
// the services really send. Every entry says why; keep it short.

export interface AllowedDisagreement {
  /** `source type`, as in `lwb events list`. */
  template: string;
  oracle: 'types' | 'zod';
  /** The field or rule that disagrees. */
  detail: string;
  /** Why reality (AWS's documented event) wins over the oracle. */
  reason: string;
}

// ---- http sources (API Gateway, ALB, Function URLs, CloudFront, AppSync) ----
export const HTTP_ALLOWED: AllowedDisagreement[] = [
  // detail (http): zod, the issue paths the schema reports; types, `+path` (the event has the field, the type
  // lacks it or forbids its value) or `-path` (the type requires it, the event leaves it out). Space-separated.
  ...(['connect', 'message', 'disconnect'] as const).map((kind) => ({
    template: `apigateway websocket-${kind}`,
    oracle: 'zod' as const,
    detail: 'type methodArn queryStringParameters multiValueQueryStringParameters' + (kind === 'message' ? ' multiValueHeaders' : ''),
    reason:
      'The schema requires type and methodArn, which only WebSocket authorizer events carry, and query maps that are left out when the ' +
      'client sent no query string (always, for messages and $disconnect)' +
      (kind === 'message' ? '; message events carry no headers at all' : ''),
  })),
  {
    template: 'appsync resolver',
    oracle: 'zod',
    detail: 'identity',
    reason: 'With API_KEY authorization AppSync sends identity: null; the schema accepts an identity object or none, not null',
  },
  ...['rest', 'rest-iam', 'authorizer-request'].map((type) => ({
    template: `apigateway ${type}`,
    oracle: 'types' as const,
    detail: '-requestContext.authorizer',
    reason: 'Without an authorizer REST API events have no requestContext.authorizer key; the types require it (typed as possibly undefined)',
  })),
  {
    template: 'apigateway authorizer-request-v2',
    oracle: 'types',
    detail: '-cookies',
    reason: 'HTTP API events leave cookies out when the request has none; APIGatewayRequestAuthorizerEventV2 requires it',
  },
  {
    template: 'lambda function-url',
    oracle: 'types',
    detail: '+requestContext.authentication +requestContext.authorizer.iam.principalOrgId',
    reason: 'Function URLs document authentication: null and principalOrgId null for a caller outside an organization; the types allow an object and a string',
  },
  {
    template: 'apigateway websocket-connect',
    oracle: 'types',
    detail: '+headers +multiValueHeaders +queryStringParameters +requestContext.identity -requestContext.messageId',
    reason: "$connect carries the handshake's headers, query and the caller's identity, none in APIGatewayProxyWebsocketEventV2; messageId, which it requires, is only on MESSAGE events",
  },
  {
    template: 'apigateway websocket-message',
    oracle: 'types',
    detail: '+requestContext.identity',
    reason: "Message events carry the caller's identity (sourceIp, userAgent); APIGatewayEventWebsocketRequestContextV2 has no identity",
  },
  {
    template: 'apigateway websocket-disconnect',
    oracle: 'types',
    detail: '+headers +multiValueHeaders +requestContext.identity +requestContext.disconnectStatusCode +requestContext.disconnectReason -requestContext.messageId',
    reason: '$disconnect carries placeholder headers, the identity and the close code and reason, none in the type; it has no messageId, which the type requires',
  },
];

// ---- data sources (S3, SNS, SQS, DynamoDB, Kinesis, Firehose, Kafka, MQ, CloudWatch Logs) ----
export const DATA_ALLOWED: AllowedDisagreement[] = [
  { template: 's3 put', oracle: 'zod', detail: 'Records[].requestParameters.sourceIPAddress', reason: 'S3 reports a client on its dual-stack (IPv6) endpoints by its IPv6 address; the schema accepts IPv4 only' },
  { template: 's3 copy', oracle: 'zod', detail: 'Records[].requestParameters.sourceIPAddress', reason: 'S3 reports a client on its dual-stack (IPv6) endpoints by its IPv6 address; the schema accepts IPv4 only' },
  { template: 's3 delete', oracle: 'zod', detail: 'Records[].requestParameters.sourceIPAddress', reason: 'S3 reports a client on its dual-stack (IPv6) endpoints by its IPv6 address; the schema accepts IPv4 only' },
  { template: 's3 eventbridge', oracle: 'zod', detail: 'detail.source-ip-address', reason: 'S3 reports a client on its dual-stack (IPv6) endpoints by its IPv6 address; the schema accepts IPv4 only' },
  { template: 's3 delete', oracle: 'types', detail: 'Records[].s3.object.size', reason: 'ObjectRemoved events carry no object size (the object is gone); the type makes size required for every S3 record' },
  { template: 's3 delete', oracle: 'types', detail: 'Records[].s3.object.eTag', reason: 'ObjectRemoved events carry no ETag; the type makes eTag required for every S3 record' },
  { template: 's3 lifecycle-expiration', oracle: 'types', detail: 'Records[].s3.object.size', reason: "S3's documented LifecycleExpiration event has only key, sequencer (and versionId) in s3.object; the type requires size" },
  { template: 's3 lifecycle-expiration', oracle: 'types', detail: 'Records[].s3.object.eTag', reason: "S3's documented LifecycleExpiration event has no eTag; the type requires it" },
  { template: 'sns notification', oracle: 'types', detail: 'Records[].Sns.Subject', reason: 'SNS sends "Subject": null for a message published without a subject; the type allows only a string or no field (the Zod schema accepts null)' },
];

// ---- service sources (EventBridge, CloudWatch alarms, Cognito, SES, CloudFormation, Secrets Manager, IoT, Lex, Connect, CodePipeline, Config, Step Functions) ----
// A `zod` entry's detail is the failing issue's path (`*` matches within one
// segment); a `types` entry's detail names a field @types/aws-lambda declares
// with a value where the service sends null or nothing (the render satisfies
// the type with that field relaxed). The suite fails on an entry nothing hits.
export const SERVICES_ALLOWED: AllowedDisagreement[] = [
  { template: 'cognito pre-sign-up', oracle: 'zod', detail: 'triggerSource', reason: 'Schema takes only PreSignUp_SignUp; Cognito documents PreSignUp_AdminCreateUser and PreSignUp_ExternalProvider too.' },
  { template: 'cognito pre-sign-up', oracle: 'types', detail: 'request.validationData', reason: 'Cognito sends validationData: null when the client sent none.' },
  { template: 'cognito post-confirmation', oracle: 'zod', detail: 'triggerSource', reason: 'Schema takes only PostConfirmation_ConfirmSignUp; PostConfirmation_ConfirmForgotPassword is documented.' },
  { template: 'cognito pre-token-generation', oracle: 'types', detail: 'request.groupConfiguration.preferredRole', reason: 'null when no group of the user has an IAM role.' },
  { template: 'cognito pre-token-generation', oracle: 'types', detail: 'response.claimsOverrideDetails', reason: 'Cognito sends null until the function sets it.' },
  { template: 'cognito pre-token-generation-v2', oracle: 'types', detail: 'request.groupConfiguration.preferredRole', reason: 'null when no group of the user has an IAM role.' },
  { template: 'cognito pre-token-generation-v2', oracle: 'types', detail: 'response.claimsAndScopeOverrideDetails', reason: 'Cognito sends null until the function sets it.' },
  { template: 'cognito user-migration', oracle: 'types', detail: 'response.*', reason: 'Cognito sends every response field as null; the type requires userAttributes and desiredDeliveryMediums.' },
  { template: 'cognito define-auth-challenge', oracle: 'zod', detail: 'request.session', reason: 'Schema requires a non-empty session; the first call of a custom auth flow has session [].' },
  { template: 'cognito define-auth-challenge', oracle: 'types', detail: 'response.*', reason: 'Cognito sends challengeName, issueTokens and failAuthentication as null.' },
  { template: 'cognito create-auth-challenge', oracle: 'zod', detail: 'request.session', reason: 'Schema requires a non-empty session; creating the first challenge has session [].' },
  { template: 'cognito create-auth-challenge', oracle: 'types', detail: 'response.*', reason: 'Cognito sends the three response fields as null.' },
  { template: 'cognito verify-auth-challenge', oracle: 'zod', detail: 'response.answerCorrect', reason: 'Cognito sends answerCorrect: null; the schema wants a boolean.' },
  { template: 'cognito verify-auth-challenge', oracle: 'types', detail: 'response.answerCorrect', reason: 'Cognito sends answerCorrect: null.' },
  { template: 'cognito custom-email-sender', oracle: 'zod', detail: 'triggerSource', reason: 'Schema takes only CustomEmailSender_SignUp; six more sources are documented.' },
  { template: 'cognito custom-email-sender', oracle: 'zod', detail: 'response', reason: 'The documented event has no response object.' },
  { template: 'cognito custom-email-sender', oracle: 'types', detail: 'response', reason: 'The documented event has no response object.' },
  { template: 'cognito custom-sms-sender', oracle: 'zod', detail: 'triggerSource', reason: 'Schema takes only CustomSMSSender_SignUp; six more sources are documented.' },
  { template: 'cognito custom-sms-sender', oracle: 'zod', detail: 'response', reason: 'The documented event has no response object.' },
  { template: 'cognito custom-sms-sender', oracle: 'types', detail: 'response', reason: 'The documented event has no response object.' },
  { template: 'ses receive', oracle: 'zod', detail: 'Records.*.ses.receipt.dmarcPolicy', reason: 'SES includes dmarcPolicy only when the message fails DMARC.' },
  { template: 'ses receive', oracle: 'zod', detail: 'Records.*.ses.receipt.*Verdict.status', reason: 'Verdicts are DISABLED when the receipt rule does not scan.' },
  { template: 'ses receive', oracle: 'zod', detail: 'Records.*.ses.receipt.action.invocationType', reason: 'A Lambda action may be RequestResponse as well as Event.' },
];

export const ALLOWED: AllowedDisagreement[] = [...HTTP_ALLOWED, ...DATA_ALLOWED, ...SERVICES_ALLOWED];
