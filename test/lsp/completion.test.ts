import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompletionItemKind, type CompletionItem, type MarkupContent, type TextEdit } from 'vscode-languageserver-protocol';
import type { LspTestClient } from '../helpers/lspClient';
import { applyEdits, positionAt } from '../helpers/lspText';
import { makeWorkspace, startWithCatalog, type TestWorkspace } from '../helpers/lspWorkspace';

describe('completion over stdio', () => {
  let workspace: TestWorkspace;
  let client: LspTestClient;
  let documents = 0;
  const cleanups: (() => void)[] = [];

  before(async () => {
    const context = { after: (fn: () => void) => cleanups.push(fn) };
    workspace = makeWorkspace(context, []);
    client = await startWithCatalog(context, workspace, { initializationOptions: { selfCatalog: false, retriggerCompletionCommand: 'editor.action.triggerSuggest' } });
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
    for (const cleanup of cleanups.reverse()) cleanup();
  });

  /** Opens `source` (with `§` as the cursor) as a new document and asks for completion there. */
  async function complete(source: string, extension: 'json' | 'yaml') {
    const offset = source.indexOf('§');
    const text = source.slice(0, offset) + source.slice(offset + 1);
    const uri = workspace.uri(`edit${++documents}.workflow.${extension}`);
    await client.open(uri, text);
    const items = await client.completion(uri, positionAt(text, offset));
    /** The document after accepting the item with this label. */
    const accept = (label: string): string => {
      const item = items.find((candidate) => candidate.label === label);
      assert.ok(item, `no item ${label} among ${items.map((candidate) => candidate.label).join(', ')}`);
      return applyEdits(text, [item.textEdit as TextEdit]);
    };
    return { items, accept, labels: items.map((item) => item.label) };
  }

  const docs = (item: CompletionItem | undefined) => (item?.documentation as MarkupContent | undefined)?.value ?? '';

  it('offers secrets. after {{ in a JSON string and names after {{secrets.', async () => {
    const keyword = await complete('{"nodes": [{"id": "a", "type": "t", "config": {"auth": "Bearer {{§"}}]}', 'json');
    assert.deepEqual(keyword.labels, ['secrets.']);
    assert.equal(keyword.items[0]!.kind, CompletionItemKind.Keyword);
    assert.match(keyword.accept('secrets.'), /"Bearer \{\{secrets\."/);
    assert.equal(keyword.items[0]!.command?.command, 'editor.action.triggerSuggest');

    const names = await complete('{"nodes": [{"id": "a", "type": "t", "config": {"auth": "Bearer {{secrets.§"}}]}', 'json');
    assert.deepEqual(names.labels, ['ci', 'crm', 'github', 'registry', 'slack', 'stripe']);
    const stripe = names.items.find((item) => item.label === 'stripe');
    assert.equal(stripe?.detail, 'API Key — Stripe live key');
    // The Markdown documentation comes with completionItem/resolve, keeping each answer small.
    assert.equal(stripe?.documentation, undefined);
    const resolved = await client.resolveCompletion(stripe!);
    assert.match(docs(resolved), /`value` \(required\): The API key\./);
    assert.match(docs(resolved), /Tags: `payments`, `prod`/);
    assert.match(names.accept('stripe'), /"Bearer \{\{secrets\.stripe\."/);
    assert.equal(stripe?.command?.command, 'editor.action.triggerSuggest');
  });

  it('replaces a partly typed name and keeps the rest of a finished reference', async () => {
    const partial = await complete('{"nodes": [{"config": {"auth": "{{secrets.str§"}}]}', 'json');
    assert.match(partial.accept('stripe'), /"\{\{secrets\.stripe\."/);
    const middle = await complete('{"nodes": [{"config": {"auth": "{{secrets.cr§m.clientId}}"}}]}', 'json');
    assert.match(middle.accept('registry'), /"\{\{secrets\.registry\.clientId\}\}"/);
  });

  it('offers fields with required ones first, each documented, and closes the reference once', async () => {
    const open = await complete('{"nodes": [{"config": {"auth": "{{secrets.crm.§"}}]}', 'json');
    assert.deepEqual(open.labels, ['clientId', 'clientSecret', 'refreshToken', 'scopes']);
    assert.deepEqual(
      open.items.map((item) => item.detail),
      ['required field of crm (oauth)', 'required field of crm (oauth)', 'optional field of crm (oauth)', 'optional field of crm (oauth)'],
    );
    for (const item of open.items) assert.ok(docs(item).length > 10, `${item.label} is documented`);
    assert.match(docs(open.items[3]), /joined by single spaces/);
    assert.match(open.accept('clientSecret'), /"\{\{secrets\.crm\.clientSecret\}\}"/);

    const closed = await complete('{"nodes": [{"config": {"auth": "{{secrets.crm.cl§}}"}}]}', 'json');
    assert.match(closed.accept('clientId'), /"\{\{secrets\.crm\.clientId\}\}"\}/);
    const spaced = await complete('{"nodes": [{"config": {"auth": "{{ secrets.stripe.§"}}]}', 'json');
    assert.match(spaced.accept('value'), /"\{\{ secrets\.stripe\.value \}\}"/);
  });

  it('completes inside JSON escapes', async () => {
    const escaped = await complete('{"nodes": [{"config": {"body": "{\\"token\\": \\"{{secrets.github.§\\"}"}}]}', 'json');
    assert.deepEqual(escaped.labels, ['token', 'expiresAt']);
    assert.match(escaped.accept('token'), /"\{\\"token\\": \\"\{\{secrets\.github\.token\}\}\\"\}"/);
  });

  it('completes in YAML literal and folded block scalars and quoted scalars', async () => {
    const literal = await complete('nodes:\n  - id: a\n    type: t\n    config:\n      script: |\n        echo "é 🚀"\n        curl -u {{secrets.registry.§\n', 'yaml');
    assert.deepEqual(literal.labels, ['username', 'password']);
    assert.match(literal.accept('password'), /curl -u \{\{secrets\.registry\.password\}\}\n/);
    const folded = await complete('nodes:\n  - id: a\n    type: t\n    config:\n      body: >-\n        first\n        then {{secr§\n', 'yaml');
    assert.match(folded.accept('secrets.'), /then \{\{secrets\.\n/);
    const single = await complete("nodes:\n  - id: a\n    type: t\n    config:\n      note: 'it''s {{secrets.§'\n", 'yaml');
    assert.equal(single.labels.length, 6);
  });

  it('completes in a document that does not parse (mid-edit)', async () => {
    const brokenYaml = await complete('nodes:\n  - id: a\n    type: t\n    config: [oops\n      token: "{{secrets.stripe.§\n  bad: : :\n', 'yaml');
    assert.deepEqual(brokenYaml.labels, ['value']);
    assert.match(brokenYaml.accept('value'), /token: "\{\{secrets\.stripe\.value\}\}\n/);
    const brokenJson = await complete('{"nodes": [{"id": "a",, "config": {"auth": "{{secrets.§', 'json');
    assert.equal(brokenJson.labels.length, 6);
  });

  it('offers nothing outside strings, in comments, keys, or for an unknown secret', async () => {
    assert.deepEqual((await complete('{"nodes": [{"config": {"auth": {{§}}]}', 'json')).labels, []);
    assert.deepEqual((await complete('{"nodes": [{"config": {"{{secrets.§": 1}}]}', 'json')).labels, []);
    assert.deepEqual((await complete('nodes:\n  - id: a # {{secrets.§\n', 'yaml')).labels, []);
    assert.deepEqual((await complete('nodes:\n  - config:\n      x: "{{secrets.nope.§"\n', 'yaml')).labels, []);
  });
});
