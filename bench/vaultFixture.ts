// Builds the benchmark vault of N secrets with our own vault modules. N calls of `add` would each
// re-read and re-verify the whole file (quadratic: hours at 10k), so the entries are sealed by the
// vault's own functions and written in one atomic write, the same steps one `add` takes. The result
// is then opened with `Vault.open` and checked, so a fixture the vault would not accept fails loudly.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { advancedTimestamp, checkNewSecret, newSecretMetadata, sealEntry } from '../shared/vault/vaultEntries';
import { writeVaultTextAtomic } from '../shared/vault/vaultFile';
import { serializeVaultDocument } from '../shared/vault/vaultFormat';
import { readVaultDocument } from '../shared/vault/vaultMetadata';
import { keysFor, sealDocument } from '../shared/vault/vaultSeal';
import type { MasterKey } from '../shared/vault/vaultTypes';
import type { SecretSpec } from './generate';

export interface VaultFixture {
  path: string;
  key: MasterKey;
  secrets: SecretSpec[];
}

type VaultModule = typeof import('../shared/vault/vault');

export async function buildVault(dir: string, secrets: SecretSpec[], vaultModule: VaultModule): Promise<VaultFixture> {
  const path = join(dir, 'bench.vault.json');
  const key: MasterKey = { kind: 'raw', bytes: randomBytes(32) };
  await vaultModule.Vault.create(path, key, { environment: 'bench' });
  const document = await readVaultDocument(path);
  const keys = await keysFor(key, document.header.kdf, path);
  const now = advancedTimestamp(new Date());
  const entries = secrets.map((spec) => {
    const checked = checkNewSecret({ name: spec.name, type: spec.type, data: spec.data, description: spec.description, tags: spec.tags });
    return sealEntry(keys, newSecretMetadata(checked, now), checked.data);
  });
  const { keyCheck: _keyCheck, ...header } = document.header;
  await writeVaultTextAtomic(path, serializeVaultDocument(sealDocument({ ...header, generation: header.generation + 1 }, entries, keys)));

  const vault = await vaultModule.Vault.open(path, key);
  const listed = vault.list().length;
  const sample = secrets[Math.floor(secrets.length / 2)] as SecretSpec;
  const got = vault.get(sample.name);
  if (listed !== secrets.length || !isDeepStrictEqual(got?.data, sample.data)) {
    throw new Error(`the benchmark vault does not read back: ${listed} of ${secrets.length} secrets listed`);
  }
  return { path, key, secrets };
}
