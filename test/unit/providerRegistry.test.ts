import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isWorkflowSecretsError } from '../../shared/errors';
import { createProviders, loadProviderConfigFile, parseBooleanVariable, providerConfigPath } from '../../shared/providers/providerRegistry';
import { providerSettingSchema } from '../../shared/settings';
import { FakeVaultServer } from '../helpers/fakeVaultServer';
import { staticCredentials } from '../helpers/providerHarness';

const dirs: string[] = [];
function tempVaultDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ws-providers-'));
  dirs.push(dir);
  return dir;
}

describe('providerRegistry', () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('parses VAULT_SKIP_VERIFY-style booleans strictly', () => {
    for (const yes of ['1', 'true', 'TRUE', 'yes', ' Yes ']) assert.equal(parseBooleanVariable('VAULT_SKIP_VERIFY', yes), true, yes);
    for (const no of ['0', 'false', 'False', 'no', '', undefined]) assert.equal(parseBooleanVariable('VAULT_SKIP_VERIFY', no), false, String(no));
    for (const bad of ['maybe', '2', 'ture']) {
      assert.throws(() => parseBooleanVariable('VAULT_SKIP_VERIFY', bad), (error: unknown) => isWorkflowSecretsError(error, 'usage') && /neither true nor false/.test(error.message));
    }
  });

  it('reads providers.json beside the vault and builds working providers from it', async () => {
    const server = await FakeVaultServer.start();
    server.api.mountKv('secret', 2);
    server.api.addToken('hvs.registry');
    server.api.putSecret('secret', 'workflows/stripe', { value: 'canary-registry-1' });
    try {
      const dir = tempVaultDir();
      const vaultPath = join(dir, 'default.vault');
      assert.equal(providerConfigPath(vaultPath), join(dir, 'providers.json'));
      writeFileSync(join(dir, 'providers.json'), JSON.stringify({ providers: [{ name: 'team', kind: 'hashicorpVault', address: server.url, pathPrefix: 'workflows' }] }));
      const settings = await loadProviderConfigFile(vaultPath);
      assert.equal(settings[0]?.mount, 'secret', 'schema defaults applied');
      assert.equal(settings[0]?.timeoutSeconds, 5);
      const [provider] = createProviders(settings, staticCredentials({ token: 'hvs.registry' }), { env: {} });
      assert.equal(provider?.name, 'team');
      assert.equal(provider?.kind, 'hashicorpVault');
      assert.deepEqual(await provider?.lookup('stripe'), { status: 'found', type: 'custom', data: { value: 'canary-registry-1' } });
      provider?.dispose();
    } finally {
      await server.close();
    }
  });

  it('treats a missing providers.json as no providers', async () => {
    assert.deepEqual(await loadProviderConfigFile(join(tempVaultDir(), 'default.vault')), []);
  });

  it('refuses invalid JSON, a wrong shape, invalid settings and credentials in the file, naming the file', async () => {
    const cases: [string, RegExp][] = [
      ['{ "providers": [ ', /is not valid JSON/],
      ['[]', /must hold an object with a "providers" list/],
      [JSON.stringify({ providers: [{ name: 'team', kind: 'hashicorpVault', address: 'not a url' }] }), /providers\[0\] is invalid: address/],
      [JSON.stringify({ providers: [{ name: 'team', kind: 'hashicorpVault', address: 'https://v:8200', token: 'hvs.canary-in-file' }] }), /contains "token"; tokens and secret ids never go in providers\.json/],
      [JSON.stringify({ providers: [{ name: 'team', kind: 'hashicorpVault', address: 'https://v:8200', secret_id: 'canary-in-file' }] }), /contains "secret_id"/],
    ];
    for (const [text, expected] of cases) {
      const dir = tempVaultDir();
      writeFileSync(join(dir, 'providers.json'), text);
      await assert.rejects(loadProviderConfigFile(join(dir, 'default.vault')), (error: unknown) => {
        assert.ok(isWorkflowSecretsError(error, 'usage'));
        assert.match(error.message, expected);
        assert.ok(error.message.includes(join(dir, 'providers.json')));
        assert.ok(!error.message.includes('canary-in-file'));
        return true;
      });
    }
  });

  it('refuses duplicate names and AppRole without a role id', () => {
    const base = providerSettingSchema.parse({ name: 'team', kind: 'hashicorpVault', address: 'https://vault.example.com:8200' });
    assert.throws(() => createProviders([base, { ...base, name: 'Team' }], staticCredentials({}), { env: {} }), /Two providers are named "Team"/);
    assert.throws(() => createProviders([{ ...base, auth: 'approle' }], staticCredentials({}), { env: {} }), /uses AppRole but has no roleId/);
  });

  it('answers an unusable address as an error on every call instead of throwing', async () => {
    const setting = providerSettingSchema.parse({ name: 'team', kind: 'hashicorpVault', address: 'ftp://vault.example.com' });
    const [provider] = createProviders([setting], staticCredentials({ token: 'hvs.x' }), { env: {} });
    const result = await provider?.lookup('stripe');
    assert.equal(result?.status, 'error');
    assert.match(result?.status === 'error' ? result.message : '', /must start with https:\/\/ or http:\/\//);
    assert.equal((await provider?.health())?.ok, false);
    provider?.dispose();
  });
});
