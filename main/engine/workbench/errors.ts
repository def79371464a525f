// Errors of the window's own operations (not Lambda's): a searchable code, a
// message naming what is wrong, and what to do about it.

export class WorkbenchError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = code;
  }
}
