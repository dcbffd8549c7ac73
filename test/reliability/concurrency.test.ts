import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isWorkflowSecretsError } from '../../shared/errors';
import { Vault } from '../../shared/vault/vault';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { LOCK_DISABLE_ENV, withVaultLock } from '../../shared/vault/vaultLock';
import { lockPathOf } from '../../shared/vault/vaultPaths';
import type { MasterKey } from '../../shared/vault/vaultTypes';
import { REPO_ROOT, bundleHelper } from './support/bundle';
import { startChild } from './support/children';
import type { LineChild } from './support/children';
import { secretName, secretValue } from './support/concurrencyPlan';
import { recordFigure, scaled } from './support/figures';
import { tempDir } from './support/tempDirs';

/**
 * Writers in separate processes, all at once, through the library and the command line: nothing
 * is lost. The same run with the lock switched off must lose writes, or the test could not see a
 * lost update at all. A live lock holder is waited for, never broken; killed, its lock is taken over.
 */
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const PROCESSES = 8;

interface Run {
  vaultPath: string;
  key: MasterKey;
  canary: string;
  baseGeneration: number;
  workers: LineChild[];
}

async function startRun(t: Parameters<typeof tempDir>[0], writer: string, modes: ('library' | 'cli')[], count: number, extraEnv: Record<string, string> = {}): Promise<Run> {
  const dir = await tempDir(t, 'concurrency');
  const vaultPath = join(dir, 'shared.vault.json');
  const key = generateMasterKey();
  const canary = `CANARY-conc-${randomBytes(6).toString('hex')}`;
  const vault = await Vault.create(vaultPath, key);
  const workers = modes.map((mode, id) =>
    startChild([writer], {
      CW_VAULT: vaultPath,
      CW_ID: String(id),
      CW_COUNT: String(count),
      CW_MODE: mode,
      CW_CLI: CLI,
      CW_CANARY: canary,
      WORKFLOW_SECRETS_KEY: formatMasterKey(key),
      ...extraEnv,
    }),
  );
  t.after(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
  });
  await Promise.all(workers.map((worker) => worker.waitForLine((line) => line === 'ready')));
  return { vaultPath, key, canary, baseGeneration: vault.generation, workers };
}

async function finish(run: Run): Promise<{ errors: Record<string, number>; stderr: string }> {
  const errors: Record<string, number> = {};
  for (const worker of run.workers) {
    const line = await worker.waitForLine((text) => text.startsWith('{'), 300_000);
    for (const [code, count] of Object.entries((JSON.parse(line) as { errors: Record<string, number> }).errors)) errors[code] = (errors[code] ?? 0) + count;
    const { code } = await worker.exited;
    if (code !== 0) errors[`worker-exit-${code}`] = (errors[`worker-exit-${code}`] ?? 0) + 1;
  }
  return { errors, stderr: run.workers.map((worker) => worker.stderr()).join('') };
}

/** Secrets missing or not at their last value. */
async function lostUpdates(run: Run, processes: number, count: number): Promise<{ lost: number; generation: number; total: number }> {
  const vault = await Vault.open(run.vaultPath, run.key);
  let lost = 0;
  for (let worker = 0; worker < processes; worker++) {
    for (let i = 0; i < count; i++) {
      const data = vault.get(secretName(worker, i))?.data as { value?: string } | undefined;
      if (data?.value !== secretValue(run.canary, worker, i, 'last')) lost++;
    }
  }
  return { lost, generation: vault.generation, total: vault.list().length };
}

test('8 processes adding and updating 50 secrets each at once, through the library and the CLI, lose nothing', async (t) => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: build with `node esbuild.mjs` (npm run test:reliability does)');
  const count = scaled(50, 'RELIABILITY_CONCURRENCY_SECRETS');
  const cliWorkers = Math.min(PROCESSES, scaled(2, 'RELIABILITY_CONCURRENCY_CLI_WORKERS'));
  const modes = Array.from({ length: PROCESSES }, (_, i) => (i < cliWorkers ? 'cli' : 'library') as 'cli' | 'library');
  const run = await startRun(t, await bundleHelper(t, 'reliabilityConcurrentWriter.ts'), modes, count);
  run.workers.forEach((worker) => worker.send('go'));
  const { errors, stderr } = await finish(run);
  const { lost, generation, total } = await lostUpdates(run, PROCESSES, count);
  const writes = PROCESSES * count * 2;
  t.diagnostic(`${cliWorkers} CLI and ${PROCESSES - cliWorkers} library writers; generation ${run.baseGeneration} → ${generation}`);
  recordFigure(t, { label: `concurrent writes (${PROCESSES} processes)`, cases: writes, failures: lost + Object.values(errors).reduce((a, b) => a + b, 0) });
  assert.deepEqual(errors, {}, stderr);
  assert.equal(lost, 0, `${lost} of ${PROCESSES * count} secrets missing or not at their last value`);
  assert.equal(total, PROCESSES * count);
  assert.equal(generation, run.baseGeneration + writes, 'every write raised the generation exactly once');
  assert.ok(!existsSync(lockPathOf(run.vaultPath)), 'the lock was released');
  const text = await readFile(run.vaultPath, 'utf8');
  assert.ok(!text.includes(run.canary), 'no value in plaintext in the vault file');
  const leftovers = (await readdir(join(run.vaultPath, '..'))).filter((name) => name !== 'shared.vault.json');
  assert.deepEqual(leftovers, [], 'no temp or lock files left');
});

test('with the lock disabled (test-only switch) the same writers lose updates, so the test can see them', async (t) => {
  const count = scaled(50, 'RELIABILITY_CONCURRENCY_SECRETS');
  const attempts = scaled(5, 'RELIABILITY_CONCURRENCY_UNLOCKED_ATTEMPTS');
  const writer = await bundleHelper(t, 'reliabilityConcurrentWriter.ts');
  const outcomes: string[] = [];
  let observed = false;
  for (let attempt = 1; attempt <= attempts && !observed; attempt++) {
    const modes = Array.from({ length: PROCESSES }, () => 'library' as const);
    const run = await startRun(t, writer, modes, count, { [LOCK_DISABLE_ENV]: '1' });
    run.workers.forEach((worker) => worker.send('go'));
    const { errors } = await finish(run);
    const { lost, generation } = await lostUpdates(run, PROCESSES, count);
    const rollbacks = errors['vault-tampered'] ?? 0;
    outcomes.push(`attempt ${attempt}: ${lost} lost, generation ${generation} for ${PROCESSES * count * 2} writes, ${rollbacks} rollbacks detected, errors ${JSON.stringify(errors)}`);
    observed = lost > 0;
  }
  for (const outcome of outcomes) t.diagnostic(outcome);
  recordFigure(t, { label: 'lost updates seen without the lock', cases: outcomes.length, failures: observed ? 0 : 1 });
  assert.ok(observed, `no lost update was observed without the lock in ${attempts} attempts: the concurrency test could not detect one`);
});

test('a live lock holder is waited for and never broken; once killed, its stale lock is taken over', async (t) => {
  const count = scaled(10, 'RELIABILITY_CONCURRENCY_STALE_SECRETS');
  const writer = await bundleHelper(t, 'reliabilityConcurrentWriter.ts');
  const holderScript = await bundleHelper(t, 'reliabilityLockHolder.ts');
  const modes = Array.from({ length: PROCESSES }, () => 'library' as const);
  const run = await startRun(t, writer, modes, count);
  const holder = startChild([holderScript], { LH_VAULT: run.vaultPath });
  t.after(() => holder.child.kill('SIGKILL'));
  const held = (await holder.waitForLine((line) => line.startsWith('locked '))).slice('locked '.length);

  run.workers.forEach((worker) => worker.send('go'));
  await Promise.all(run.workers.map((worker) => worker.waitForLine((line) => line === 'started')));
  // A probe that gives up after half a second: when it fails, the writers have been waiting too.
  let probe = 'acquired';
  await withVaultLock(run.vaultPath, async () => undefined, { timeoutMs: 500 }).catch((error: unknown) => {
    probe = isWorkflowSecretsError(error) ? error.code : String(error);
  });
  holder.send('check');
  const still = (await holder.waitForLine((line) => line.startsWith('check '))).slice('check '.length);
  const during = await Vault.open(run.vaultPath, run.key);
  const failures: string[] = [];
  if (probe !== 'vault-locked') failures.push(`the probe got ${probe} while the lock was held`);
  if (still !== held) failures.push('the live lock was replaced while its holder was alive');
  if (during.generation !== run.baseGeneration) failures.push(`writers wrote (generation ${during.generation}) while a live process held the lock`);

  holder.child.kill('SIGKILL');
  await holder.exited;
  const { errors, stderr } = await finish(run);
  const { lost, generation } = await lostUpdates(run, PROCESSES, count);
  if (Object.keys(errors).length > 0) failures.push(`writer errors ${JSON.stringify(errors)}: ${stderr}`);
  if (lost > 0) failures.push(`${lost} updates lost after the stale lock was taken over`);
  if (generation !== run.baseGeneration + PROCESSES * count * 2) failures.push(`generation ${generation}, expected ${run.baseGeneration + PROCESSES * count * 2}`);
  if (existsSync(lockPathOf(run.vaultPath))) failures.push('a lock file was left behind');
  recordFigure(t, { label: 'live lock waited for, stale lock taken over', cases: 3, failures: failures.length });
  assert.deepEqual(failures, []);
});
