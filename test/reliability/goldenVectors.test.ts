import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isWorkflowSecretsError } from '../../shared/errors';
import { Vault } from '../../shared/vault/vault';
import { generateMasterKey, parseMasterKey } from '../../shared/vault/masterKey';
import { VAULT_FORMAT_VERSION } from '../../shared/vault/vaultFormat';
import { REPO_ROOT } from './support/bundle';
import { recordFigure } from './support/figures';
import { tempDir } from './support/tempDirs';

/**
 * Golden vectors: test/fixtures/vault-v<N>/ holds vault files written by format version N with
 * their keys (<name>.key.txt) and what they must decrypt to (<name>.expected.json); see
 * test/helpers/makeGoldenVault.ts. The unit test reads version 1 in detail; this suite asserts
 * that every version up to the current one has committed vectors, that today's code reads every
 * one of them exactly, and that today's writer still writes the shape of the newest version, so a
 * format change without a new version and new vectors fails here.
 */
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

interface Vector {
  version: number;
  name: string;
  dir: string;
}

function committedVectors(): Vector[] {
  if (!existsSync(FIXTURES)) return [];
  return readdirSync(FIXTURES)
    .map((entry) => ({ entry, version: Number(/^vault-v(\d+)$/.exec(entry)?.[1]) }))
    .filter(({ version }) => Number.isSafeInteger(version))
    .flatMap(({ entry, version }) =>
      readdirSync(join(FIXTURES, entry))
        .filter((file) => file.endsWith('.vault.json'))
        .map((file) => ({ version, name: file.slice(0, -'.vault.json'.length), dir: join(FIXTURES, entry) })),
    );
}

test('every format version up to the current one has committed golden vectors', (t) => {
  const versions = new Set(committedVectors().map((vector) => vector.version));
  const missing = Array.from({ length: VAULT_FORMAT_VERSION }, (_, i) => i + 1).filter((version) => !versions.has(version));
  recordFigure(t, { label: 'format versions with vectors', cases: VAULT_FORMAT_VERSION, failures: missing.length });
  assert.deepEqual(missing, [], `no golden vault for format version(s) ${missing.join(', ')} under test/fixtures/vault-v<N>/`);
  assert.ok(![...versions].some((version) => version > VAULT_FORMAT_VERSION), 'vectors of a version newer than the code');
});

test('today\'s code decrypts every committed vector exactly, and refuses it with any other key', async (t) => {
  const vectors = committedVectors();
  const failures: string[] = [];
  for (const vector of vectors) {
    const dir = await tempDir(t, 'golden');
    const vaultPath = join(dir, `${vector.name}.vault.json`);
    // A copy: opening repairs a checkout's 0644 to 0600, which must not touch the repository.
    await copyFile(join(vector.dir, `${vector.name}.vault.json`), vaultPath);
    const original = await readFile(vaultPath);
    const key = parseMasterKey(readFileSync(join(vector.dir, `${vector.name}.key.txt`), 'utf8'));
    const expected = JSON.parse(readFileSync(join(vector.dir, `${vector.name}.expected.json`), 'utf8')) as { generation: number; secrets: { name: string }[] };
    const label = `v${vector.version}/${vector.name}`;
    try {
      const header = (JSON.parse(original.toString('utf8')) as { header: { version: number } }).header;
      if (header.version !== vector.version) failures.push(`${label}: the file says version ${header.version}`);
      const vault = await Vault.open(vaultPath, key, { onWarning: () => undefined });
      if (vault.generation !== expected.generation) failures.push(`${label}: generation ${vault.generation}, expected ${expected.generation}`);
      const secrets = vault.list().map((secret) => vault.require(secret.name));
      if (JSON.stringify(secrets) !== JSON.stringify(expected.secrets)) failures.push(`${label}: decrypted secrets differ from ${vector.name}.expected.json`);
    } catch (error) {
      failures.push(`${label}: ${(error as Error).message}`);
    }
    try {
      await Vault.open(vaultPath, generateMasterKey());
      failures.push(`${label}: opened with a random key`);
    } catch (error) {
      if (!isWorkflowSecretsError(error, 'vault-wrong-key')) failures.push(`${label}: a random key gave ${String(error)}`);
    }
    if (!(await readFile(vaultPath)).equals(original)) failures.push(`${label}: reading changed the file`);
  }
  recordFigure(t, { label: 'golden vectors decrypted', cases: vectors.length, failures: failures.length });
  assert.ok(vectors.length > 0, 'no golden vectors under test/fixtures/vault-v<N>/');
  assert.deepEqual(failures, []);
});

test('today\'s writer writes exactly the members of the newest committed version', async (t) => {
  const newest = committedVectors().filter((vector) => vector.version === VAULT_FORMAT_VERSION);
  assert.ok(newest.length > 0, `no golden vector of the current version ${VAULT_FORMAT_VERSION}`);
  const golden = newest.map((vector) => shapeOf(JSON.parse(readFileSync(join(vector.dir, `${vector.name}.vault.json`), 'utf8'))));

  const dir = await tempDir(t, 'golden-writer');
  const written: string[][] = [];
  for (const key of [generateMasterKey(), parseMasterKey('golden writer passphrase')]) {
    const vaultPath = join(dir, `${key.kind}.vault.json`);
    const vault = await Vault.create(vaultPath, key, { environment: 'golden' });
    await vault.add({ name: 'a', type: 'apiKey', data: { value: 'x' }, tags: ['t'], description: 'd' });
    await vault.add({ name: 'b', type: 'bearerToken', data: { token: 'y', expiresAt: '2030-01-01T00:00:00Z' } });
    written.push(shapeOf(JSON.parse(await readFile(vaultPath, 'utf8'))));
  }
  const known = new Set(golden.flat());
  const unknown = [...new Set(written.flat())].filter((member) => !known.has(member));
  const header = (JSON.parse(readFileSync(join(newest[0]!.dir, `${newest[0]!.name}.vault.json`), 'utf8')) as { header: { version: number } }).header;
  recordFigure(t, { label: 'writer shape vs newest vector', cases: written.flat().length, failures: unknown.length });
  assert.equal(header.version, VAULT_FORMAT_VERSION);
  assert.deepEqual(unknown, [], 'today\'s writer writes members no committed vector of this version has: raise the format version and commit new vectors');
});

/** The member paths of a document, array indexes folded ("entries[].metadata.name"). */
function shapeOf(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => shapeOf(item, `${path}[]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, member]) => {
      const here = path ? `${path}.${key}` : key;
      // Custom secrets' data has user field names; the vault file holds only their names as a list.
      return [`${here}:${kindOf(member)}`, ...shapeOf(member, here)];
    });
  }
  return [];
}

function kindOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}
