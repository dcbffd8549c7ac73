import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeVaultServer } from '../helpers/fakeVaultServer';
import { assertExit, assertNoValues, makeSandbox } from './cliHarness';
import type { Sandbox } from './cliHarness';

const PROVIDER_KEY = 'sk_live_CANARY_from_provider_31';
const TOKEN = 'hvs.CANARY-test-token';

const WORKFLOW = `{
  "name": "from the team vault",
  "nodes": [
    { "id": "charge", "type": "http", "config": { "auth": "Bearer {{secrets.stripe.value}}" } },
    { "id": "again", "type": "http", "config": { "auth": "{{secrets.stripe.value}}", "other": "{{secrets.nowhere.value}}" } }
  ]
}
`;

describe('workflow-secrets with a HashiCorp Vault provider and no local vault', () => {
  let sandbox: Sandbox;
  let server: FakeVaultServer;
  before(async () => {
    server = await FakeVaultServer.start();
    server.api.mountKv('secret', 2);
    server.api.addToken(TOKEN);
    server.api.putSecret('secret', 'workflows/stripe', { value: PROVIDER_KEY }, { customMetadata: { type: 'apiKey' } });
    sandbox = await makeSandbox();
    await sandbox.write('vaults/providers.json', JSON.stringify({ providers: [{ name: 'team', kind: 'hashicorpVault', address: server.url, mount: 'secret', pathPrefix: 'workflows', kvVersion: '2' }] }));
    await sandbox.write('flow.workflow.json', WORKFLOW);
  });
  after(async () => {
    await sandbox.cleanup();
    await server.close();
  });

  it('resolves from the provider, once per secret, and names every place looked for a missing one', async () => {
    const result = await sandbox.run(['resolve', 'flow.workflow.json'], { env: { VAULT_TOKEN: TOKEN, WORKFLOW_SECRETS_KEY: undefined } });
    assertExit(result, 1);
    assert.match(result.stdout, /\[1\] charge \(http\), line 4: ready/);
    assert.match(result.stdout, /\{\{secrets\.stripe\.value\}\} {2}ok: from provider "team"/);
    assert.match(result.stdout, /secret not found: Secret "nowhere" was not found; looked in: HashiCorp Vault 'team' at /);
    assert.match(result.stderr, /no local vault .* only the configured providers are asked/);
    assert.equal(server.requestsTo(/workflows\/stripe/).filter((request) => request.method === 'GET').length, 1);
    assertNoValues(result, [PROVIDER_KEY, TOKEN]);
  });

  it('checks names against the provider list (no false unknown-secret)', async () => {
    const result = await sandbox.run(['check', 'flow.workflow.json'], { env: { VAULT_TOKEN: TOKEN } });
    assertExit(result, 1);
    assert.doesNotMatch(result.stdout, /"stripe"/);
    assert.match(result.stdout, /unknown-secret: No secret named "nowhere"/);
    assertNoValues(result, [PROVIDER_KEY, TOKEN]);
  });

  it('replaces a provider value pasted into a workflow on export', async () => {
    await sandbox.write('pasted.workflow.json', WORKFLOW.replace('Bearer {{secrets.stripe.value}}', `Bearer ${PROVIDER_KEY}`).replace(', "other": "{{secrets.nowhere.value}}"', ''));
    const result = await sandbox.run(['export', 'pasted.workflow.json', '-o', 'out.workflow.json'], { env: { VAULT_TOKEN: TOKEN } });
    assertExit(result, 0);
    assert.match(result.stdout, /1 value replaced by a reference/);
    assertNoValues(result, [PROVIDER_KEY, TOKEN]);
  });
});
