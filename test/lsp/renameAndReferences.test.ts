import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageType, ResponseError, type TextEdit } from 'vscode-languageserver-protocol';
import { applyEdits, positionOf } from '../helpers/lspText';
import { makeWorkspace, startWithCatalog, type TestWorkspace } from '../helpers/lspWorkspace';
import type { RenameSecretParams, RenameSecretResult } from '../../shared/lspProtocol';

const FILES = ['payments.workflow.json', 'deploy.workflow.yaml', 'release.workflow.yml'];

async function renameSetup(t: { after(fn: () => void): void }, renameSecret?: (params: RenameSecretParams) => RenameSecretResult) {
  const workspace = makeWorkspace(t, FILES);
  const client = await startWithCatalog(t, workspace, renameSecret ? { renameSecret } : {});
  const uri = workspace.uri('deploy.workflow.yaml');
  const text = workspace.read('deploy.workflow.yaml');
  await client.open(uri, text);
  // Every file is indexed once each has diagnostics.
  for (const file of FILES) await client.waitForDiagnostics(workspace.uri(file));
  return { workspace, client, uri, text };
}

/** Applies a workspace edit to the files on disk (as texts) and returns the new texts by file. */
function applied(workspace: TestWorkspace, changes: Record<string, TextEdit[]>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const file of FILES) {
    const edits = changes[workspace.uri(file)];
    if (edits) result[file] = applyEdits(workspace.read(file), edits);
  }
  return result;
}

describe('rename and references over stdio', () => {
  it('prepares a rename only on a reference name', async (t) => {
    const { client, uri, text } = await renameSetup(t);
    const at = positionOf(text, 'registry.username', 3);
    assert.deepEqual(await client.prepareRename(uri, at), {
      range: { start: positionOf(text, 'registry.username'), end: positionOf(text, 'registry.username', 8) },
      placeholder: 'registry',
    });
    assert.equal(await client.prepareRename(uri, positionOf(text, 'username}}', 2)), null);
    assert.equal(await client.prepareRename(uri, positionOf(text, 'Deploy')), null);
    assert.equal(await client.shutdown(), 0);
  });

  it('renames the secret in every workflow file after the client renamed the vault entry', async (t) => {
    const { workspace, client, uri, text } = await renameSetup(t, () => ({ ok: true }));
    const edit = await client.rename(uri, positionOf(text, 'ci.token', 1), 'ci-token');
    assert.deepEqual(client.renameRequests, [{ oldName: 'ci', newName: 'ci-token' }]);
    const texts = applied(workspace, edit!.changes as Record<string, TextEdit[]>);
    assert.deepEqual(Object.keys(texts).sort(), ['deploy.workflow.yaml', 'release.workflow.yml']);
    assert.match(texts['deploy.workflow.yaml']!, /token=\{\{secrets\.ci-token\.token\}\}/);
    assert.match(texts['deploy.workflow.yaml']!, /"Bearer \{\{ secrets\.ci-token\.token \}\}"/);
    assert.match(texts['deploy.workflow.yaml']!, /'it''s \{\{secrets\.ci-token\.tokn\}\}'/);
    // A different secret with a similar name is left alone.
    assert.match(texts['deploy.workflow.yaml']!, /\{\{secrets\.cii\.token\}\}/);
    assert.match(texts['release.workflow.yml']!, /token: "\{\{secrets\.ci-token\.token\}\}"/);
    assert.equal(await client.shutdown(), 0);
  });

  it('changes nothing when the client could not rename the vault entry', async (t) => {
    const { client, uri, text } = await renameSetup(t, () => ({ ok: false, message: 'The vault is locked: enter the master key first.' }));
    await assert.rejects(client.rename(uri, positionOf(text, 'registry.username', 1), 'docker'), (error: ResponseError<unknown>) => {
      assert.match(error.message, /The vault is locked/);
      return true;
    });
    assert.equal(await client.shutdown(), 0);
  });

  it('returns the edit and points to the command line when the client has no rename request (other editors)', async (t) => {
    const { workspace, client, uri, text } = await renameSetup(t);
    const edit = await client.rename(uri, positionOf(text, 'registry.username', 1), 'docker');
    const texts = applied(workspace, edit!.changes as Record<string, TextEdit[]>);
    assert.match(texts['deploy.workflow.yaml']!, /\{\{secrets\.docker\.username\}\}:\{\{secrets\.docker\.pasword\}\}/);
    assert.match(texts['release.workflow.yml']!, /\{\{secrets\.docker\.password\}\}/);
    const message = await client.waitForMessage((shown) => shown.type === MessageType.Warning);
    assert.match(message.message, /run `workflow-secrets secret rename registry docker`/);
    assert.equal(await client.shutdown(), 0);
  });

  it('refuses an invalid name and a name that clashes ignoring case', async (t) => {
    const { client, uri, text } = await renameSetup(t, () => ({ ok: true }));
    const at = positionOf(text, 'registry.username', 1);
    await assert.rejects(client.rename(uri, at, '9lives'), /secret name "9lives" is not allowed/);
    await assert.rejects(client.rename(uri, at, 'Stripe'), /"stripe" already exists; names are unique ignoring case/);
    assert.deepEqual(client.renameRequests, []);
    assert.equal(await client.shutdown(), 0);
  });

  it('finds every reference of a secret across workflow files, open or not', async (t) => {
    const { workspace, client, uri, text } = await renameSetup(t);
    const locations = await client.references(uri, positionOf(text, 'registry.pasword', 2));
    const release = workspace.read('release.workflow.yml');
    assert.deepEqual(locations, [
      { uri, range: { start: positionOf(text, '{{secrets.registry.username}}'), end: positionOf(text, '{{secrets.registry.username}}', 29) } },
      { uri, range: { start: positionOf(text, '{{secrets.registry.pasword}}'), end: positionOf(text, '{{secrets.registry.pasword}}', 28) } },
      { uri: workspace.uri('release.workflow.yml'), range: { start: positionOf(release, '{{secrets.registry.password}}'), end: positionOf(release, '{{secrets.registry.password}}', 29) } },
    ]);
    assert.deepEqual(await client.references(uri, positionOf(text, 'Deploy')), []);
    assert.equal(await client.shutdown(), 0);
  });
});
