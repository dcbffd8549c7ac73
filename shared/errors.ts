/**
 * Errors a user can see. Each says what happened and where (`message`) and what to do next
 * (`hint`). No error ever carries a secret value: build messages from names, paths and fields only.
 */
export type ErrorCode =
  | 'secret-not-found'
  | 'secret-exists'
  | 'secret-invalid'
  | 'field-not-found'
  | 'vault-not-found'
  | 'vault-wrong-key'
  | 'vault-corrupt'
  | 'vault-tampered'
  | 'vault-unsupported-version'
  | 'vault-weak-kdf'
  | 'vault-permissions'
  | 'vault-locked'
  | 'vault-io'
  | 'key-missing'
  | 'key-invalid'
  | 'provider-unavailable'
  | 'provider-denied'
  | 'provider-error'
  | 'workflow-invalid'
  | 'export-leak'
  | 'usage';

export class WorkflowSecretsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WorkflowSecretsError';
  }

  /** The message and the next step, as shown to people. */
  describe(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isWorkflowSecretsError(error: unknown, code?: ErrorCode): error is WorkflowSecretsError {
  return error instanceof WorkflowSecretsError && (code === undefined || error.code === code);
}

/** For unexpected errors: the message of an Error, or a generic line. Never `String(value)` of data. */
export function describeError(error: unknown): string {
  if (error instanceof WorkflowSecretsError) return error.describe();
  if (error instanceof Error) return error.message;
  return 'An unexpected error occurred.';
}
