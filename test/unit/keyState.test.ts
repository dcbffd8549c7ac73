import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { acceptEnteredKey, masterKeySecretName, pendingMasterKeySecretName, resolveKeyState, rotateWithStoredKey, type KeyStateDeps, type StoredKeys } from '../../shared/keyState';
import { formatMasterKey, generateMasterKey, parseMasterKey } from '../../shared/vault/masterKey';
import { Vault } from '../../shared/vault/vault';
import { checkVaultKey, readVaultMetadata } from '../../shared/vault/vaultMetadata';
import type { MasterKey } from '../../shared/vault/vaultTypes';

/** SecretStorage stand-in: a Map with the client's two entry names; `dropWrites` mimics a Linux session without a keyring. */
function memoryStore(environment = 'default', options: { dropWrites?: boolean } = {}) {
  const map = new Map<string, string>();
  const main = masterKeySecretName(environment);
  const pending = pendingMasterKeySecretName(environment);
  const put = (name: string, text: string) => {
    if (!options.dropWrites) map.set(name, text);
  };
  const stored: StoredKeys = {
    readKey: async () => map.get(main),
    storeKey: async (text) => put(main, text),
    readPendingKey: async () => map.get(pending),
    storePendingKey: async (text) => put(pending, text),
    deletePendingKey: async () => void map.delete(pending),
  };
  return { map, stored, main, pending };
}

function depsFor(vaultPath: string, stored: StoredKeys, environmentKey?: MasterKey): KeyStateDeps {
  return {
    environmentKey,
    stored,
    vaultExists: async () => existsSync(vaultPath),
    checkKey: (key) => checkVaultKey(vaultPath, key),
    inspectVault: async () => void (await readVaultMetadata(vaultPath)),
    createVault: async (key) => void (await Vault.create(vaultPath, key)),
    generateKey: generateMasterKey,
    formatKey: formatMasterKey,
    parseKey: parseMasterKey,
  };
}

const CANARY = 'canary-value-7f3a9c1e';

describe('master key state', () => {
  let dir: string;
  let vaultPath: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ws-keystate-'));
    vaultPath = join(dir, 'vaults', 'default.vault.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function vaultWithSecret(key: MasterKey): Promise<Buffer> {
    const vault = await Vault.create(vaultPath, key);
    await vault.add({ name: 'stripe', type: 'apiKey', data: { value: CANARY } });
    return readFile(vaultPath);
  }

  it('no vault and no key: reports noVault and creates nothing until first use', async () => {
    const { map, stored } = memoryStore();
    const state = await resolveKeyState(depsFor(vaultPath, stored), { createIfMissing: false });
    assert.equal(state.kind, 'noVault');
    assert.equal(existsSync(vaultPath), false);
    assert.equal(map.size, 0);
  });

  it('first use: generates a key, stores it, and creates a 0600 vault that the stored key opens', async () => {
    const { map, stored, main, pending } = memoryStore();
    const state = await resolveKeyState(depsFor(vaultPath, stored), { createIfMissing: true });
    assert.equal(state.kind, 'ready');
    assert.ok(state.kind === 'ready' && state.created && state.source === 'secretStorage');
    assert.equal((await stat(vaultPath)).mode & 0o777, 0o600);
    const text = map.get(main);
    assert.ok(text, 'the new key is in SecretStorage');
    assert.equal(map.has(pending), false, 'the pending entry is cleared after creation');
    assert.equal(await checkVaultKey(vaultPath, parseMasterKey(text)), 'ok');
  });

  it('key lost (vault exists, SecretStorage empty): never generates a key and leaves the vault byte-identical', async () => {
    const before = await vaultWithSecret(generateMasterKey());
    const { map, stored } = memoryStore();
    for (const createIfMissing of [false, true]) {
      const state = await resolveKeyState(depsFor(vaultPath, stored), { createIfMissing });
      assert.equal(state.kind, 'keyMissing');
      assert.ok(state.kind === 'keyMissing' && /Enter the key or passphrase/.test(state.reason));
    }
    assert.equal(map.size, 0, 'nothing was stored');
    assert.deepEqual(await readFile(vaultPath), before);
  });

  it('wrong key in SecretStorage: reports wrongKey, keeps the stored entry and the vault unchanged', async () => {
    const before = await vaultWithSecret(generateMasterKey());
    const { map, stored, main } = memoryStore();
    const other = formatMasterKey(generateMasterKey());
    map.set(main, other);
    const state = await resolveKeyState(depsFor(vaultPath, stored), { createIfMissing: true });
    assert.equal(state.kind, 'wrongKey');
    assert.ok(state.kind === 'wrongKey' && state.source === 'secretStorage');
    assert.equal(map.get(main), other);
    assert.deepEqual(await readFile(vaultPath), before);
  });

  it('WORKFLOW_SECRETS_KEY wins over SecretStorage, and a wrong one is reported rather than silently replaced', async () => {
    const right = generateMasterKey();
    const before = await vaultWithSecret(right);
    const { map, stored, main } = memoryStore();
    map.set(main, formatMasterKey(generateMasterKey()));
    const withEnv = await resolveKeyState(depsFor(vaultPath, stored, right), { createIfMissing: false });
    assert.ok(withEnv.kind === 'ready' && withEnv.source === 'environment');

    map.set(main, formatMasterKey(right));
    const wrongEnv = await resolveKeyState(depsFor(vaultPath, stored, generateMasterKey()), { createIfMissing: true });
    assert.equal(wrongEnv.kind, 'wrongKey');
    assert.ok(wrongEnv.kind === 'wrongKey' && wrongEnv.source === 'environment' && /WORKFLOW_SECRETS_KEY/.test(wrongEnv.reason));
    assert.deepEqual(await readFile(vaultPath), before);
  });

  it('environment key with no vault: creates the vault with it and stores nothing', async () => {
    const envKey = generateMasterKey();
    const { map, stored } = memoryStore();
    const state = await resolveKeyState(depsFor(vaultPath, stored, envKey), { createIfMissing: true });
    assert.ok(state.kind === 'ready' && state.created && state.source === 'environment');
    assert.equal(map.size, 0);
    assert.equal(await checkVaultKey(vaultPath, envKey), 'ok');
  });

  it('SecretStorage that drops writes: refuses to create a vault whose key would be lost', async () => {
    const { stored } = memoryStore('default', { dropWrites: true });
    const state = await resolveKeyState(depsFor(vaultPath, stored), { createIfMissing: true });
    assert.equal(state.kind, 'vaultError');
    assert.ok(state.kind === 'vaultError' && state.code === 'key-missing' && /WORKFLOW_SECRETS_KEY/.test(state.reason));
    assert.equal(existsSync(vaultPath), false);
  });

  it('a damaged vault is a vault error, not a lost key, and is left as it is', async () => {
    await vaultWithSecret(generateMasterKey());
    await writeFile(vaultPath, '{"format": "workflow-secrets-vault", "truncated', { mode: 0o600 });
    const before = await readFile(vaultPath);
    const { map, stored } = memoryStore();
    const state = await resolveKeyState(depsFor(vaultPath, stored), { createIfMissing: true });
    assert.equal(state.kind, 'vaultError');
    assert.equal(map.size, 0);
    assert.deepEqual(await readFile(vaultPath), before);
  });

  it('recovers an interrupted rotation: a pending key that opens the vault is promoted', async () => {
    const newKey = generateMasterKey();
    await vaultWithSecret(newKey);
    const { map, stored, main, pending } = memoryStore();
    map.set(main, formatMasterKey(generateMasterKey()));
    map.set(pending, formatMasterKey(newKey));
    const state = await resolveKeyState(depsFor(vaultPath, stored), { createIfMissing: false });
    assert.ok(state.kind === 'ready' && state.source === 'secretStorage');
    assert.equal(map.get(main), formatMasterKey(newKey));
    assert.equal(map.has(pending), false);
  });

  it('Enter Master Key: a wrong key is refused without storing; the right one is stored', async () => {
    const right = generateMasterKey();
    const before = await vaultWithSecret(right);
    const { map, stored, main } = memoryStore();
    const deps = depsFor(vaultPath, stored);

    const empty = await acceptEnteredKey(deps, '   ');
    assert.equal(empty.ok, false);
    const wrong = await acceptEnteredKey(deps, formatMasterKey(generateMasterKey()));
    assert.equal(wrong.ok, false);
    assert.ok(!wrong.ok && /does not open the vault/.test(wrong.reason));
    assert.equal(map.size, 0);
    assert.deepEqual(await readFile(vaultPath), before);

    const ok = await acceptEnteredKey(deps, `${formatMasterKey(right)}\n`);
    assert.ok(ok.ok && !ok.created);
    assert.equal(map.get(main), formatMasterKey(right));
    const state = await resolveKeyState(deps, { createIfMissing: false });
    assert.equal(state.kind, 'ready');
  });

  it('Enter Master Key with no vault: a passphrase creates the vault and is stored', async () => {
    const { map, stored, main } = memoryStore();
    const result = await acceptEnteredKey(depsFor(vaultPath, stored), 'correct horse battery staple');
    assert.ok(result.ok && result.created);
    assert.equal(map.get(main), 'correct horse battery staple');
    assert.equal(await checkVaultKey(vaultPath, parseMasterKey('correct horse battery staple')), 'ok');
  });

  it('rotation: the new key replaces the stored one only after the vault was re-encrypted', async () => {
    const oldKey = generateMasterKey();
    await vaultWithSecret(oldKey);
    const { map, stored, main, pending } = memoryStore();
    map.set(main, formatMasterKey(oldKey));
    const deps = depsFor(vaultPath, stored);

    await assert.rejects(
      rotateWithStoredKey(deps, async () => {
        throw new Error('cancelled');
      }),
      /cancelled/,
    );
    assert.equal(map.get(main), formatMasterKey(oldKey), 'a failed rotation keeps the old key');
    assert.equal(map.has(pending), false);

    const vault = await Vault.open(vaultPath, oldKey);
    const newKey = await rotateWithStoredKey(deps, (key) => vault.rotateKey(key));
    assert.equal(map.get(main), formatMasterKey(newKey));
    assert.equal(map.has(pending), false);
    assert.equal(await checkVaultKey(vaultPath, oldKey), 'wrong-key');
    const reopened = await Vault.open(vaultPath, parseMasterKey(map.get(main)!));
    assert.equal(reopened.require('stripe').type, 'apiKey');
  });

  it('rotation that fails after the vault was replaced keeps the new key, not the old one', async () => {
    const oldKey = generateMasterKey();
    await vaultWithSecret(oldKey);
    const { map, stored, main, pending } = memoryStore();
    map.set(main, formatMasterKey(oldKey));
    const vault = await Vault.open(vaultPath, oldKey);
    const newKey = await rotateWithStoredKey(depsFor(vaultPath, stored), async (key) => {
      await vault.rotateKey(key);
      throw new Error('interrupted after the file was replaced');
    });
    assert.equal(map.get(main), formatMasterKey(newKey));
    assert.equal(map.has(pending), false);
    assert.equal(await checkVaultKey(vaultPath, parseMasterKey(map.get(main)!)), 'ok');
  });

  it('no key material or value appears in any state message', async () => {
    const key = generateMasterKey();
    await vaultWithSecret(key);
    const { map, stored, main } = memoryStore();
    const wrongText = formatMasterKey(generateMasterKey());
    map.set(main, wrongText);
    const states = [
      await resolveKeyState(depsFor(vaultPath, stored), { createIfMissing: true }),
      await resolveKeyState(depsFor(vaultPath, memoryStore().stored), { createIfMissing: true }),
      await resolveKeyState(depsFor(vaultPath, stored, generateMasterKey()), { createIfMissing: true }),
    ];
    const text = JSON.stringify(states.map((state) => ('reason' in state ? state.reason : state.kind)));
    for (const secret of [CANARY, wrongText, formatMasterKey(key)]) assert.equal(text.includes(secret), false);
  });
});
