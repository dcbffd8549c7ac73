import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Diagnostic, MarkupContent } from 'vscode-languageserver-protocol';
import { generateMasterKey } from '../../shared/vault/masterKey';
import { Vault } from '../../shared/vault/vault';
import { messageOf, positionOf } from '../helpers/lspText';
import { makeWorkspace, startServer } from '../helpers/lspWorkspace';

const CANARIES = ['canary-stripe-7d41e0', 'canary-user-0b8c2f', 'canary-pass-5e9a13', 'canary-token-c2f7d8'];

async function fillVault(vaultPath: string, environment?: string): Promise<Vault> {
  const vault = await Vault.create(vaultPath, generateMasterKey(), environment ? { environment } : {});
  await vault.add({ name: 'stripe', type: 'apiKey', data: { value: CANARIES[0] }, description: 'Stripe live key', tags: ['payments'] });
  await vault.add({ name: 'registry', type: 'basicAuth', data: { username: CANARIES[1], password: CANARIES[2] } });
  await vault.add({ name: 'github', type: 'bearerToken', data: { token: CANARIES[3], expiresAt: '2020-01-01T00:00:00Z' } });
  return vault;
}

const codes = (diagnostics: Diagnostic[]) => diagnostics.map((diagnostic) => diagnostic.code);
const unknownNamed = (name: string) => (diagnostics: Diagnostic[]) => diagnostics.some((diagnostic) => diagnostic.code === 'unknown-secret' && (diagnostic.data as { name?: string })?.name === name);

describe('catalog read from the vault file (editors without the VS Code client)', () => {
  it('checks against the vault metadata without a key, follows vault changes, and never sees a value', async (t) => {
    const workspace = makeWorkspace(t, ['payments.workflow.json', 'deploy.workflow.yaml']);
    const vault = await fillVault(workspace.vaultPath);
    const client = await startServer(t, workspace);

    const payments = await client.waitForDiagnostics(workspace.uri('payments.workflow.json'), unknownNamed('strpe'));
    assert.deepEqual(codes(payments), ['reference-outside-config', 'unknown-secret', 'unknown-field', 'expired-secret', 'reference-outside-config', 'malformed-reference', 'unknown-secret']);
    // crm is not in this vault: unknown, and named so.
    assert.ok(unknownNamed('crm')(payments));

    const text = workspace.read('payments.workflow.json');
    const uri = workspace.uri('payments.workflow.json');
    await client.open(uri, text);
    for (const needle of ['stripe.value}}"', 'github.token']) {
      const hover = await client.hover(uri, positionOf(text, needle));
      assert.ok(hover, `hover on ${needle}`);
      const shown = (hover.contents as MarkupContent).value;
      for (const canary of CANARIES) assert.ok(!shown.includes(canary), `a value appeared in the hover: ${shown}`);
    }
    const stripeHover = (await client.hover(uri, positionOf(text, 'stripe.value}}"')))!.contents as MarkupContent;
    assert.match(stripeHover.value, /\*\*stripe\*\* — API Key/);
    assert.match(stripeHover.value, /Source: local vault, environment `default`/);
    assert.match(stripeHover.value, /Created: \d{4}-/);

    // Another process adds a secret: the watcher picks up the new file and every file is re-checked.
    await client.waitForDiagnostics(workspace.uri('deploy.workflow.yaml'), unknownNamed('ci'));
    await vault.add({ name: 'ci', type: 'bearerToken', data: { token: 'canary-ci-91d3aa' } });
    const deploy = await client.waitForDiagnostics(workspace.uri('deploy.workflow.yaml'), (diagnostics) => !unknownNamed('ci')(diagnostics));
    assert.ok(deploy.some((diagnostic) => diagnostic.code === 'unknown-field' && /"tokn"/.test(messageOf(diagnostic))));

    assert.equal(await client.shutdown(), 0);
    for (const canary of [...CANARIES, 'canary-ci-91d3aa']) assert.ok(!client.wire.includes(canary), `${canary} reached the LSP wire`);
  });

  it('reports unverified references (not unknown secrets) while there is no vault, and checks once one appears', async (t) => {
    const workspace = makeWorkspace(t, ['release.workflow.yml']);
    const vaultPath = path.join(workspace.vaultDir, 'later.vault.json');
    const client = await startServer(t, workspace, { initializationOptions: { vaultPath } });
    const uri = workspace.uri('release.workflow.yml');
    const before = await client.waitForDiagnostics(uri, (diagnostics) => diagnostics.length > 0);
    assert.deepEqual(codes(before), ['unverified-references']);
    assert.match(messageOf(before[0]!), new RegExp(`^2 secret references in this file could not be verified: no vault file at ${vaultPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    const vault = await Vault.create(vaultPath, generateMasterKey());
    await vault.add({ name: 'ci', type: 'bearerToken', data: { token: 'canary-later-1' } });
    const after = await client.waitForDiagnostics(uri, (diagnostics) => !codes(diagnostics).includes('unverified-references'));
    assert.deepEqual(codes(after), ['unknown-secret']);
    assert.match(messageOf(after[0]!), /No secret named "registry" in environment 'default'/);
    assert.equal(await client.shutdown(), 0);
  });

  it('reads the environment given in initializationOptions from a vault folder', async (t) => {
    const workspace = makeWorkspace(t, ['release.workflow.yml']);
    const dev = await Vault.create(path.join(workspace.vaultDir, 'dev.vault.json'), generateMasterKey(), { environment: 'dev' });
    await dev.add({ name: 'ci', type: 'bearerToken', data: { token: 'canary-dev-1' } });
    await dev.add({ name: 'registry', type: 'basicAuth', data: { username: 'canary-dev-2', password: 'canary-dev-3' } });
    const client = await startServer(t, workspace, { initializationOptions: { vaultPath: `${workspace.vaultDir}${path.sep}`, environment: 'dev' } });
    const uri = workspace.uri('release.workflow.yml');
    await client.waitForDiagnostics(uri, (diagnostics) => diagnostics.length === 0);
    await client.open(uri, workspace.read('release.workflow.yml'));
    const hover = await client.hover(uri, { line: 5, character: 20 });
    assert.match((hover?.contents as MarkupContent).value, /environment `dev`/);
    assert.equal(await client.shutdown(), 0);
  });
});
