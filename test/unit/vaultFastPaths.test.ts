import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Vault } from '../../shared/vault/vault';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { deriveVaultKeys, encryptData } from '../../shared/vault/vaultCrypto';
import { entryAad } from '../../shared/vault/vaultEntries';
import { serializeVaultDocument } from '../../shared/vault/vaultFormat';
import type { VaultDocument } from '../../shared/vault/vaultFormat';
import { sealDocument } from '../../shared/vault/vaultSeal';
import { assertNoCanary, expectVaultError, makeTempDir, runVaultChild } from '../helpers/vaultTestKit';

/**
 * The shortcuts an open Vault takes (vault.ts, vaultState.ts): a re-read under the lock that finds
 * the very bytes it last verified or wrote skips parsing and verifying them; names are looked up in
 * an index kept across writes; a secret's data is checked against its type on its first decryption.
 * Each must still see every change made elsewhere.
 */
const CANARY = 'CANARY-fastpath-5c1e';

async function openVault(t: Parameters<typeof makeTempDir>[0]) {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'default.vault.json');
  const vault = await Vault.create(vaultPath, key);
  await vault.add({ name: 'first', type: 'apiKey', data: { value: `${CANARY}-first` }, description: 'abc' });
  return { dir, key, vaultPath, vault };
}

test('a write after another process wrote the file builds on what that process wrote', async (t) => {
  const { key, vaultPath, vault } = await openVault(t);
  const child = runVaultChild(['add', vaultPath, 'Other', '2'], { WORKFLOW_SECRETS_KEY: formatMasterKey(key) });
  assert.equal(await child.exited, 0, child.stderr());
  const before = vault.generation;
  await vault.add({ name: 'mine', type: 'apiKey', data: { value: 'mine-value' } });
  assert.equal(vault.generation, before + 3, 'the two writes of the other process were seen, then ours');
  assert.deepEqual(vault.get('Other_1')?.data, { value: 'value-Other-1' }, 'the index holds what the other process added');
  const reopened = await Vault.open(vaultPath, key);
  assert.deepEqual(reopened.list().map((secret) => secret.name), ['first', 'mine', 'Other_0', 'Other_1']);
});

test('a file edited in place to the same length is verified again: refused, and nothing is written', async (t) => {
  const { vaultPath, vault } = await openVault(t);
  const text = readFileSync(vaultPath, 'utf8');
  const edited = text.replace('"description":"abc"', '"description":"abd"');
  assert.notEqual(edited, text);
  assert.equal(edited.length, text.length);
  writeFileSync(vaultPath, edited);
  const error = await expectVaultError(vault.add({ name: 'second', type: 'apiKey', data: { value: 'v' } }), 'vault-tampered');
  assertNoCanary(error, [CANARY]);
  assert.equal(readFileSync(vaultPath, 'utf8'), edited);
});

test('an unchanged file is still checked for its permissions on every write', async (t) => {
  const { vaultPath, key } = await openVault(t);
  const warnings: string[] = [];
  const vault = await Vault.open(vaultPath, key, { onWarning: (message) => warnings.push(message) });
  chmodSync(vaultPath, 0o644);
  await vault.add({ name: 'second', type: 'apiKey', data: { value: 'v' } });
  assert.equal(statSync(vaultPath).mode & 0o777, 0o600);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /mode 0644.*set to 0600/);
});

test('the name index follows add, update, rename and delete, and its case rule', async (t) => {
  const { vaultPath, key, vault } = await openVault(t);
  await vault.add({ name: 'Alpha', type: 'basicAuth', data: { username: 'u', password: 'p1' } });
  assert.equal(vault.get('alpha'), undefined, 'lookups are case-sensitive');
  await expectVaultError(vault.add({ name: 'ALPHA', type: 'apiKey', data: { value: 'v' } }), 'secret-exists');

  await vault.update('Alpha', { data: { username: 'u', password: 'p2' }, tags: ['t'] });
  assert.deepEqual(vault.get('Alpha')?.data, { username: 'u', password: 'p2' });

  await vault.rename('Alpha', 'beta');
  assert.equal(vault.get('Alpha'), undefined);
  assert.deepEqual(vault.get('beta')?.data, { username: 'u', password: 'p2' });
  await expectVaultError(vault.add({ name: 'BETA', type: 'apiKey', data: { value: 'v' } }), 'secret-exists');
  await vault.add({ name: 'alpha', type: 'apiKey', data: { value: 'the old name is free' } });
  assert.deepEqual(vault.get('alpha')?.data, { value: 'the old name is free' });
  await vault.rename('beta', 'Beta');
  assert.equal(vault.get('beta'), undefined, 'a change of case alone renames too');

  await vault.delete('Beta');
  assert.equal(vault.get('Beta'), undefined);
  await expectVaultError(vault.update('Beta', { description: 'x' }), 'secret-not-found');
  await vault.add({ name: 'bEtA', type: 'apiKey', data: { value: 'again' } });
  assert.deepEqual(vault.get('bEtA')?.data, { value: 'again' });

  const names = ['alpha', 'bEtA', 'first'];
  assert.deepEqual(vault.list().map((secret) => secret.name), names);
  const reopened = await Vault.open(vaultPath, key);
  assert.deepEqual(reopened.list().map((secret) => secret.name), names);
  for (const name of names) assert.deepEqual(reopened.get(name)?.data, vault.get(name)?.data);
});

test('the index of an open vault follows a rename and a delete made by another instance', async (t) => {
  const { vaultPath, key, vault } = await openVault(t);
  await vault.add({ name: 'second', type: 'apiKey', data: { value: 'two' } });
  const other = await Vault.open(vaultPath, key);
  await other.rename('first', 'renamed');
  await other.delete('second');
  assert.equal(vault.get('first')?.name, 'first', 'not yet reloaded');
  await vault.reload();
  assert.equal(vault.get('first'), undefined);
  assert.equal(vault.get('second'), undefined);
  assert.deepEqual(vault.get('renamed')?.data, { value: `${CANARY}-first` });
  await vault.add({ name: 'first', type: 'apiKey', data: { value: 'new first' } });
  assert.deepEqual((await Vault.open(vaultPath, key)).list().map((secret) => secret.name), ['first', 'renamed']);
});

test('get returns a fresh copy each time, its members in the model\'s order', async (t) => {
  const { vault } = await openVault(t);
  const one = vault.get('first')!;
  one.tags.push('changed');
  (one.data as { value: string }).value = 'changed';
  const two = vault.get('first')!;
  assert.deepEqual(two.tags, []);
  assert.deepEqual(two.data, { value: `${CANARY}-first` });
  // The file lists members sorted (its canonical form); callers see the model's order, as before.
  assert.deepEqual(Object.keys(two), ['id', 'name', 'type', 'description', 'tags', 'fields', 'createdAt', 'updatedAt', 'data']);
});

test('decrypted data that does not fit its type is refused on every get, not only the first', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  assert.ok(key.kind === 'raw');
  const vaultPath = join(dir, 'default.vault.json');
  const vault = await Vault.create(vaultPath, key);
  await vault.add({ name: 'login', type: 'basicAuth', data: { username: 'u', password: 'p' } });
  // Someone holding the key seals data of the wrong shape for the entry (its AAD and the MAC are right).
  const keys = deriveVaultKeys(key.bytes);
  const document = JSON.parse(readFileSync(vaultPath, 'utf8')) as VaultDocument;
  const entry = document.entries[0]!;
  const sealed = encryptData(keys.dataKey, Buffer.from(JSON.stringify({ username: 'u', token: CANARY })), entryAad(entry.metadata));
  Object.assign(entry, { iv: sealed.iv.toString('base64'), tag: sealed.tag.toString('base64'), ciphertext: sealed.ciphertext.toString('base64') });
  const { keyCheck: _keyCheck, ...header } = document.header;
  writeFileSync(vaultPath, serializeVaultDocument(sealDocument({ ...header, generation: header.generation + 1 }, document.entries, keys)));
  const forged = await Vault.open(vaultPath, key);
  for (let attempt = 0; attempt < 2; attempt++) {
    const error = await expectVaultError(Promise.resolve().then(() => forged.get('login')), 'vault-corrupt');
    assert.match(error.message, /does not fit its type basicAuth/);
    assertNoCanary(error, [CANARY]);
  }
});
