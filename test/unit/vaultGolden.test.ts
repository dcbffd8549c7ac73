import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Vault } from '../../shared/vault/vault';
import { parseMasterKey } from '../../shared/vault/masterKey';
import { checkVaultKey, readVaultMetadata } from '../../shared/vault/vaultMetadata';
import { expectVaultError, makeTempDir } from '../helpers/vaultTestKit';

const FIXTURES = join(__dirname, '..', 'fixtures', 'vault-v1');

for (const name of ['raw', 'passphrase']) {
  test(`golden vector v1 (${name} key): today's code decrypts it exactly`, async (t) => {
    // A copy: opening repairs permissions, and a checkout's 0644 must not touch the repository.
    const dir = makeTempDir(t);
    const vaultPath = join(dir, `${name}.vault.json`);
    copyFileSync(join(FIXTURES, `${name}.vault.json`), vaultPath);
    const key = parseMasterKey(readFileSync(join(FIXTURES, `${name}.key.txt`), 'utf8'));
    const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8'));

    const header = JSON.parse(readFileSync(vaultPath, 'utf8')).header;
    assert.equal(header.format, 'workflow-secrets-vault');
    assert.equal(header.version, 1);
    assert.equal(header.kdf.name, name === 'raw' ? 'none' : 'scrypt');

    assert.equal(await checkVaultKey(vaultPath, key), 'ok');
    const vault = await Vault.open(vaultPath, key, { onWarning: () => undefined });
    assert.equal(vault.generation, expected.generation);
    assert.equal(vault.environment, expected.environment);
    assert.deepEqual(
      vault.list().map((secret) => vault.require(secret.name)),
      expected.secrets,
    );
    const metadata = (await readVaultMetadata(vaultPath)).secrets.sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(metadata, expected.secrets.map(({ data: _data, ...rest }: { data: unknown }) => rest));

    // Still writable by today's code, and what it writes still reads back.
    await vault.add({ name: 'added_today', type: 'apiKey', data: { value: 'added' } });
    const reopened = await Vault.open(vaultPath, key);
    assert.deepEqual(reopened.get('golden_oauth')?.data, expected.secrets.find((secret: { name: string }) => secret.name === 'golden_oauth').data);
    assert.deepEqual(reopened.get('added_today')?.data, { value: 'added' });
  });
}

test('golden vector v1: any other key is refused as a wrong key', async (t) => {
  const dir = makeTempDir(t);
  const vaultPath = join(dir, 'raw.vault.json');
  copyFileSync(join(FIXTURES, 'raw.vault.json'), vaultPath);
  const other = parseMasterKey(Buffer.alloc(32, 1).toString('base64'));
  await expectVaultError(Vault.open(vaultPath, other), 'vault-wrong-key');
});
