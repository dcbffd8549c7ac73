import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { lockPathOf } from './vaultPaths';
import { isProcessAlive } from './vaultProcess';
import { codeOf } from './vaultFile';
import { vaultIo, vaultLocked } from './vaultErrors';

/**
 * Serializes writers across processes (two VS Code windows and the command line) with a lock file
 * `<vault>.lock` created with O_EXCL, holding `{ pid, hostname, token, acquiredAt }`.
 * A lock whose process is gone (same host) or that is older than `staleMs` is taken over; a live
 * one is waited for with backoff up to `timeoutMs`, then `vault-locked`. Taking over goes through
 * a second O_EXCL file `<vault>.lock.break`, so two waiters never both remove the same stale lock
 * and then each other's fresh one.
 */
export const LOCK_DISABLE_ENV = 'WORKFLOW_SECRETS_TEST_DISABLE_LOCK';
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const DEFAULT_STALE_LOCK_MS = 60_000;
/** A lock file without readable content (its writer died between create and write). */
const UNREADABLE_LOCK_STALE_MS = 2_000;
const BREAKER_STALE_MS = 5_000;
const MAX_BACKOFF_MS = 200;

export interface LockOptions {
  timeoutMs?: number;
  staleMs?: number;
  /** Test only: no lock at all, so the reliability suite can prove it sees lost updates. */
  disabled?: boolean;
}

interface LockHolder {
  raw: string;
  pid?: number;
  host?: string;
  token?: string;
  acquiredAt?: string;
  mtimeMs: number;
}

/** True when WORKFLOW_SECRETS_TEST_DISABLE_LOCK=1 (for test child processes such as the CLI). */
export function lockDisabledByEnvironment(env: Record<string, string | undefined> = process.env): boolean {
  return env[LOCK_DISABLE_ENV] === '1';
}

/** Runs `work` holding the vault's lock; the lock is released however `work` ends. */
export async function withVaultLock<T>(vaultPath: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  if (options.disabled) return work();
  const token = await acquire(vaultPath, options);
  try {
    return await work();
  } finally {
    await release(vaultPath, token);
  }
}

async function acquire(vaultPath: string, options: LockOptions): Promise<string> {
  const lockPath = lockPathOf(vaultPath);
  const token = randomBytes(12).toString('hex');
  const content = JSON.stringify({ pid: process.pid, hostname: hostname(), token, acquiredAt: new Date().toISOString() });
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_LOCK_MS;
  const deadline = Date.now() + timeoutMs;
  let backoff = 2;
  for (;;) {
    try {
      await fs.writeFile(lockPath, content, { flag: 'wx', mode: 0o600 });
      return token;
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw vaultIo(vaultPath, 'lock', error);
    }
    const holder = await readHolder(lockPath).catch((error: unknown) => {
      throw vaultIo(vaultPath, 'read the lock of', error);
    });
    if (holder === undefined) continue; // Released between our attempt and the read.
    if (isStale(holder, staleMs)) {
      await breakStaleLock(lockPath, holder).catch((error: unknown) => {
        throw vaultIo(vaultPath, 'take over the stale lock of', error);
      });
      continue;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw vaultLocked(vaultPath, lockPath, describeHolder(holder));
    // Jitter keeps waiters that started together from retrying in lockstep.
    await delay(Math.min(remaining, backoff + Math.random() * backoff));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

async function release(vaultPath: string, token: string): Promise<void> {
  const lockPath = lockPathOf(vaultPath);
  const holder = await readHolder(lockPath);
  // Only remove our own lock: if it was taken over as stale, the file is someone else's now.
  if (holder?.token === token) await fs.unlink(lockPath).catch(() => undefined);
}

async function readHolder(lockPath: string): Promise<LockHolder | undefined> {
  let raw: string;
  let mtimeMs: number;
  try {
    [raw, { mtimeMs }] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return {
      raw,
      mtimeMs,
      pid: typeof parsed.pid === 'number' ? parsed.pid : undefined,
      host: typeof parsed.hostname === 'string' ? parsed.hostname : undefined,
      token: typeof parsed.token === 'string' ? parsed.token : undefined,
      acquiredAt: typeof parsed.acquiredAt === 'string' ? parsed.acquiredAt : undefined,
    };
  } catch {
    return { raw, mtimeMs };
  }
}

function isStale(holder: LockHolder, staleMs: number): boolean {
  const age = Date.now() - holder.mtimeMs;
  if (holder.pid === undefined) return age > Math.min(staleMs, UNREADABLE_LOCK_STALE_MS);
  if (holder.host === hostname() && !isProcessAlive(holder.pid)) return true;
  // Another host's process cannot be checked, and a pid may be reused: age is the last resort.
  return age > staleMs;
}

async function breakStaleLock(lockPath: string, stale: LockHolder): Promise<void> {
  const breaker = `${lockPath}.break`;
  try {
    await fs.writeFile(breaker, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
    // Someone else is taking it over; a breaker left by a killed process expires.
    const stat = await fs.stat(breaker).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > BREAKER_STALE_MS) await fs.unlink(breaker).catch(() => undefined);
    else await delay(1);
    return;
  }
  try {
    const current = await readHolder(lockPath);
    if (current && current.raw === stale.raw) await fs.unlink(lockPath).catch(() => undefined);
  } finally {
    await fs.unlink(breaker).catch(() => undefined);
  }
}

function describeHolder(holder: LockHolder): string {
  if (holder.pid === undefined) return 'another process';
  const where = holder.host && holder.host !== hostname() ? ` on ${holder.host}` : '';
  const since = holder.acquiredAt ? ` since ${holder.acquiredAt}` : '';
  return `process ${holder.pid}${where}${since}`;
}
