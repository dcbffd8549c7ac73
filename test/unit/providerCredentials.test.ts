import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createProviderCredentials, providerCredentialKey, providerEnvVariable } from '../../shared/providers/providerCredentials';

describe('providerCredentials', () => {
  const home = mkdtempSync(join(tmpdir(), 'ws-home-'));
  const emptyHome = mkdtempSync(join(tmpdir(), 'ws-home-empty-'));
  writeFileSync(join(home, '.vault-token'), 'hvs.from-file\n');
  after(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(emptyHome, { recursive: true, force: true });
  });

  const store = (entries: Record<string, string>) => ({ get: async (key: string) => entries[key] });

  it('names the per-provider variables and SecretStorage keys', () => {
    assert.equal(providerEnvVariable('team-vault', 'token'), 'WORKFLOW_SECRETS_PROVIDER_TEAM_VAULT_TOKEN');
    assert.equal(providerEnvVariable('Team Vault 2', 'secretId'), 'WORKFLOW_SECRETS_PROVIDER_TEAM_VAULT_2_SECRET_ID');
    assert.equal(providerCredentialKey('team-vault', 'token'), 'workflowSecrets.provider.team-vault.token');
  });

  it('takes a token from the per-provider variable, then the store, then VAULT_TOKEN, then ~/.vault-token', async () => {
    const all = {
      env: { WORKFLOW_SECRETS_PROVIDER_TEAM_TOKEN: 'hvs.per-provider', VAULT_TOKEN: 'hvs.generic' },
      homeDir: home,
      store: store({ [providerCredentialKey('team', 'token')]: 'hvs.stored' }),
    };
    assert.deepEqual(await createProviderCredentials(all).get('team', 'token'), { value: 'hvs.per-provider', source: 'WORKFLOW_SECRETS_PROVIDER_TEAM_TOKEN' });
    assert.deepEqual(await createProviderCredentials({ ...all, env: { VAULT_TOKEN: 'hvs.generic' } }).get('team', 'token'), { value: 'hvs.stored', source: 'stored credentials' });
    assert.deepEqual(await createProviderCredentials({ env: { VAULT_TOKEN: ' hvs.generic ' }, homeDir: home }).get('team', 'token'), { value: 'hvs.generic', source: 'VAULT_TOKEN' });
    assert.deepEqual(await createProviderCredentials({ env: { VAULT_TOKEN: '' }, homeDir: home }).get('team', 'token'), { value: 'hvs.from-file', source: '~/.vault-token' });
    assert.equal(await createProviderCredentials({ env: {}, homeDir: emptyHome }).get('team', 'token'), undefined);
  });

  it('takes an AppRole secret id only from the per-provider variable or the store, never from token sources', async () => {
    const env = { VAULT_TOKEN: 'hvs.generic', WORKFLOW_SECRETS_PROVIDER_OTHER_SECRET_ID: 'other' };
    assert.equal(await createProviderCredentials({ env, homeDir: home }).get('team', 'secretId'), undefined);
    const stored = store({ [providerCredentialKey('team', 'secretId')]: 'sid-stored' });
    assert.deepEqual(await createProviderCredentials({ env, homeDir: home, store: stored }).get('team', 'secretId'), { value: 'sid-stored', source: 'stored credentials' });
    assert.deepEqual(
      await createProviderCredentials({ env: { WORKFLOW_SECRETS_PROVIDER_TEAM_SECRET_ID: 'sid-env' }, store: stored }).get('team', 'secretId'),
      { value: 'sid-env', source: 'WORKFLOW_SECRETS_PROVIDER_TEAM_SECRET_ID' },
    );
  });
});
