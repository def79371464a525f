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
export const HTTP_ALLOWED: AllowedDisagreement[] = [];

// ---- data sources (S3, SNS, SQS, DynamoDB, Kinesis, Firehose, Kafka, MQ, CloudWatch Logs) ----
export const DATA_ALLOWED: AllowedDisagreement[] = [];

// ---- service sources (EventBridge, CloudWatch alarms, Cognito, SES, CloudFormation, Secrets Manager, IoT, Lex, Connect, CodePipeline, Config, Step Functions) ----
export const SERVICES_ALLOWED: AllowedDisagreement[] = [];

export const ALLOWED: AllowedDisagreement[] = [...HTTP_ALLOWED, ...DATA_ALLOWED, ...SERVICES_ALLOWED];
