import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Vault } from '../../shared/vault/vault';
import { generateMasterKey, parseMasterKey } from '../../shared/vault/masterKey';
import { checkVaultKey, readVaultMetadata } from '../../shared/vault/vaultMetadata';
import { expectVaultError, makeTempDir } from '../helpers/vaultTestKit';

const CANARY = 'CANARY-metadata-0c4e';

test('readVaultMetadata lists names, types, fields and expiry without a key, and never values', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'prod.vault.json');
  const vault = await Vault.create(vaultPath, key, { environment: 'prod' });
  await vault.add({ name: 'token', type: 'bearerToken', data: { token: CANARY, expiresAt: '2020-01-01T00:00:00Z' }, description: 'old token', tags: ['ci'] });
  await vault.add({ name: 'custom_one', type: 'custom', data: { host: 'db.local', password: CANARY } });
  const bytes = readFileSync(vaultPath);
  const mtime = statSync(vaultPath).mtimeMs;

  const snapshot = await readVaultMetadata(vaultPath);
  assert.equal(snapshot.generation, 3);
  assert.equal(snapshot.environment, 'prod');
  assert.deepEqual(
    snapshot.secrets.map(({ name, type, fields, expiresAt, tags, description }) => ({ name, type, fields, expiresAt, tags, description })),
    [
      { name: 'token', type: 'bearerToken', fields: ['token', 'expiresAt'], expiresAt: '2020-01-01T00:00:00Z', tags: ['ci'], description: 'old token' },
      { name: 'custom_one', type: 'custom', fields: ['host', 'password'], expiresAt: undefined, tags: [], description: '' },
    ],
  );
  assert.ok(!JSON.stringify(snapshot).includes(CANARY));
  assert.deepEqual(readFileSync(vaultPath), bytes);
  assert.equal(statSync(vaultPath).mtimeMs, mtime);
});

test('readVaultMetadata reports a missing or damaged file with typed errors', async (t) => {
  const dir = makeTempDir(t);
  await expectVaultError(readVaultMetadata(join(dir, 'missing.vault.json')), 'vault-not-found');
  const damaged = join(dir, 'damaged.vault.json');
  writeFileSync(damaged, '{"header":', { mode: 0o600 });
  await expectVaultError(readVaultMetadata(damaged), 'vault-corrupt');
});

test('checkVaultKey tells the right key from a wrong one, of either kind, without changing the file', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const rawPath = join(dir, 'raw.vault.json');
  await (await Vault.create(rawPath, key)).add({ name: 'x', type: 'apiKey', data: { value: CANARY } });
  const bytes = readFileSync(rawPath);
  assert.equal(await checkVaultKey(rawPath, key), 'ok');
  assert.equal(await checkVaultKey(rawPath, generateMasterKey()), 'wrong-key');
  assert.equal(await checkVaultKey(rawPath, parseMasterKey('some passphrase text')), 'wrong-key');
  assert.deepEqual(readFileSync(rawPath), bytes);

  const passPath = join(dir, 'pass.vault.json');
  await Vault.create(passPath, parseMasterKey('the vault passphrase'));
  assert.equal(await checkVaultKey(passPath, parseMasterKey('the vault passphrase')), 'ok');
  assert.equal(await checkVaultKey(passPath, parseMasterKey('not the passphrase')), 'wrong-key');
  assert.equal(await checkVaultKey(passPath, key), 'wrong-key');

  await expectVaultError(checkVaultKey(join(dir, 'none.vault.json'), key), 'vault-not-found');
  writeFileSync(rawPath, bytes.subarray(0, 40));
  await expectVaultError(checkVaultKey(rawPath, key), 'vault-corrupt');
});
