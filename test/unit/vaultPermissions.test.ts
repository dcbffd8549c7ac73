import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Vault } from '../../shared/vault/vault';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { readVaultMetadata } from '../../shared/vault/vaultMetadata';
import { expectVaultError, makeTempDir, runVaultChild } from '../helpers/vaultTestKit';

const mode = (path: string) => statSync(path).mode & 0o777;

test('created under umask 000 (in a child process), the vault is 0600 and its new folders 0700', async (t) => {
  const dir = makeTempDir(t);
  const run = runVaultChild(['umask', dir], { WORKFLOW_SECRETS_KEY: formatMasterKey(generateMasterKey()) });
  assert.equal(await run.exited, 0, run.stderr());
  assert.deepEqual(JSON.parse(run.stdout().trim()), { file: 0o600, folder: 0o700, parent: 0o700 });
  // The write after creation replaced the file through a temp file: still 0600.
  assert.equal(mode(join(dir, 'nested', 'deeper', 'default.vault.json')), 0o600);
});

test('a group- or world-readable vault is repaired to 0600 on open, with a warning', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'default.vault.json');
  const vault = await Vault.create(vaultPath, key);
  await vault.add({ name: 'kept', type: 'apiKey', data: { value: 'CANARY-perm-1' } });
  const content = readFileSync(vaultPath);
  chmodSync(vaultPath, 0o644);

  // Reading metadata (no key) reports it but changes nothing.
  const metadataWarnings: string[] = [];
  await readVaultMetadata(vaultPath, { onWarning: (message) => metadataWarnings.push(message) });
  assert.equal(mode(vaultPath), 0o644);
  assert.equal(metadataWarnings.length, 1);
  assert.match(metadataWarnings[0]!, /can be read by other users \(mode 0644\)/);

  const warnings: string[] = [];
  const reopened = await Vault.open(vaultPath, key, { onWarning: (message) => warnings.push(message) });
  assert.equal(mode(vaultPath), 0o600);
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0]!.includes(vaultPath));
  assert.match(warnings[0]!, /mode 0644\); its permissions were set to 0600/);
  assert.ok(!warnings[0]!.includes('CANARY-perm-1'));
  assert.deepEqual(readFileSync(vaultPath), content, 'the content is untouched');
  assert.deepEqual(reopened.get('kept')?.data, { value: 'CANARY-perm-1' });

  chmodSync(vaultPath, 0o660);
  const again: string[] = [];
  await Vault.open(vaultPath, key, { onWarning: (message) => again.push(message) });
  assert.equal(mode(vaultPath), 0o600);
  assert.equal(again.length, 1, 'group access alone is repaired too');
});

test('without a warning handler the repair is still reported, as a process warning', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'default.vault.json');
  await Vault.create(vaultPath, key);
  chmodSync(vaultPath, 0o604);
  const warned = new Promise<Error>((resolve) => {
    const listener = (warning: Error & { code?: string }) => {
      if (warning.code !== 'WORKFLOW_SECRETS_VAULT') return;
      process.off('warning', listener);
      resolve(warning);
    };
    process.on('warning', listener);
  });
  await Vault.open(vaultPath, key);
  const warning = await warned;
  assert.match(warning.message, /permissions were set to 0600/);
  assert.equal(mode(vaultPath), 0o600);
});

test('a symlinked vault path is refused, naming the real file, and the link is left alone', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const realPath = join(dir, 'real.vault.json');
  const linkPath = join(dir, 'link.vault.json');
  await (await Vault.create(realPath, key)).add({ name: 'a', type: 'apiKey', data: { value: 'v' } });
  symlinkSync(realPath, linkPath);
  const opened = await expectVaultError(Vault.open(linkPath, key), 'vault-permissions');
  assert.match(opened.message, /is a symbolic link/);
  assert.ok(opened.message.includes(linkPath));
  assert.ok(opened.hint.includes(realPath));
  await expectVaultError(readVaultMetadata(linkPath), 'vault-permissions');
  await expectVaultError(Vault.openOrCreate(linkPath, key), 'vault-permissions');
  assert.ok(statSync(linkPath).isFile() && mode(realPath) === 0o600);
  // A link to nowhere is not followed to create a file either.
  const dangling = join(dir, 'dangling.vault.json');
  symlinkSync(join(dir, 'nowhere.vault.json'), dangling);
  await expectVaultError(Vault.openOrCreate(dangling, key), 'vault-permissions');
  await expectVaultError(readVaultMetadata(join(dir, 'nowhere.vault.json')), 'vault-not-found');
});

test('a folder at the vault path is refused; an open folder gets a warning', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const folderPath = join(dir, 'folder.vault.json');
  mkdirSync(folderPath);
  await expectVaultError(Vault.open(folderPath, key), 'vault-permissions');

  const shared = join(dir, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o777);
  const vaultPath = join(shared, 'default.vault.json');
  await Vault.create(vaultPath, key);
  const warnings: string[] = [];
  await Vault.open(vaultPath, key, { onWarning: (message) => warnings.push(message) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /can be written by other users \(mode 0777\)/);
  assert.equal(mode(shared), 0o777, 'a folder we did not create is not changed');
});
