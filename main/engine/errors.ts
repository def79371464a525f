// Errors that reach a client carry AWS's exception name and HTTP status, so the
// Lambda API can answer exactly as AWS does and the UI can show a searchable code.

export type ErrorCode =
  | 'ResourceNotFoundException'
  | 'ResourceConflictException'
  | 'InvalidParameterValueException'
  | 'InvalidRequestContentException'
  | 'RequestTooLargeException'
  | 'TooManyRequestsException'
  | 'ServiceException'
  | 'UnsupportedMediaTypeException'
  | 'CodeStorageExceededException'
  | 'ResourceNotReadyException'
  | 'UnknownOperationException'
  | 'PreconditionFailedException'
  | 'ValidationException';

const STATUS: Record<ErrorCode, number> = {
  ResourceNotFoundException: 404,
  ResourceConflictException: 409,
  InvalidParameterValueException: 400,
  InvalidRequestContentException: 400,
  RequestTooLargeException: 413,
  TooManyRequestsException: 429,
  ServiceException: 500,
  UnsupportedMediaTypeException: 415,
  CodeStorageExceededException: 400,
  ResourceNotReadyException: 502,
  UnknownOperationException: 404,
  PreconditionFailedException: 412,
  ValidationException: 400,
};

export class LambdaError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
    this.status = STATUS[code];
  }
}

export const notFound = (message: string) => new LambdaError('ResourceNotFoundException', message);
export const invalidParameter = (message: string) => new LambdaError('InvalidParameterValueException', message);
/** A value outside the API model's constraints ("failed to satisfy constraint"): AWS answers ValidationException. */
export const constraintViolation = (message: string) => new LambdaError('ValidationException', message);
