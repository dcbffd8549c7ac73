import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WorkflowSecretsError } from '../../shared/errors';
import { defaultVaultDirectory, lockPathOf, resolveVaultLocation, tempFilePrefixOf } from '../../shared/vault/vaultPaths';
import { makeTempDir } from '../helpers/vaultTestKit';

test('the default folder follows each platform\'s configuration directory', () => {
  assert.equal(defaultVaultDirectory({ HOME: '/home/ada' }, 'linux'), '/home/ada/.config/workflow-secrets');
  assert.equal(defaultVaultDirectory({ HOME: '/home/ada', XDG_CONFIG_HOME: '/xdg/config' }, 'linux'), '/xdg/config/workflow-secrets');
  // A relative XDG_CONFIG_HOME is invalid by the XDG spec and ignored.
  assert.equal(defaultVaultDirectory({ HOME: '/home/ada', XDG_CONFIG_HOME: 'relative' }, 'linux'), '/home/ada/.config/workflow-secrets');
  assert.equal(defaultVaultDirectory({ HOME: '/home/ada' }, 'freebsd'), '/home/ada/.config/workflow-secrets');
  assert.equal(defaultVaultDirectory({ HOME: '/Users/ada' }, 'darwin'), '/Users/ada/Library/Application Support/workflow-secrets');
  assert.equal(defaultVaultDirectory({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32'), 'C:\\Users\\ada\\AppData\\Roaming\\workflow-secrets');
  assert.equal(defaultVaultDirectory({ USERPROFILE: 'C:\\Users\\ada' }, 'win32'), 'C:\\Users\\ada\\AppData\\Roaming\\workflow-secrets');
});

test('by default each environment is its own file in the default folder', () => {
  const env = { HOME: '/home/ada', XDG_CONFIG_HOME: '/xdg' };
  const platformDir = defaultVaultDirectory(env);
  assert.deepEqual(resolveVaultLocation({ env }), { path: join(platformDir, 'default.vault.json'), environment: 'default', source: 'default' });
  assert.equal(resolveVaultLocation({ env: { ...env, WORKFLOW_SECRETS_ENV: 'prod' } }).path, join(platformDir, 'prod.vault.json'));
  assert.equal(resolveVaultLocation({ env: { ...env, WORKFLOW_SECRETS_ENV: 'prod' }, environment: 'dev' }).environment, 'dev');
});

test('an explicit path beats WORKFLOW_SECRETS_VAULT, which beats the default', () => {
  const env = { HOME: '/home/ada', WORKFLOW_SECRETS_VAULT: '/from/env/team.vault.json' };
  assert.deepEqual(resolveVaultLocation({ env }), { path: '/from/env/team.vault.json', environment: 'default', source: 'environment-variable' });
  const explicit = resolveVaultLocation({ env, vaultPath: '/explicit/mine.vault.json', environment: 'dev' });
  assert.deepEqual(explicit, { path: '/explicit/mine.vault.json', environment: 'dev', source: 'explicit' });
  assert.equal(resolveVaultLocation({ env, vaultPath: '  ' }).source, 'environment-variable');
  assert.equal(resolveVaultLocation({ env: { HOME: '/home/ada' }, vaultPath: '~/vaults/x.json' }).path, '/home/ada/vaults/x.json');
});

test('an explicit folder holds one file per environment', (t) => {
  const dir = makeTempDir(t);
  const folder = join(dir, 'vaults');
  mkdirSync(folder);
  assert.equal(resolveVaultLocation({ env: {}, vaultPath: folder, environment: 'prod' }).path, join(folder, 'prod.vault.json'));
  assert.equal(resolveVaultLocation({ env: { WORKFLOW_SECRETS_VAULT: `${join(dir, 'not-yet')}/` } }).path, join(dir, 'not-yet', 'default.vault.json'));
});

test('an environment name that breaks the naming rule is a usage error', () => {
  for (const environment of ['../etc', 'a b', '1prod', 'x'.repeat(129)]) {
    assert.throws(
      () => resolveVaultLocation({ env: { HOME: '/home/ada' }, environment }),
      (error: unknown) => error instanceof WorkflowSecretsError && error.code === 'usage' && /environment/.test(error.message),
    );
  }
  assert.throws(() => resolveVaultLocation({ env: { HOME: '/h', WORKFLOW_SECRETS_ENV: 'bad/name' } }), WorkflowSecretsError);
});

test('the lock and temp files sit next to the vault', () => {
  assert.equal(lockPathOf('/v/default.vault.json'), '/v/default.vault.json.lock');
  assert.equal(tempFilePrefixOf('/v/default.vault.json'), '.default.vault.json.tmp-');
});
