/**
 * Shared bits of the vault tests: a real temp folder per test, raw keys, a typed assertion on
 * WorkflowSecretsError codes, and child processes running TypeScript helpers through tsx.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkflowSecretsError } from '../../shared/errors';
import type { ErrorCode } from '../../shared/errors';

export const VAULT_WRITER_CHILD = resolve(__dirname, 'vaultWriterChild.ts');

/** A fresh temp folder (realpath, so macOS /var → /private/var does not confuse path checks). */
export function makeTempDir(t: { after(fn: () => void): void }, prefix = 'ws-vault-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Awaits `promise` and checks it failed with this code; returns the error for more checks. */
export async function expectVaultError(promise: Promise<unknown>, code: ErrorCode): Promise<WorkflowSecretsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WorkflowSecretsError, `expected a WorkflowSecretsError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a ${code} error, but it succeeded`);
}

/** Asserts none of the canaries occur in an error's message, hint or stack. */
export function assertNoCanary(error: unknown, canaries: string[]): void {
  const text = error instanceof WorkflowSecretsError ? `${error.message}\n${error.hint}\n${error.stack ?? ''}` : String(error);
  for (const canary of canaries) assert.ok(!text.includes(canary), `a secret value appeared in: ${text}`);
}

export interface ChildRun {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout has a line satisfying `match`. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
}

/** Runs test/helpers/vaultWriterChild.ts with these arguments and environment additions. */
export function runVaultChild(args: string[], env: Record<string, string> = {}): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', VAULT_WRITER_CHILD, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const lineListeners = new Set<(line: string) => void>();
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) for (const listener of lineListeners) listener(line);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((done) => child.on('close', (code, signal) => done(code ?? signal ?? -1)));
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    waitForLine(match, timeoutMs = 60_000) {
      return new Promise((done, fail) => {
        const timer = setTimeout(() => finish(() => fail(new Error(`no matching line within ${timeoutMs} ms; stdout: ${out} stderr: ${err}`))), timeoutMs);
        const listener = (line: string) => {
          if (match(line)) finish(() => done(line));
        };
        const onExit = () => finish(() => fail(new Error(`child exited before a matching line; stdout: ${out} stderr: ${err}`)));
        function finish(settle: () => void) {
          clearTimeout(timer);
          lineListeners.delete(listener);
          child.off('close', onExit);
          settle();
        }
        lineListeners.add(listener);
        child.once('close', onExit);
      });
    },
  };
}
