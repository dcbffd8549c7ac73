/**
 * Writes the golden vectors in test/fixtures/vault-v1/ (run once per format version, by hand:
 * `node --import tsx test/helpers/makeGoldenVault.ts`). The committed files must never be
 * regenerated for the same version: test/unit/vaultGolden.test.ts proves that today's code still
 * reads what version 1 wrote. Keys and values here are test data, never real secrets.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../../shared/vault/vault';
import { parseMasterKey } from '../../shared/vault/masterKey';
import type { NewSecret } from '../../shared/vault/vaultTypes';

const FIXTURES = join(__dirname, '..', 'fixtures', 'vault-v1');

export const GOLDEN_SECRETS: NewSecret[] = [
  { name: 'golden_api', type: 'apiKey', data: { value: 'golden-api-key-value' }, description: 'An API key', tags: ['golden', 'api'] },
  { name: 'golden_login', type: 'basicAuth', data: { username: 'golden-user', password: 'golden-password' }, tags: ['golden'] },
  { name: 'golden_token', type: 'bearerToken', data: { token: 'golden-bearer-token', expiresAt: '2030-01-01T00:00:00Z' }, description: 'Expires in 2030' },
  {
    name: 'golden_oauth',
    type: 'oauth',
    data: { clientId: 'golden-client', clientSecret: 'golden-client-secret', refreshToken: 'golden-refresh', tokenUrl: 'https://auth.example.com/token', scopes: ['read', 'write'] },
  },
  { name: 'golden_custom', type: 'custom', data: { host: 'db.example.com', password: 'golden-custom-password', note: 'ünïcødé ✓ "quoted"' } },
];

async function write(fileName: string, keyText: string): Promise<void> {
  const vaultPath = join(FIXTURES, fileName);
  if (existsSync(vaultPath)) rmSync(vaultPath);
  let tick = Date.parse('2026-01-15T12:00:00.000Z');
  const vault = await Vault.create(vaultPath, parseMasterKey(keyText), { environment: 'golden', now: () => new Date((tick += 1000)) });
  for (const secret of GOLDEN_SECRETS) await vault.add(secret);
  await vault.update('golden_login', { data: { username: 'golden-user', password: 'golden-password-2' } });
  await vault.rename('golden_custom', 'golden_custom_renamed');
  // What the test expects to read back: metadata and data of every secret, and the generation.
  const expected = { generation: vault.generation, environment: vault.environment, secrets: vault.list().map((secret) => vault.require(secret.name)) };
  writeFileSync(vaultPath.replace(/\.vault\.json$/, '.expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
}

async function main(): Promise<void> {
  const rawKey = readFileSync(join(FIXTURES, 'raw.key.txt'), 'utf8');
  const passphrase = readFileSync(join(FIXTURES, 'passphrase.key.txt'), 'utf8');
  await write('raw.vault.json', rawKey);
  await write('passphrase.vault.json', passphrase);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : 'failed'}\n`);
    process.exit(1);
  });
}
