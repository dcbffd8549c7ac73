/**
 * How the Vault client's layers report a failed request: `unavailable` may fall back to the local
 * vault, `error` must not. Messages are built from addresses, paths, statuses and Vault's own error
 * text, never from secret data or tokens.
 */
export class ProviderFailure extends Error {
  constructor(
    readonly status: 'unavailable' | 'error',
    message: string,
    /** Set for the 403s, which callers tell apart: a policy denial, or a token Vault calls invalid. */
    readonly reason?: 'permissionDenied' | 'invalidToken',
  ) {
    super(message);
    this.name = 'ProviderFailure';
  }
}

export function isPermissionDenied(error: unknown): error is ProviderFailure {
  return error instanceof ProviderFailure && error.reason === 'permissionDenied';
}

/** A logger for provider diagnostics (retries, renewals). Never given values or tokens. */
export interface ProviderLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const SILENT_LOGGER: ProviderLogger = { info: () => undefined, warn: () => undefined };

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** The error to throw when `signal` fired: its reason when that is an AbortError, else a new one. */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

/** Waits `ms`, rejecting early with an AbortError when the signal fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
