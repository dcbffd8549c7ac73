import assert from 'node:assert/strict';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Vault } from '../../shared/vault/vault';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { LOCK_DISABLE_ENV } from '../../shared/vault/vaultLock';
import { lockPathOf } from '../../shared/vault/vaultPaths';
import { expectVaultError, makeTempDir, runVaultChild } from '../helpers/vaultTestKit';

async function setup(t: Parameters<typeof makeTempDir>[0]) {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'default.vault.json');
  const vault = await Vault.create(vaultPath, key);
  return { dir, key, vaultPath, vault, env: { WORKFLOW_SECRETS_KEY: formatMasterKey(key) } };
}

/** The pid of a process that has exited (and been reaped), for stale locks. */
async function deadPid(): Promise<number> {
  const run = runVaultChild(['no-such-mode']);
  const pid = run.child.pid!;
  await run.exited;
  return pid;
}

test('several processes adding secrets at once lose nothing', async (t) => {
  const { vaultPath, key, env } = await setup(t);
  const processes = 4;
  const each = 8;
  const runs = Array.from({ length: processes }, (_, i) => runVaultChild(['add', vaultPath, `P${i}`, String(each)], env));
  const codes = await Promise.all(runs.map((run) => run.exited));
  runs.forEach((run, i) => assert.equal(codes[i], 0, run.stderr()));
  const vault = await Vault.open(vaultPath, key);
  assert.equal(vault.list().length, processes * each);
  for (let p = 0; p < processes; p++) {
    for (let i = 0; i < each; i++) assert.deepEqual(vault.get(`P${p}_${i}`)?.data, { value: `value-P${p}-${i}` });
  }
  assert.equal(vault.generation, 1 + processes * each, 'every write raised the generation exactly once');
  assert.ok(!existsSync(lockPathOf(vaultPath)), 'the lock is released');
});

test('a live lock is not taken: a writer times out with vault-locked naming the holder', async (t) => {
  const { vaultPath, key } = await setup(t);
  const holder = runVaultChild(['hold-lock', vaultPath]);
  t.after(() => holder.child.kill('SIGKILL'));
  await holder.waitForLine((line) => line === 'locked');
  const fast = await Vault.open(vaultPath, key, { lockTimeoutMs: 150 });
  const error = await expectVaultError(fast.add({ name: 'x', type: 'apiKey', data: { value: 'v' } }), 'vault-locked');
  assert.ok(error.message.includes(`process ${holder.child.pid}`));
  assert.ok(error.hint.includes(lockPathOf(vaultPath)));
  assert.equal(fast.get('x'), undefined);
});

test('a live lock is waited for, and the write goes through once it is released', async (t) => {
  const { vaultPath, vault } = await setup(t);
  const holder = runVaultChild(['hold-lock', vaultPath]);
  t.after(() => holder.child.kill('SIGKILL'));
  await holder.waitForLine((line) => line === 'locked');
  const pending = vault.add({ name: 'after_release', type: 'apiKey', data: { value: 'v' } });
  holder.child.stdin!.write('release\n');
  await holder.waitForLine((line) => line === 'released');
  const added = await pending;
  assert.equal(added.name, 'after_release');
  assert.equal(holder.child.exitCode, null, 'the holder is still alive: the lock was released, not taken over');
});

test('a lock left by a killed process is taken over', async (t) => {
  const { vaultPath, vault } = await setup(t);
  const holder = runVaultChild(['hold-lock', vaultPath]);
  await holder.waitForLine((line) => line === 'locked');
  holder.child.kill('SIGKILL');
  await holder.exited;
  assert.ok(existsSync(lockPathOf(vaultPath)), 'the killed holder left its lock');
  await vault.add({ name: 'taken_over', type: 'apiKey', data: { value: 'v' } });
  assert.ok(!existsSync(lockPathOf(vaultPath)));
});

test('stale locks: a dead pid, an unreadable lock file, or one older than staleLockMs', async (t) => {
  const { vaultPath, vault, key } = await setup(t);
  const lockPath = lockPathOf(vaultPath);
  const pid = await deadPid();
  const hourAgo = new Date(Date.now() - 3_600_000);

  writeFileSync(lockPath, JSON.stringify({ pid, hostname: hostname(), token: 'dead', acquiredAt: new Date().toISOString() }));
  // Two writers meet the same stale lock: only one may break it, and neither loses its write.
  await Promise.all([vault.add({ name: 'a1', type: 'apiKey', data: { value: '1' } }), vault.add({ name: 'a2', type: 'apiKey', data: { value: '2' } })]);

  writeFileSync(lockPath, '');
  utimesSync(lockPath, hourAgo, hourAgo);
  await vault.add({ name: 'b', type: 'apiKey', data: { value: 'v' } });

  // Our own pid is alive, but the lock is far older than the threshold.
  writeFileSync(lockPath, JSON.stringify({ pid: process.pid, hostname: hostname(), token: 'old', acquiredAt: hourAgo.toISOString() }));
  utimesSync(lockPath, hourAgo, hourAgo);
  const strict = await Vault.open(vaultPath, key, { staleLockMs: 1_000 });
  await strict.add({ name: 'c', type: 'apiKey', data: { value: 'v' } });

  await vault.reload();
  assert.deepEqual(vault.list().map((secret) => secret.name), ['a1', 'a2', 'b', 'c']);
  assert.ok(!existsSync(lockPath));
});

test('the test-only switch (option or environment variable) writes without the lock', async (t) => {
  const { vaultPath, vault, key } = await setup(t);
  const holder = runVaultChild(['hold-lock', vaultPath]);
  t.after(() => holder.child.kill('SIGKILL'));
  await holder.waitForLine((line) => line === 'locked');
  const unlocked = await Vault.open(vaultPath, key, { unsafeDisableLockForTests: true, lockTimeoutMs: 50 });
  await unlocked.add({ name: 'no_lock', type: 'apiKey', data: { value: 'v' } });
  process.env[LOCK_DISABLE_ENV] = '1';
  try {
    const viaEnv = await Vault.open(vaultPath, key, { lockTimeoutMs: 50 });
    await viaEnv.add({ name: 'no_lock_env', type: 'apiKey', data: { value: 'v' } });
  } finally {
    delete process.env[LOCK_DISABLE_ENV];
  }
  assert.ok(readFileSync(lockPathOf(vaultPath), 'utf8').includes(`"pid":${holder.child.pid}`), 'the holder still holds its lock');
  await vault.reload();
  assert.deepEqual(vault.list().map((secret) => secret.name), ['no_lock', 'no_lock_env']);
});
