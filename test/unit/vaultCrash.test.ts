import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Vault } from '../../shared/vault/vault';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { tempFilePrefixOf } from '../../shared/vault/vaultPaths';
import { makeTempDir, runVaultChild } from '../helpers/vaultTestKit';

const KILLS = 6;

test('a writer killed with SIGKILL mid-write leaves a vault that opens with the old or new content', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'default.vault.json');
  const setup = await Vault.create(vaultPath, key);
  await setup.add({ name: 'counter', type: 'apiKey', data: { value: 'start' } });
  await setup.add({ name: 'stable', type: 'basicAuth', data: { username: 'u', password: 'stable-password' } });
  const tempPrefix = tempFilePrefixOf(vaultPath);
  const temps = () => readdirSync(dir).filter((name) => name.startsWith(tempPrefix));

  let lastSeen = setup.generation;
  for (let round = 0; round < KILLS; round++) {
    const run = runVaultChild(['loop', vaultPath, 'counter'], { WORKFLOW_SECRETS_KEY: formatMasterKey(key) });
    await run.waitForLine((line) => line === 'open');
    // Kill after a varying number of completed writes, while the next one is under way.
    const target = 1 + ((round * 7) % 5);
    let printed = 0;
    const last = await run.waitForLine((line) => /^\d+$/.test(line) && ++printed >= target);
    run.child.kill('SIGKILL');
    assert.equal(await run.exited, 'SIGKILL');
    const reported = Number(last);

    // A temp file the dead writer might have left, made certain for the cleanup check.
    writeFileSync(join(dir, `${tempPrefix}${run.child.pid}-0badc0de`), 'partial write');
    const vault = await Vault.open(vaultPath, key);
    assert.ok(vault.generation >= reported, `generation ${vault.generation} lost the reported ${reported}`);
    assert.ok(vault.generation >= lastSeen);
    assert.match(String((vault.get('counter')?.data as { value: string }).value), /^(start|round-\d+-x*)$/);
    assert.deepEqual(vault.get('stable')?.data, { username: 'u', password: 'stable-password' });
    assert.deepEqual(temps(), [], 'stray temp files of dead writers are removed on open');
    lastSeen = vault.generation;
  }
  // And the vault is still writable afterwards (a lock left by a kill is taken over).
  const after = await Vault.open(vaultPath, key);
  await after.update('counter', { data: { value: 'final' } });
  assert.equal(after.generation, lastSeen + 1);
});
