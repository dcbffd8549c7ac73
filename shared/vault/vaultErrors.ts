import { WorkflowSecretsError } from '../errors';
import { printable } from '../secretNames';

/**
 * The vault's errors in one place so every message names the file and every hint says what to do.
 * Inputs are paths, names, numbers and fixed phrases: never file content or a secret value.
 */
const RESTORE = 'Restore the file from a backup. Nothing was written over it.';

export function vaultNotFound(path: string): WorkflowSecretsError {
  return new WorkflowSecretsError(
    'vault-not-found',
    `No vault at ${path}.`,
    'Add a secret to create it (workflow-secrets secret add NAME --type TYPE), or point --vault, --env, WORKFLOW_SECRETS_VAULT or WORKFLOW_SECRETS_ENV at an existing vault.',
  );
}

export function vaultExists(path: string): WorkflowSecretsError {
  return new WorkflowSecretsError('vault-io', `A vault already exists at ${path}.`, 'Open it instead, or choose another path with --vault or WORKFLOW_SECRETS_VAULT.');
}

export function vaultWrongKey(path: string, detail?: string): WorkflowSecretsError {
  return new WorkflowSecretsError(
    'vault-wrong-key',
    `The master key does not open the vault ${path}${detail ? `: ${detail}` : ' (the key check failed)'}.`,
    'Use the key or passphrase this vault was created with (WORKFLOW_SECRETS_KEY, or the key VS Code keeps). If you are sure it is right, the header may be damaged: restore the file from a backup.',
  );
}

export function vaultCorrupt(path: string, what: string, cause?: unknown): WorkflowSecretsError {
  return new WorkflowSecretsError('vault-corrupt', `The vault ${path} is damaged: ${what}.`, RESTORE, cause === undefined ? undefined : { cause });
}

export function vaultTampered(path: string, what: string): WorkflowSecretsError {
  return new WorkflowSecretsError(
    'vault-tampered',
    `The vault ${path} failed its integrity check: ${what}.`,
    `It was changed outside Workflow Secrets or damaged. ${RESTORE}`,
  );
}

export function vaultRolledBack(path: string, seen: number, found: number): WorkflowSecretsError {
  return new WorkflowSecretsError(
    'vault-tampered',
    `The vault ${path} went back from generation ${seen} to ${found}: an older copy of the file replaced the one in use.`,
    'If you restored a backup on purpose, open the vault again (restart the command or reload the window); otherwise find out what replaced the file. Nothing was written over it.',
  );
}

export function vaultUnsupportedVersion(path: string, version: unknown): WorkflowSecretsError {
  const shown = typeof version === 'number' && Number.isSafeInteger(version) ? String(version) : 'unknown';
  return new WorkflowSecretsError(
    'vault-unsupported-version',
    `The vault ${path} has format version ${shown}; this version of Workflow Secrets reads version 1.`,
    'Update Workflow Secrets (the extension and the workflow-secrets command) to a version that reads it.',
  );
}

export function vaultWeakKdf(path: string, params: { N: number; r: number; p: number; saltBytes: number }): WorkflowSecretsError {
  return new WorkflowSecretsError(
    'vault-weak-kdf',
    `The vault ${path} asks for scrypt parameters weaker than allowed (N=${params.N}, r=${params.r}, p=${params.p}, salt ${params.saltBytes} bytes; the minimum is N=131072, r=8, p=1, salt 16 bytes).`,
    'Workflow Secrets never writes such a header: the file was altered or made by another tool. Restore it from a backup.',
  );
}

export function vaultPermissions(path: string, what: string, hint: string): WorkflowSecretsError {
  return new WorkflowSecretsError('vault-permissions', `The vault ${path} ${what}.`, hint);
}

export function vaultLocked(path: string, lockPath: string, holder: string): WorkflowSecretsError {
  return new WorkflowSecretsError(
    'vault-locked',
    `The vault ${path} is locked by ${holder}, and the lock was not released in time.`,
    `Wait for the other window or command to finish and try again. If no such process is running, delete ${lockPath}.`,
  );
}

export function vaultIo(path: string, action: string, error: unknown): WorkflowSecretsError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'an error';
  return new WorkflowSecretsError(
    'vault-io',
    `Could not ${action} the vault ${path} (${code}).`,
    'Check that the folder exists, that you own it, and that the disk is not full; then try again.',
    { cause: error },
  );
}

export function secretNotFound(path: string, name: string): WorkflowSecretsError {
  return new WorkflowSecretsError(
    'secret-not-found',
    `No secret named "${printable(name)}" in the vault ${path}.`,
    'List the secrets with `workflow-secrets secret list`; names are case-sensitive.',
  );
}

export function secretExists(path: string, name: string, existing: string): WorkflowSecretsError {
  const same = name === existing;
  return new WorkflowSecretsError(
    'secret-exists',
    same
      ? `A secret named "${printable(name)}" already exists in the vault ${path}.`
      : `The name "${printable(name)}" differs only in case from the existing secret "${printable(existing)}" in the vault ${path}.`,
    same ? 'Update it instead, or choose another name.' : 'Names are unique ignoring case: choose another name, or update or rename the existing secret.',
  );
}

export function secretInvalid(name: string, problems: string[]): WorkflowSecretsError {
  return new WorkflowSecretsError(
    'secret-invalid',
    `The secret "${printable(name)}" is not valid: ${problems.join('; ')}.`,
    'Fix the fields named above and try again.',
  );
}
