import { describeError, WorkflowSecretsError } from '../shared/errors';
import type { ErrorCode } from '../shared/errors';

/**
 * Exit codes (documented in the README section "Command line"):
 * 0 ok; 1 problems found (check errors, blocked nodes, a refused export, a missing or invalid
 * secret); 2 usage (bad arguments, unreadable input file); 3 vault or key error (missing key,
 * wrong key, damaged vault, provider configuration).
 */
export const ExitCode = { ok: 0, problems: 1, usage: 2, vault: 3 } as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The process's streams and environment, injected so commands never reach for globals. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: Record<string, string | undefined>;
  cwd: string;
}

export function out(io: Io, text = ''): void {
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(io: Io, text: string): void {
  io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function json(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const VAULT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'vault-not-found',
  'vault-wrong-key',
  'vault-corrupt',
  'vault-tampered',
  'vault-unsupported-version',
  'vault-weak-kdf',
  'vault-permissions',
  'vault-locked',
  'vault-io',
  'key-missing',
  'key-invalid',
  'provider-unavailable',
  'provider-denied',
  'provider-error',
]);

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof WorkflowSecretsError) {
    if (error.code === 'usage') return ExitCode.usage;
    if (VAULT_CODES.has(error.code)) return ExitCode.vault;
  }
  return ExitCode.problems;
}

/** `error: what happened` and `hint: what to do`, on stderr. Built from the error's own value-free text. */
export function reportError(io: Io, error: unknown): ExitCodeValue {
  if (error instanceof WorkflowSecretsError) {
    err(io, `error: ${error.message}`);
    if (error.hint) err(io, `hint: ${error.hint}`);
  } else {
    // A SyntaxError from JSON.parse quotes the text it read, which may be a value: never print it.
    err(io, `error: ${error instanceof SyntaxError ? 'some input could not be parsed.' : describeError(error)}`);
    err(io, 'hint: this is unexpected; run the command again, and report it if it keeps happening (the message above holds no secret values).');
  }
  return exitCodeFor(error);
}

/** `1 secret` / `2 secrets`. */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}
