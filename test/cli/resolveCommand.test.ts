import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { addStandardSecrets, ALL_CANARIES, assertExit, assertNoValues, makeSandbox } from './cliHarness';
import type { Sandbox } from './cliHarness';

const ALL_OK = `{
  "name": "all ok",
  "nodes": [
    { "id": "charge", "type": "http", "config": { "auth": "Bearer {{secrets.stripe.value}}", "hook": "{{secrets.webhook.url}}" } },
    { "id": "mail", "type": "email", "config": { "login": "{{secrets.smtp.username}}:{{secrets.smtp.password}}" } },
    { "id": "again", "type": "http", "config": { "auth": "{{secrets.stripe.value}}", "gh": "{{ secrets.github.token }}" } }
  ]
}
`;

const BROKEN = [
  'name: broken',
  'nodes:',
  '  - id: ok',
  '    type: http',
  '    config:',
  '      key: "{{secrets.stripe.value}}"',
  '  - id: noSecret',
  '    type: http',
  '    config:',
  '      key: "{{secrets.nope.value}}"',
  '  - id: noField',
  '    type: email',
  '    config:',
  '      pass: "{{secrets.smtp.pasword}}"',
  '',
].join('\n');

describe('workflow-secrets resolve', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
    await addStandardSecrets(sandbox);
    await sandbox.write('ok.workflow.json', ALL_OK);
    await sandbox.write('broken.workflow.yaml', BROKEN);
  });
  after(() => sandbox.cleanup());

  it('resolves every node, one lookup per secret, and prints no values', async () => {
    const result = await sandbox.run(['resolve', 'ok.workflow.json']);
    assertExit(result, 0);
    assert.match(result.stdout, /3 nodes, 3 ready, 0 blocked; 6 references \(6 resolved, 0 unresolved\); 4 secret lookups/);
    assert.match(result.stdout, /\[1\] charge \(http\), line 4: ready \(would execute\)/);
    assert.match(result.stdout, /\{\{secrets\.stripe\.value\}\} {2}ok: from local vault/);
    assertNoValues(result, ALL_CANARIES);
  });

  it('blocks nodes with a missing secret or field and exits 1', async () => {
    const result = await sandbox.run(['resolve', 'broken.workflow.yaml']);
    assertExit(result, 1);
    assert.match(result.stdout, /\[2\] noSecret \(http\), line 7: BLOCKED/);
    assert.match(result.stdout, /secret not found: Secret "nope" was not found; looked in: local vault 'default'/);
    assert.match(result.stdout, /field not found: Secret "smtp" \(basicAuth\) has no field "pasword"; its fields are: username, password/);
    assertNoValues(result, ALL_CANARIES);
  });

  it('gives the same report as JSON', async () => {
    const result = await sandbox.run(['resolve', 'broken.workflow.yaml', '--json']);
    assertExit(result, 1);
    const report = JSON.parse(result.stdout);
    assert.equal(report.file, 'broken.workflow.yaml');
    assert.deepEqual(report.nodes.map((node: { status: string }) => node.status), ['executed', 'blocked', 'blocked']);
    assert.deepEqual(report.nodes[1].references[0].status, 'secret-not-found');
    assert.equal(report.lookups, 3);
    assertNoValues(result, ALL_CANARIES);
  });

  it('needs the key (exit 3) and a readable file (exit 2); a syntax error is named with its line (exit 1)', async () => {
    const noKey = await sandbox.run(['resolve', 'ok.workflow.json'], { env: { WORKFLOW_SECRETS_KEY: undefined } });
    assertExit(noKey, 3);
    assert.match(noKey.stderr, /WORKFLOW_SECRETS_KEY is not set/);
    assertExit(await sandbox.run(['resolve', 'missing.workflow.json']), 2);
    await sandbox.write('syntax.workflow.json', '{\n  "name": "x",\n  "nodes": [\n');
    const syntax = await sandbox.run(['resolve', 'syntax.workflow.json']);
    assertExit(syntax, 1);
    assert.match(syntax.stderr, /syntax\.workflow\.json: The workflow cannot be resolved: .*line \d+/);
  });

  it('falls back to the local vault when a configured provider is down, and says so', async () => {
    // A port that was just free: nothing listens there, so connections are refused.
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const providers = { providers: [{ name: 'team', kind: 'hashicorpVault', address: `http://127.0.0.1:${port}`, kvVersion: '2', timeoutSeconds: 1 }] };
    await sandbox.write('vaults/providers.json', JSON.stringify(providers));
    try {
      const result = await sandbox.run(['resolve', 'ok.workflow.json'], { env: { VAULT_TOKEN: 'test-token-not-secret' } });
      assertExit(result, 0);
      assert.match(result.stdout, /local vault \(fallback: provider "team" unavailable: /);
      assert.match(result.stdout, /6 served by the local vault as a fallback/);
      assertNoValues(result, ALL_CANARIES);
    } finally {
      await sandbox.write('vaults/providers.json', '{ "providers": [] }');
    }
  });
});
