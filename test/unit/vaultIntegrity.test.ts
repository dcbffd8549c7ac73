import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { WorkflowSecretsError } from '../../shared/errors';
import { Vault } from '../../shared/vault/vault';
import { generateMasterKey, parseMasterKey } from '../../shared/vault/masterKey';
import { deriveVaultKeys } from '../../shared/vault/vaultCrypto';
import { serializeVaultDocument } from '../../shared/vault/vaultFormat';
import type { VaultDocument } from '../../shared/vault/vaultFormat';
import { sealDocument } from '../../shared/vault/vaultSeal';
import type { MasterKey } from '../../shared/vault/vaultTypes';
import { assertNoCanary, expectVaultError, makeTempDir } from '../helpers/vaultTestKit';

const CANARIES = ['CANARY-integrity-one-51d2', 'CANARY-integrity-two-8e0b'];

async function twoSecretVault(t: Parameters<typeof makeTempDir>[0]) {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'default.vault.json');
  const vault = await Vault.create(vaultPath, key);
  await vault.add({ name: 'first', type: 'apiKey', data: { value: CANARIES[0] }, description: 'the first one' });
  await vault.add({ name: 'second', type: 'apiKey', data: { value: CANARIES[1] } });
  return { dir, key, vaultPath, vault };
}

const readDocument = (path: string): VaultDocument => JSON.parse(readFileSync(path, 'utf8'));
const writeDocument = (path: string, document: unknown) => writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });

async function openFails(path: string, key: MasterKey, code: Parameters<typeof expectVaultError>[1]): Promise<WorkflowSecretsError> {
  const error = await expectVaultError(Vault.open(path, key), code);
  assert.ok(error.message.includes(path), `the message names the file: ${error.message}`);
  assert.ok(error.hint.length > 0);
  assertNoCanary(error, CANARIES);
  return error;
}

test('a wrong key is vault-wrong-key, told apart from damage', async (t) => {
  const { vaultPath } = await twoSecretVault(t);
  const before = readFileSync(vaultPath);
  await openFails(vaultPath, generateMasterKey(), 'vault-wrong-key');
  const kind = await openFails(vaultPath, parseMasterKey('a passphrase, not the key'), 'vault-wrong-key');
  assert.match(kind.message, /created with a 32-byte key, but a passphrase was given/);
  assert.deepEqual(readFileSync(vaultPath), before, 'nothing written over the file');
});

test('a truncated, empty or non-vault file is vault-corrupt', async (t) => {
  const { vaultPath, key } = await twoSecretVault(t);
  const bytes = readFileSync(vaultPath);
  // Every cut that loses the closing brace (the trailing newline alone is not content).
  for (let length = 0; length < bytes.length - 1; length += 5) {
    writeFileSync(vaultPath, bytes.subarray(0, length));
    await openFails(vaultPath, key, 'vault-corrupt');
  }
  writeFileSync(vaultPath, '{"header":{"format":"something-else"}}');
  await openFails(vaultPath, key, 'vault-corrupt');
  const document = JSON.parse(bytes.toString('utf8'));
  writeDocument(vaultPath, { ...document, extra: true });
  const extra = await openFails(vaultPath, key, 'vault-corrupt');
  assert.match(extra.message, /is missing or not valid/);
  writeDocument(vaultPath, { ...document, entries: [{ ...document.entries[0], iv: 'not base64!' }] });
  const badIv = await openFails(vaultPath, key, 'vault-corrupt');
  assert.match(badIv.message, /entries\[0\]\.iv/);
});

test('bit-flipped ciphertext, metadata, header, key check or MAC is vault-tampered', async (t) => {
  const { vaultPath, key } = await twoSecretVault(t);
  const original = readDocument(vaultPath);
  const flipBase64 = (text: string) => `${text[0] === 'A' ? 'B' : 'A'}${text.slice(1)}`;
  const cases: [string, (document: VaultDocument) => void][] = [
    ['ciphertext', (d) => (d.entries[0]!.ciphertext = flipBase64(d.entries[0]!.ciphertext))],
    ['tag', (d) => (d.entries[1]!.tag = flipBase64(d.entries[1]!.tag))],
    ['iv', (d) => (d.entries[1]!.iv = flipBase64(d.entries[1]!.iv))],
    ['description', (d) => (d.entries[0]!.metadata.description = 'the first onf')],
    ['tags', (d) => (d.entries[0]!.metadata.tags = ['injected'])],
    ['createdAt', (d) => (d.entries[0]!.metadata.createdAt = '2001-01-01T00:00:00.000Z')],
    ['name', (d) => (d.entries[0]!.metadata.name = 'first2')],
    ['generation', (d) => (d.header.generation += 10)],
    ['environment', (d) => (d.header.environment = 'prod')],
    ['key check', (d) => (d.header.keyCheck = flipBase64(d.header.keyCheck))],
    ['mac', (d) => (d.mac = flipBase64(d.mac))],
  ];
  for (const [what, change] of cases) {
    const document = structuredClone(original);
    change(document);
    writeDocument(vaultPath, document);
    const error = await openFails(vaultPath, key, 'vault-tampered');
    if (what === 'key check') assert.match(error.message, /key check was altered/);
  }
});

test('swapped ciphertexts, a deleted entry and reordered entries are vault-tampered', async (t) => {
  const { vaultPath, key } = await twoSecretVault(t);
  const original = readDocument(vaultPath);
  const swapped = structuredClone(original);
  const [a, b] = swapped.entries as [VaultDocument['entries'][0], VaultDocument['entries'][0]];
  [a.iv, a.tag, a.ciphertext, b.iv, b.tag, b.ciphertext] = [b.iv, b.tag, b.ciphertext, a.iv, a.tag, a.ciphertext];
  writeDocument(vaultPath, swapped);
  await openFails(vaultPath, key, 'vault-tampered');

  writeDocument(vaultPath, { ...original, entries: original.entries.slice(1) });
  await openFails(vaultPath, key, 'vault-tampered');

  writeDocument(vaultPath, { ...original, entries: [...original.entries].reverse() });
  await openFails(vaultPath, key, 'vault-tampered');
});

test('the AAD binds each ciphertext to its secret even when the MAC is recomputed with the key', async (t) => {
  const { vaultPath, key } = await twoSecretVault(t);
  assert.ok(key.kind === 'raw');
  const document = readDocument(vaultPath);
  const [a, b] = document.entries as [VaultDocument['entries'][0], VaultDocument['entries'][0]];
  [a.iv, a.tag, a.ciphertext, b.iv, b.tag, b.ciphertext] = [b.iv, b.tag, b.ciphertext, a.iv, a.tag, a.ciphertext];
  const { keyCheck: _keyCheck, ...header } = document.header;
  writeFileSync(vaultPath, serializeVaultDocument(sealDocument(header, document.entries, deriveVaultKeys(key.bytes))));
  const vault = await Vault.open(vaultPath, key);
  const error = await expectVaultError(Promise.resolve().then(() => vault.get('first')), 'vault-tampered');
  assert.match(error.message, /"first" does not authenticate/);
  assertNoCanary(error, CANARIES);
});

test('a whole file rolled back to an older generation is refused by an open vault, and nothing is written', async (t) => {
  const { vaultPath, key, vault } = await twoSecretVault(t);
  const older = readFileSync(vaultPath);
  const olderGeneration = vault.generation;
  await vault.update('first', { data: { value: 'rotated-value' } });
  await vault.delete('second');
  writeFileSync(vaultPath, older);
  const reload = await expectVaultError(vault.reload(), 'vault-tampered');
  assert.match(reload.message, new RegExp(`went back from generation ${olderGeneration + 2} to ${olderGeneration}`));
  await expectVaultError(vault.add({ name: 'third', type: 'apiKey', data: { value: 'x' } }), 'vault-tampered');
  assert.deepEqual(readFileSync(vaultPath), older, 'the rolled-back file was not written over');
  // A new instance cannot know by itself, but a caller that kept the last generation can tell it.
  await Vault.open(vaultPath, key);
  await expectVaultError(Vault.open(vaultPath, key, { minGeneration: olderGeneration + 2 }), 'vault-tampered');
});

test('an open vault refuses to write over a file that was damaged after it was opened', async (t) => {
  const { vaultPath, vault } = await twoSecretVault(t);
  const document = readDocument(vaultPath);
  document.entries[0]!.metadata.description = 'edited by hand';
  writeDocument(vaultPath, document);
  const damaged = readFileSync(vaultPath);
  await expectVaultError(vault.add({ name: 'third', type: 'apiKey', data: { value: 'x' } }), 'vault-tampered');
  assert.deepEqual(readFileSync(vaultPath), damaged);
});

test('an unknown format version is refused before the key is tried', async (t) => {
  const { vaultPath } = await twoSecretVault(t);
  const document = readDocument(vaultPath);
  for (const version of [2, 0, '1']) {
    writeDocument(vaultPath, { ...document, header: { ...document.header, version } });
    const error = await openFails(vaultPath, generateMasterKey(), 'vault-unsupported-version');
    if (version === 2) assert.match(error.message, /format version 2; this version of Workflow Secrets reads version 1/);
  }
});

test('weak scrypt parameters are refused before any derivation', async (t) => {
  const { vaultPath } = await twoSecretVault(t);
  const document = readDocument(vaultPath);
  const strong = { name: 'scrypt', salt: Buffer.alloc(16, 7).toString('base64'), N: 131072, r: 8, p: 1 };
  const weak = [{ N: 16384 }, { N: 0 }, { r: 4 }, { p: 0 }, { salt: Buffer.alloc(8, 1).toString('base64') }];
  for (const change of weak) {
    writeDocument(vaultPath, { ...document, header: { ...document.header, kdf: { ...strong, ...change } } });
    const error = await openFails(vaultPath, parseMasterKey('a passphrase for weak kdf'), 'vault-weak-kdf');
    assert.match(error.message, /minimum is N=131072, r=8, p=1, salt 16 bytes/);
  }
  writeDocument(vaultPath, { ...document, header: { ...document.header, kdf: { ...strong, N: 2 ** 30 } } });
  await openFails(vaultPath, parseMasterKey('a passphrase for weak kdf'), 'vault-corrupt');
});

test('every single-bit flip anywhere in a small vault fails closed with a typed damage error', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'small.vault.json');
  const vault = await Vault.create(vaultPath, key, { environment: 'dev' });
  await vault.add({ name: 'only', type: 'apiKey', data: { value: CANARIES[0] }, tags: ['t'] });
  const bytes = readFileSync(vaultPath);
  const seen = new Set<string>();
  for (let offset = 0; offset < bytes.length; offset++) {
    const bit = 1 << (offset % 8);
    const mutated = Buffer.from(bytes);
    mutated[offset]! ^= bit;
    writeFileSync(vaultPath, mutated);
    try {
      await Vault.open(vaultPath, key);
      assert.fail(`flipping bit ${bit} at offset ${offset} went unnoticed`);
    } catch (error) {
      assert.ok(error instanceof WorkflowSecretsError, `offset ${offset}: ${String(error)}`);
      assert.ok(['vault-corrupt', 'vault-tampered', 'vault-unsupported-version'].includes(error.code), `offset ${offset}: ${error.code}`);
      assertNoCanary(error, CANARIES);
      seen.add(error.code);
    }
  }
  assert.ok(seen.has('vault-corrupt') && seen.has('vault-tampered'));
});

test('random bytes and random mutations never crash the reader with an untyped error (property)', async (t) => {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'fuzz.vault.json');
  const vault = await Vault.create(vaultPath, key);
  await vault.add({ name: 'only', type: 'custom', data: { a: CANARIES[1] } });
  const bytes = readFileSync(vaultPath);
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 600 }).map((array) => Buffer.from(array)),
        fc.record({ at: fc.nat(bytes.length - 1), cut: fc.boolean(), insert: fc.uint8Array({ maxLength: 8 }) }).map(({ at, cut, insert }) =>
          Buffer.concat([bytes.subarray(0, at), Buffer.from(insert), cut ? Buffer.alloc(0) : bytes.subarray(at + 1)]),
        ),
      ),
      async (mutated) => {
        if (mutated.equals(bytes)) return;
        writeFileSync(vaultPath, mutated);
        try {
          const opened = await Vault.open(vaultPath, key);
          // Only formatting-neutral edits (e.g. whitespace) may open, and then with the same content.
          assert.deepEqual(opened.get('only')?.data, { a: CANARIES[1] });
        } catch (error) {
          assert.ok(error instanceof WorkflowSecretsError, String(error));
          assertNoCanary(error, CANARIES);
        }
      },
    ),
    { numRuns: 400 },
  );
});
