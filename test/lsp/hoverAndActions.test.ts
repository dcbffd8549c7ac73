import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import { CommandIds } from '../../shared/commandIds';
import { applyEdits, messageOf, positionOf } from '../helpers/lspText';
import { makeWorkspace, startWithCatalog, TEST_CATALOG } from '../helpers/lspWorkspace';

const CANARY = 'canary-hover-3f9a1c7e';

describe('hover and code actions over stdio', () => {
  it('describes the secret under the cursor and never shows a value, even one a client sent by mistake', async (t) => {
    const workspace = makeWorkspace(t, ['payments.workflow.json', 'deploy.workflow.yaml']);
    // A buggy client attaches a value: the server must drop it before it can reach any answer.
    const leaky = { ...TEST_CATALOG, secrets: TEST_CATALOG.secrets.map((secret) => (secret.name === 'stripe' ? { ...secret, value: CANARY, data: { value: CANARY } } : secret)) };
    const client = await startWithCatalog(t, workspace, {}, leaky);
    const uri = workspace.uri('payments.workflow.json');
    const text = workspace.read('payments.workflow.json');
    await client.open(uri, text);
    await client.waitForDiagnostics(uri, (diagnostics) => diagnostics.length > 0);

    const hover = await client.hover(uri, positionOf(text, '{{secrets.stripe.value}}"', 12, 1));
    const shown = (hover?.contents as MarkupContent).value;
    assert.match(shown, /\*\*stripe\*\* — API Key \(`apiKey`\)/);
    assert.match(shown, /Stripe live key/);
    assert.match(shown, /`value` \(required\): The API key\. ← this reference/);
    assert.match(shown, /Tags: `payments`, `prod`/);
    assert.match(shown, /Source: local vault, environment `default`/);
    assert.match(shown, /Created: 2025-01-02T03:04:05\.000Z/);
    assert.match(shown, /Updated: 2025-02-03T04:05:06\.000Z/);
    assert.deepEqual(hover?.range, { start: positionOf(text, '{{secrets.stripe.value}}"', 0, 1), end: positionOf(text, '{{secrets.stripe.value}}"', 24, 1) });

    const expired = await client.hover(uri, positionOf(text, 'github.token'));
    assert.match((expired?.contents as MarkupContent).value, /Expires: 2020-01-01T00:00:00Z \(\*\*expired\*\*\)/);
    const unknown = await client.hover(uri, positionOf(text, 'strpe'));
    assert.match((unknown?.contents as MarkupContent).value, /No secret with this name in environment `default`/);
    assert.equal(await client.hover(uri, positionOf(text, 'https://api')), null);

    const yamlUri = workspace.uri('deploy.workflow.yaml');
    const yaml = workspace.read('deploy.workflow.yaml');
    await client.open(yamlUri, yaml);
    const provider = await client.hover(yamlUri, positionOf(yaml, 'slack.url'));
    assert.match((provider?.contents as MarkupContent).value, /Source: provider `team-vault`/);
    // Right after an edit (before any re-validation) hover reads the current line itself.
    const edited = yaml.replace('{{secrets.ci.tokn}}', '{{secrets.registry.username}}');
    await client.change(yamlUri, edited);
    const fresh = await client.hover(yamlUri, positionOf(edited, 'registry.username'));
    assert.match((fresh?.contents as MarkupContent).value, /\*\*registry\*\* — Basic Auth/);

    assert.ok(!client.wire.includes(CANARY), 'a value reached the wire');
    assert.equal(await client.shutdown(), 0);
  });

  it('offers "Change to" and "Create secret" fixes keyed on the diagnostic codes', async (t) => {
    const workspace = makeWorkspace(t, ['payments.workflow.json']);
    const client = await startWithCatalog(t, workspace);
    const uri = workspace.uri('payments.workflow.json');
    const text = workspace.read('payments.workflow.json');
    const diagnostics = await client.waitForDiagnostics(uri, (found) => found.some((diagnostic) => diagnostic.code === 'unknown-secret'));

    const unknownSecret = diagnostics.find((diagnostic) => diagnostic.code === 'unknown-secret')!;
    const secretFixes = await client.codeActions(uri, unknownSecret.range, [unknownSecret]);
    assert.deepEqual(
      secretFixes.map((action) => [action.title, action.kind, action.isPreferred ?? false]),
      [
        ['Change to stripe', 'quickfix', true],
        ['Create secret strpe', 'quickfix', false],
      ],
    );
    assert.deepEqual(secretFixes[1]!.command, { title: 'Create secret strpe', command: CommandIds.createSecret, arguments: [{ name: 'strpe', type: 'apiKey' }] });
    const fixed = applyEdits(text, secretFixes[0]!.edit!.changes![uri] as TextEdit[]);
    assert.ok(fixed.includes('"café ☕ 🌍 {{secrets.stripe.value}}"'));

    const unknownField = diagnostics.find((diagnostic) => diagnostic.code === 'unknown-field')!;
    const fieldFixes = await client.codeActions(uri, unknownField.range, [unknownField]);
    assert.deepEqual(
      fieldFixes.map((action) => [action.title, action.isPreferred ?? false]),
      [
        ['Change to token', true],
        ['Change to expiresAt', false],
      ],
    );
    assert.ok(applyEdits(text, fieldFixes[0]!.edit!.changes![uri] as TextEdit[]).includes('{{secrets.github.token}}\\"}'));

    // With no near name, creating the secret is the preferred fix; its type is guessed from the field.
    await client.open(uri, text.replace('strpe.value', 'zzzzzz.password'));
    const far = await client.waitForDiagnostics(uri, (found) => found.some((diagnostic) => diagnostic.code === 'unknown-secret' && /zzzzzz/.test(messageOf(diagnostic))));
    const create = await client.codeActions(uri, far[1]!.range, [far[1]!]);
    assert.deepEqual(create.map((action) => [action.title, action.isPreferred]), [['Create secret zzzzzz', true]]);
    assert.deepEqual(create[0]!.command?.arguments, [{ name: 'zzzzzz', type: 'basicAuth' }]);
    assert.equal(await client.shutdown(), 0);
  });
});
