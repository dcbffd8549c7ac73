import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Vault } from '../../shared/vault/vault';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { canonicalJson, deriveVaultKeys } from '../../shared/vault/vaultCrypto';
import { assertNoCanary, expectVaultError, makeTempDir } from '../helpers/vaultTestKit';

const CANARY = 'CANARY-storage-7f3a9c';

async function freshVault(t: Parameters<typeof makeTempDir>[0], options: Parameters<typeof Vault.create>[2] = {}) {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'default.vault.json');
  const vault = await Vault.create(vaultPath, key, options);
  return { dir, key, vaultPath, vault };
}

test('create secret: AES-256-GCM at rest, stored in the file, retrievable by name, with metadata', async (t) => {
  const { key, vaultPath, vault } = await freshVault(t);
  const before = Date.now();
  const metadata = await vault.add({ name: 'stripe', type: 'apiKey', data: { value: CANARY }, description: 'Stripe live key', tags: ['payments'] });
  assert.match(metadata.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(metadata.name, 'stripe');
  assert.equal(metadata.description, 'Stripe live key');
  assert.ok(Date.parse(metadata.createdAt) >= before - 1000);
  assert.equal(metadata.createdAt, metadata.updatedAt);
  assert.deepEqual(metadata.fields, ['value']);

  const text = readFileSync(vaultPath, 'utf8');
  assert.ok(!text.includes(CANARY), 'no plaintext value in the file');
  assert.ok(!readFileSync(vaultPath).includes(Buffer.from(CANARY).toString('base64').slice(0, 12)), 'nor its base64');
  assert.ok(key.kind === 'raw' && !text.includes(formatMasterKey(key)) && !text.includes(key.bytes.toString('hex')), 'the key is not stored with the secrets');

  // Decrypt the entry independently with node's AES-256-GCM to prove the cipher and AAD.
  const entry = JSON.parse(text).entries[0];
  assert.ok(key.kind === 'raw');
  const { dataKey } = deriveVaultKeys(key.bytes);
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(entry.iv, 'base64'), { authTagLength: 16 });
  decipher.setAAD(Buffer.from(canonicalJson({ id: metadata.id, name: 'stripe', type: 'apiKey', formatVersion: 1 })));
  decipher.setAuthTag(Buffer.from(entry.tag, 'base64'));
  const plaintext = Buffer.concat([decipher.update(Buffer.from(entry.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  assert.deepEqual(JSON.parse(plaintext), { value: CANARY });

  assert.deepEqual(vault.get('stripe')?.data, { value: CANARY });
  const reopened = await Vault.open(vaultPath, key);
  assert.deepEqual(reopened.require('stripe').data, { value: CANARY });
});

test('retrieve secret: data in the shape of its type; a missing name gives undefined or secret-not-found', async (t) => {
  const { vault, vaultPath } = await freshVault(t);
  await vault.add({
    name: 'github',
    type: 'oauth',
    data: { clientId: 'client-1', clientSecret: CANARY, scopes: ['repo', 'read:org'], tokenUrl: 'https://github.com/login/oauth/access_token' },
  });
  await vault.add({ name: 'api', type: 'bearerToken', data: { token: `${CANARY}-token`, expiresAt: '2027-01-31T00:00:00Z' } });
  const github = vault.require('github');
  assert.equal(github.type, 'oauth');
  assert.deepEqual(github.data, { clientId: 'client-1', clientSecret: CANARY, scopes: ['repo', 'read:org'], tokenUrl: 'https://github.com/login/oauth/access_token' });
  assert.deepEqual(vault.list({ type: 'bearerToken' })[0]?.expiresAt, '2027-01-31T00:00:00Z');
  assert.deepEqual(vault.list({ type: 'bearerToken' })[0]?.fields, ['token', 'expiresAt']);
  assert.equal(vault.get('missing'), undefined);
  assert.equal(vault.get('GitHub'), undefined, 'names are case-sensitive');
  const error = await expectVaultError(Promise.resolve().then(() => vault.require('missing')), 'secret-not-found');
  assert.match(error.message, /"missing"/);
  assert.ok(error.message.includes(vaultPath));
});

test('update secret: new data encrypted under a new IV; id and createdAt kept; updatedAt advanced', async (t) => {
  const fixed = new Date('2026-03-01T10:00:00.000Z');
  const { vault, vaultPath } = await freshVault(t, { now: () => fixed });
  const added = await vault.add({ name: 'db', type: 'basicAuth', data: { username: 'app', password: `${CANARY}-old` } });
  const ivBefore = JSON.parse(readFileSync(vaultPath, 'utf8')).entries[0].iv;
  const updated = await vault.update('db', { data: { username: 'app', password: `${CANARY}-new` }, description: 'main database', tags: ['prod'] });
  assert.equal(updated.id, added.id);
  assert.equal(updated.createdAt, added.createdAt);
  assert.ok(Date.parse(updated.updatedAt) > Date.parse(added.updatedAt), 'updatedAt advances even when the clock does not');
  assert.equal(updated.description, 'main database');
  assert.deepEqual(updated.tags, ['prod']);
  assert.deepEqual(vault.get('db')?.data, { username: 'app', password: `${CANARY}-new` });
  const file = JSON.parse(readFileSync(vaultPath, 'utf8'));
  assert.notEqual(file.entries[0].iv, ivBefore);
  assert.equal(file.entries.length, 1, 'replaced, not added');

  const metadataOnly = await vault.update('db', { description: 'renamed description' });
  assert.equal(metadataOnly.description, 'renamed description');
  assert.deepEqual(vault.get('db')?.data, { username: 'app', password: `${CANARY}-new` });
});

test('update refuses a type change, invalid data and a missing secret, never showing values', async (t) => {
  const { vault } = await freshVault(t);
  await vault.add({ name: 'db', type: 'basicAuth', data: { username: 'app', password: CANARY } });
  const typeChange = await expectVaultError(vault.update('db', { type: 'apiKey', data: { value: CANARY } }), 'secret-invalid');
  assert.match(typeChange.message, /type cannot change from basicAuth to apiKey/);
  const invalid = await expectVaultError(vault.update('db', { data: { username: 'app', password: '  ', extra: CANARY } }), 'secret-invalid');
  assert.match(invalid.message, /password|extra/);
  await expectVaultError(vault.update('nope', { description: 'x' }), 'secret-not-found');
  for (const error of [typeChange, invalid]) assertNoCanary(error, [CANARY]);
  assert.deepEqual(vault.get('db')?.data, { username: 'app', password: CANARY });
});

test('delete secret: removed from the file and no longer accessible', async (t) => {
  const { vault, vaultPath, key } = await freshVault(t);
  await vault.add({ name: 'temp', type: 'custom', data: { token: CANARY } });
  await vault.add({ name: 'keep', type: 'apiKey', data: { value: 'kept-value' } });
  await vault.delete('temp');
  assert.equal(vault.get('temp'), undefined);
  assert.deepEqual(vault.list().map((secret) => secret.name), ['keep']);
  const reopened = await Vault.open(vaultPath, key);
  assert.equal(reopened.get('temp'), undefined);
  assert.equal(JSON.parse(readFileSync(vaultPath, 'utf8')).entries.length, 1);
  await expectVaultError(vault.delete('temp'), 'secret-not-found');
});

test('list secrets: metadata only, filtered by type and/or tags, without decrypting', async (t) => {
  const { vault } = await freshVault(t);
  await vault.add({ name: 'b_key', type: 'apiKey', data: { value: CANARY }, tags: ['prod', 'payments'] });
  await vault.add({ name: 'a_key', type: 'apiKey', data: { value: CANARY }, tags: ['dev'] });
  await vault.add({ name: 'login', type: 'basicAuth', data: { username: 'u', password: CANARY }, tags: ['prod'] });
  const all = vault.list();
  assert.deepEqual(all.map((secret) => secret.name), ['a_key', 'b_key', 'login']);
  for (const secret of all) {
    assert.deepEqual(Object.keys(secret).sort(), ['createdAt', 'description', 'fields', 'id', 'name', 'tags', 'type', 'updatedAt']);
    assert.ok(!JSON.stringify(secret).includes(CANARY));
  }
  assert.deepEqual(vault.list({ type: 'apiKey' }).map((secret) => secret.name), ['a_key', 'b_key']);
  assert.deepEqual(vault.list({ tags: ['prod'] }).map((secret) => secret.name), ['b_key', 'login']);
  assert.deepEqual(vault.list({ tags: ['prod', 'payments'] }).map((secret) => secret.name), ['b_key']);
  assert.deepEqual(vault.list({ type: 'basicAuth', tags: ['prod'] }).map((secret) => secret.name), ['login']);
  assert.deepEqual(vault.list({ type: 'oauth' }), []);
  // The list is a copy: changing it does not change the vault.
  all[0]!.tags.push('mutated');
  assert.deepEqual(vault.list({ tags: ['mutated'] }), []);
});

test('add validates the name, the type and the data, and refuses names differing only in case', async (t) => {
  const { vault } = await freshVault(t);
  await vault.add({ name: 'Stripe', type: 'apiKey', data: { value: CANARY } });
  const caseClash = await expectVaultError(vault.add({ name: 'stripe', type: 'apiKey', data: { value: CANARY } }), 'secret-exists');
  assert.match(caseClash.message, /differs only in case from the existing secret "Stripe"/);
  const same = await expectVaultError(vault.add({ name: 'Stripe', type: 'apiKey', data: { value: CANARY } }), 'secret-exists');
  const badName = await expectVaultError(vault.add({ name: 'has space', type: 'apiKey', data: { value: CANARY } }), 'secret-invalid');
  const badType = await expectVaultError(vault.add({ name: 'x', type: 'ssh' as never, data: { value: CANARY } }), 'secret-invalid');
  const missing = await expectVaultError(vault.add({ name: 'x', type: 'basicAuth', data: { username: CANARY } }), 'secret-invalid');
  assert.match(missing.message, /"password" is required/);
  const unknown = await expectVaultError(vault.add({ name: 'x', type: 'apiKey', data: { value: CANARY, other: CANARY } }), 'secret-invalid');
  assert.match(unknown.message, /allowed: value/);
  const emptyCustom = await expectVaultError(vault.add({ name: 'x', type: 'custom', data: {} }), 'secret-invalid');
  const badTags = await expectVaultError(vault.add({ name: 'x', type: 'apiKey', data: { value: CANARY }, tags: [' '] }), 'secret-invalid');
  for (const error of [caseClash, same, badName, badType, missing, unknown, emptyCustom, badTags]) assertNoCanary(error, [CANARY]);
  assert.deepEqual(vault.list().map((secret) => secret.name), ['Stripe']);
});

test('rename keeps the id and the data, and follows the case rule', async (t) => {
  const { vault, vaultPath, key } = await freshVault(t);
  const original = await vault.add({ name: 'old_name', type: 'apiKey', data: { value: CANARY } });
  await vault.add({ name: 'Other', type: 'apiKey', data: { value: 'other-value' } });
  const renamed = await vault.rename('old_name', 'new_name');
  assert.equal(renamed.id, original.id);
  assert.equal(renamed.name, 'new_name');
  assert.equal(vault.get('old_name'), undefined);
  assert.deepEqual((await Vault.open(vaultPath, key)).get('new_name')?.data, { value: CANARY });
  await expectVaultError(vault.rename('new_name', 'other'), 'secret-exists');
  await expectVaultError(vault.rename('new_name', 'bad name'), 'secret-invalid');
  await expectVaultError(vault.rename('gone', 'whatever'), 'secret-not-found');
  const recased = await vault.rename('new_name', 'New_Name');
  assert.equal(recased.id, original.id);
});

test('the generation rises with every write and the folder holds only the vault afterwards', async (t) => {
  const { vault, dir } = await freshVault(t, { environment: 'dev' });
  assert.equal(vault.generation, 1);
  assert.equal(vault.environment, 'dev');
  await vault.add({ name: 'a', type: 'apiKey', data: { value: 'v1' } });
  await vault.update('a', { data: { value: 'v2' } });
  await vault.delete('a');
  assert.equal(vault.generation, 4);
  assert.deepEqual(readdirSync(dir), ['default.vault.json'], 'no lock, temp or key file left beside the vault');
});

test('writes re-read the file under the lock: two instances interleaving lose nothing', async (t) => {
  const { vault: first, vaultPath, key } = await freshVault(t);
  const second = await Vault.open(vaultPath, key);
  await first.add({ name: 'from_first', type: 'apiKey', data: { value: 'one' } });
  await second.add({ name: 'from_second', type: 'apiKey', data: { value: 'two' } });
  await Promise.all([first.add({ name: 'p1', type: 'apiKey', data: { value: '1' } }), second.add({ name: 'p2', type: 'apiKey', data: { value: '2' } })]);
  await first.reload();
  assert.deepEqual(first.list().map((secret) => secret.name), ['from_first', 'from_second', 'p1', 'p2']);
  await expectVaultError(second.add({ name: 'FROM_FIRST', type: 'apiKey', data: { value: 'x' } }), 'secret-exists');
});

test('open, create and openOrCreate', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'a', 'b', 'prod.vault.json');
  const missing = await expectVaultError(Vault.open(vaultPath, key), 'vault-not-found');
  assert.ok(missing.message.includes(vaultPath));
  const created = await Vault.openOrCreate(vaultPath, key, { environment: 'prod' });
  await created.add({ name: 'x', type: 'apiKey', data: { value: 'v' } });
  const opened = await Vault.openOrCreate(vaultPath, key);
  assert.deepEqual(opened.list().map((secret) => secret.name), ['x']);
  await expectVaultError(Vault.create(vaultPath, key), 'vault-io');
  assert.deepEqual((await Vault.open(vaultPath, key)).list().map((secret) => secret.name), ['x'], 'create did not overwrite');
});
