import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Vault } from '../../shared/vault/vault';
import { generateMasterKey, parseMasterKey } from '../../shared/vault/masterKey';
import { expectVaultError, makeTempDir } from '../helpers/vaultTestKit';

const CANARY = 'CANARY-rotation-33ab';

test('passphrase keys: scrypt at OWASP parameters in the header, a wrong passphrase is a wrong key', async (t) => {
  const dir = makeTempDir(t);
  const vaultPath = join(dir, 'default.vault.json');
  const passphrase = parseMasterKey('correct horse battery staple');
  const vault = await Vault.create(vaultPath, passphrase);
  await vault.add({ name: 'p', type: 'apiKey', data: { value: CANARY } });
  const header = JSON.parse(readFileSync(vaultPath, 'utf8')).header;
  assert.equal(header.kdf.name, 'scrypt');
  assert.deepEqual([header.kdf.N, header.kdf.r, header.kdf.p], [131072, 8, 1]);
  assert.ok(Buffer.from(header.kdf.salt, 'base64').length >= 16);
  assert.ok(!readFileSync(vaultPath, 'utf8').includes('correct horse'));

  assert.deepEqual((await Vault.open(vaultPath, parseMasterKey('correct horse battery staple'))).get('p')?.data, { value: CANARY });
  await expectVaultError(Vault.open(vaultPath, parseMasterKey('wrong horse battery staple')), 'vault-wrong-key');
  const raw = await expectVaultError(Vault.open(vaultPath, generateMasterKey()), 'vault-wrong-key');
  assert.match(raw.message, /protected by a passphrase, but a 32-byte key was given/);
});

test('rotateKey re-encrypts every secret, reports progress, and only the new key opens the vault', async (t) => {
  const dir = makeTempDir(t);
  const vaultPath = join(dir, 'default.vault.json');
  const oldKey = generateMasterKey();
  const vault = await Vault.create(vaultPath, oldKey);
  const names = ['one', 'two', 'three'];
  const ids = new Map<string, string>();
  for (const name of names) ids.set(name, (await vault.add({ name, type: 'custom', data: { secret: `${CANARY}-${name}` }, tags: ['t'] })).id);
  const before = JSON.parse(readFileSync(vaultPath, 'utf8'));
  const generation = vault.generation;

  const newKey = parseMasterKey('a brand new passphrase');
  const progress: [number, number][] = [];
  await vault.rotateKey(newKey, (done, total) => progress.push([done, total]));
  assert.deepEqual(progress, [[0, 3], [1, 3], [2, 3], [3, 3]]);
  assert.equal(vault.generation, generation + 1);

  const after = JSON.parse(readFileSync(vaultPath, 'utf8'));
  assert.equal(after.header.kdf.name, 'scrypt');
  for (let i = 0; i < names.length; i++) {
    assert.notEqual(after.entries[i].ciphertext, before.entries[i].ciphertext);
    assert.notEqual(after.entries[i].iv, before.entries[i].iv);
  }
  assert.ok(!readFileSync(vaultPath, 'utf8').includes(CANARY));
  await expectVaultError(Vault.open(vaultPath, oldKey), 'vault-wrong-key');
  const reopened = await Vault.open(vaultPath, parseMasterKey('a brand new passphrase'));
  for (const name of names) {
    const secret = reopened.require(name);
    assert.equal(secret.id, ids.get(name));
    assert.deepEqual(secret.data, { secret: `${CANARY}-${name}` });
  }
  // The instance keeps working with the new key.
  await vault.add({ name: 'four', type: 'apiKey', data: { value: 'v' } });

  // And back to a raw key: the scrypt header goes away.
  const rawKey = generateMasterKey();
  await vault.rotateKey(rawKey);
  assert.deepEqual(JSON.parse(readFileSync(vaultPath, 'utf8')).header.kdf, { name: 'none' });
  assert.deepEqual((await Vault.open(vaultPath, rawKey)).get('two')?.data, { secret: `${CANARY}-two` });
});

test('rotating to a new passphrase uses a new salt', async (t) => {
  const dir = makeTempDir(t);
  const vaultPath = join(dir, 'default.vault.json');
  const vault = await Vault.create(vaultPath, parseMasterKey('first passphrase here'));
  const salt = JSON.parse(readFileSync(vaultPath, 'utf8')).header.kdf.salt;
  await vault.rotateKey(parseMasterKey('first passphrase here'));
  assert.notEqual(JSON.parse(readFileSync(vaultPath, 'utf8')).header.kdf.salt, salt);
});

test('an aborted rotation writes nothing and the old key still opens the vault', async (t) => {
  const dir = makeTempDir(t);
  const vaultPath = join(dir, 'default.vault.json');
  const oldKey = generateMasterKey();
  const vault = await Vault.create(vaultPath, oldKey);
  for (const name of ['a', 'b', 'c']) await vault.add({ name, type: 'apiKey', data: { value: `${CANARY}-${name}` } });
  const bytes = readFileSync(vaultPath);
  const controller = new AbortController();
  await assert.rejects(
    vault.rotateKey(generateMasterKey(), (done) => done === 1 && controller.abort(), controller.signal),
    (error: unknown) => error instanceof Error && error.name === 'AbortError',
  );
  assert.deepEqual(readFileSync(vaultPath), bytes);
  assert.deepEqual((await Vault.open(vaultPath, oldKey)).get('c')?.data, { value: `${CANARY}-c` });
  await vault.add({ name: 'd', type: 'apiKey', data: { value: 'still the old key' } });
  assert.ok((await Vault.open(vaultPath, oldKey)).get('d'));
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(vault.rotateKey(generateMasterKey(), undefined, aborted.signal), (error: unknown) => error instanceof Error && error.name === 'AbortError');
});
