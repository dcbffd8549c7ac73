import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MasterKeyStore } from '../../client/masterKeyStore';
import { acceptEnteredKey, masterKeySecretName, pendingMasterKeySecretName, resolveKeyState } from '../../shared/keyState';
import type { KeyState, KeyStateDeps } from '../../shared/keyState';
import { Vault } from '../../shared/vault/vault';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { recordFigure } from './support/figures';
import { tempDir } from './support/tempDirs';

/**
 * Key loss, through the client's real binding (client/masterKeyStore.ts, which only type-imports
 * vscode) over an in-memory SecretStorage, and the real vault: every combination of environment
 * key, stored key and pending key, with and without "create if missing". A vault that exists is
 * never replaced, rewritten or touched (same bytes, inode and mtime), no key is generated for it,
 * and a stored key is only ever replaced by one the vault accepted.
 */
type SecretStorageLike = ConstructorParameters<typeof MasterKeyStore>[0];

class MemorySecretStorage {
  readonly entries = new Map<string, string>();
  /** Linux without a keyring: writes can be dropped silently. */
  dropWrites = false;
  async get(key: string) {
    return this.entries.get(key);
  }
  async store(key: string, value: string) {
    if (!this.dropWrites) this.entries.set(key, value);
  }
  async delete(key: string) {
    this.entries.delete(key);
  }
  async keys() {
    return [...this.entries.keys()];
  }
  onDidChange = () => ({ dispose: () => undefined });
}

const ENVIRONMENT = 'default';
type Choice = 'none' | 'right' | 'wrong' | 'garbage';

interface Fixture {
  vaultPath: string;
  right: string;
  wrong: string;
}

async function fingerprint(path: string): Promise<string> {
  const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
  return `${bytes.toString('base64')}|${info.ino}|${info.mtimeMs}|${info.mode}`;
}

function textFor(choice: Choice, fixture: Fixture): string | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'garbage') return 'short';
  return choice === 'right' ? fixture.right : fixture.wrong;
}

function expectedKind(env: Choice, stored: Choice, pending: Choice): KeyState['kind'][] {
  if (env === 'right') return ['ready'];
  if (env === 'wrong') return ['wrongKey'];
  if (stored === 'right') return ['ready'];
  // Unreadable text in SecretStorage is reported as an error; it is never overwritten.
  if (stored === 'garbage') return ['vaultError'];
  if (pending === 'right') return ['ready'];
  return stored === 'wrong' ? ['wrongKey'] : ['keyMissing'];
}

test('every combination of environment, stored and pending key leaves an existing vault untouched', async (t) => {
  const dir = await tempDir(t, 'keyloss');
  const vaultPath = join(dir, `${ENVIRONMENT}.vault.json`);
  const rightKey = generateMasterKey();
  const canary = `CANARY-keyloss-${randomBytes(6).toString('hex')}`;
  const vault = await Vault.create(vaultPath, rightKey, { environment: ENVIRONMENT });
  await vault.add({ name: 'kept', type: 'apiKey', data: { value: canary } });
  const fixture: Fixture = { vaultPath, right: formatMasterKey(rightKey), wrong: formatMasterKey(generateMasterKey()) };
  const before = await fingerprint(vaultPath);

  const failures: string[] = [];
  let cases = 0;
  const choices: Choice[] = ['none', 'right', 'wrong'];
  for (const env of choices) {
    for (const stored of [...choices, 'garbage'] as Choice[]) {
      for (const pending of choices) {
        for (const createIfMissing of [false, true]) {
          cases++;
          const what = `env ${env}, stored ${stored}, pending ${pending}, create ${createIfMissing}`;
          const storage = new MemorySecretStorage();
          const storedText = textFor(stored, fixture);
          const pendingText = textFor(pending, fixture);
          if (storedText !== undefined) storage.entries.set(masterKeySecretName(ENVIRONMENT), storedText);
          if (pendingText !== undefined) storage.entries.set(pendingMasterKeySecretName(ENVIRONMENT), pendingText);
          const envVars = env === 'none' ? {} : { WORKFLOW_SECRETS_KEY: textFor(env, fixture) };
          const calls = { generate: 0, create: 0 };
          const deps = instrument(new MasterKeyStore(storage as unknown as SecretStorageLike, envVars).deps(ENVIRONMENT, vaultPath), calls);

          const state = await resolveKeyState(deps, { createIfMissing });
          const expected = expectedKind(env, stored, pending);
          if (!expected.includes(state.kind)) failures.push(`${what}: ${state.kind}, expected ${expected.join('|')}`);
          if (state.kind === 'ready' && formatMasterKey(state.key) !== fixture.right) failures.push(`${what}: ready with a key that is not the vault's`);
          if (calls.generate + calls.create > 0) failures.push(`${what}: generated ${calls.generate} key(s), created ${calls.create} vault(s)`);
          const nowStored = storage.entries.get(masterKeySecretName(ENVIRONMENT));
          if (nowStored !== storedText && nowStored !== fixture.right) failures.push(`${what}: the stored key was replaced by one the vault does not accept`);
          if (state.kind !== 'ready' && nowStored !== storedText) failures.push(`${what}: the stored key changed without a key that opens the vault`);
          if (JSON.stringify(state).includes(canary) || JSON.stringify(state).includes(fixture.right)) failures.push(`${what}: the state holds a value or the key`);
          if ((await fingerprint(vaultPath)) !== before) failures.push(`${what}: the vault file changed`);
        }
      }
    }
  }
  const leftovers = (await readdir(dir)).filter((name) => name !== `${ENVIRONMENT}.vault.json`);
  if (leftovers.length > 0) failures.push(`files appeared: ${leftovers.join(', ')}`);
  recordFigure(t, { label: 'key-state combinations', cases, failures: failures.length });
  assert.deepEqual(failures, []);
});

test('Enter Master Key: a wrong key is refused and stores nothing; the right one is stored; the vault never changes', async (t) => {
  const dir = await tempDir(t, 'keyloss-enter');
  const vaultPath = join(dir, `${ENVIRONMENT}.vault.json`);
  const rightKey = generateMasterKey();
  await Vault.create(vaultPath, rightKey, { environment: ENVIRONMENT });
  const before = await fingerprint(vaultPath);
  const storage = new MemorySecretStorage();
  const store = new MasterKeyStore(storage as unknown as SecretStorageLike, {});
  const calls = { generate: 0, create: 0 };
  const deps = instrument(store.deps(ENVIRONMENT, vaultPath), calls);
  const failures: string[] = [];

  const attempts = ['', '   ', 'short', formatMasterKey(generateMasterKey()), 'a wrong passphrase', Buffer.alloc(32, 7).toString('hex')];
  for (const text of attempts) {
    const result = await acceptEnteredKey(deps, text);
    if (result.ok) failures.push('a wrong key was accepted');
    if (storage.entries.size > 0) failures.push('a refused key left something in SecretStorage');
  }
  const missing = await resolveKeyState(deps, { createIfMissing: true });
  if (missing.kind !== 'keyMissing') failures.push(`with nothing stored: ${missing.kind}`);
  const accepted = await acceptEnteredKey(deps, `  ${formatMasterKey(rightKey)}\n`);
  if (!accepted.ok || accepted.created) failures.push('the right key (with whitespace around) was refused or created a vault');
  const ready = await resolveKeyState(deps, { createIfMissing: true });
  if (ready.kind !== 'ready') failures.push(`after entering the right key: ${ready.kind}`);
  if (calls.generate + calls.create > 0) failures.push(`generated ${calls.generate} key(s), created ${calls.create} vault(s)`);
  if ((await fingerprint(vaultPath)) !== before) failures.push('the vault file changed');
  recordFigure(t, { label: 'entered keys', cases: attempts.length + 3, failures: failures.length });
  assert.deepEqual(failures, []);
});

test('SecretStorage that silently drops writes: no vault is created whose key would be lost', async (t) => {
  const dir = await tempDir(t, 'keyloss-drop');
  const vaultPath = join(dir, `${ENVIRONMENT}.vault.json`);
  const storage = new MemorySecretStorage();
  storage.dropWrites = true;
  const deps = new MasterKeyStore(storage as unknown as SecretStorageLike, {}).deps(ENVIRONMENT, vaultPath);
  const state = await resolveKeyState(deps, { createIfMissing: true });
  const failures: string[] = [];
  if (state.kind === 'ready') failures.push('a vault was reported ready with a key SecretStorage did not keep');
  if (existsSync(vaultPath)) failures.push('a vault was created although its key was not kept');
  recordFigure(t, { label: 'dropped SecretStorage writes', cases: 1, failures: failures.length });
  assert.deepEqual(failures, []);
});

function instrument(deps: KeyStateDeps, calls: { generate: number; create: number }): KeyStateDeps {
  return {
    ...deps,
    generateKey: () => {
      calls.generate++;
      return deps.generateKey();
    },
    createVault: async (key) => {
      calls.create++;
      await deps.createVault(key);
    },
  };
}
