import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { validateWorkflowText } from '../../server/diagnostics';
import type { LspTestClient } from '../helpers/lspClient';
import { makeWorkspace, startWithCatalog, TEST_CATALOG } from '../helpers/lspWorkspace';

/**
 * The validation worker keeps its own copy of each open document and gets only the edits (the
 * whole text once): whatever the edits, what it checks must be exactly what the editor has.
 * Each test compares the published diagnostics of the final version with a check of the final
 * text in this process.
 */
const node = (index: number) =>
  `  - id: n${index}\n    type: http\n    config:\n      url: "https://x/{{secrets.stripe.value}}"\n      auth: |\n        Bearer {{ secrets.ci.token }}\n    notes: "Étape ${index} 🙂"\r\n`;
const workflow = (nodes: number) => `name: sync\nnodes:\n${Array.from({ length: nodes }, (_, index) => node(index)).join('')}`;
const TOKENS = ['{{secrets.', 'stripe.value}}', '{{secrets.nope.x}}', 'registry.pasword', '\n', '\r\n', '\r', ' ', '"', '🙂', 'é', '- id: n1\n', '}}', 'x'.repeat(2000)];

const expected = (text: string) => validateWorkflowText(text, 'yaml', TEST_CATALOG, { severities: {} }).diagnostics.map(brief);
const brief = (diagnostic: Diagnostic) => ({ code: diagnostic.code, range: diagnostic.range, message: diagnostic.message });

async function publishedFor(client: LspTestClient, uri: string, version: number) {
  const diagnostics = await client.waitForDiagnostics(uri, () => client.diagnostics.get(uri)?.version === version, `diagnostics of version ${version}`);
  return diagnostics.map(brief);
}

describe('the validation worker follows open documents through edits', () => {
  it('checks exactly the editor text after hundreds of random edits across a document of many pieces', async (t) => {
    const workspace = makeWorkspace(t, []);
    const client = await startWithCatalog(t, workspace, { settings: { diagnostics: { debounceMs: 0 } } });
    const uri = workspace.uri('big.workflow.yaml');
    let mirror = TextDocument.create(uri, 'yaml', 1, workflow(600));
    await client.open(uri, mirror.getText());
    await publishedFor(client, uri, 1);
    const script = fc.sample(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: 40 }), fc.constantFrom(...TOKENS)), { seed: 20_250_101, numRuns: 300 });
    let version = 1;
    for (const [at, length, insert] of script) {
      const start = Math.floor(at * mirror.getText().length);
      const range = { start: mirror.positionAt(start), end: mirror.positionAt(start + length) };
      version = await client.edit(uri, range, insert);
      mirror = TextDocument.update(mirror, [{ range, text: insert }], version);
    }
    assert.ok(mirror.getText().length > 100_000, 'the document spans many pieces');
    assert.deepEqual(await publishedFor(client, uri, version), expected(mirror.getText()));
    assert.equal(await client.shutdown(), 0);
  });

  it('starts over from the whole text when a document is closed and opened again, or replaced whole', async (t) => {
    const workspace = makeWorkspace(t, []);
    const client = await startWithCatalog(t, workspace, { settings: { diagnostics: { debounceMs: 0 } } });
    const uri = workspace.uri('reopened.workflow.yaml');
    const first = workflow(3).replace('stripe.value', 'stripe.nope');
    await client.open(uri, first);
    assert.deepEqual(await publishedFor(client, uri, 1), expected(first));
    await client.close(uri);
    // Same URI, same version number, another text: the worker must not use its old copy.
    const second = workflow(2).replace('ci.token', 'nope.token');
    const reopened = client.nextDiagnostics(uri, () => client.diagnostics.get(uri)?.version === 1);
    await client.open(uri, second);
    assert.deepEqual((await reopened).map(brief), expected(second));
    const third = `${second}  - id: extra\n    type: t\n    config: { x: "{{secrets.registry.pasword}}" }\n`;
    const version = await client.change(uri, third);
    assert.deepEqual(await publishedFor(client, uri, version), expected(third));
    assert.equal(await client.shutdown(), 0);
  });

  it('keeps checking a file of over a million characters correctly, edit after edit', async (t) => {
    const workspace = makeWorkspace(t, []);
    const client = await startWithCatalog(t, workspace, { settings: { diagnostics: { debounceMs: 0 } }, timeoutMs: 60_000 });
    const uri = workspace.uri('huge.workflow.yaml');
    let mirror = TextDocument.create(uri, 'yaml', 1, workflow(6000));
    assert.ok(mirror.getText().length > 1_000_000);
    await client.open(uri, mirror.getText());
    await publishedFor(client, uri, 1);
    // Typing after the first check: the worker (which freed its heap after the big parse) still holds the document.
    for (const [line, insert] of [[5000, 'registry.pasword'], [20, '{{secrets.nope.x}}'], [39_000, '"']] as const) {
      const range = { start: { line, character: 8 }, end: { line, character: 8 } };
      const version = await client.edit(uri, range, insert);
      mirror = TextDocument.update(mirror, [{ range, text: insert }], version);
      assert.deepEqual(await publishedFor(client, uri, version), expected(mirror.getText()));
    }
    assert.equal(await client.shutdown(), 0);
  });
});
