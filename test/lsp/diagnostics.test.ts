import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticSeverity, FileChangeType, type Diagnostic, type Range } from 'vscode-languageserver-protocol';
import { messageOf, positionOf } from '../helpers/lspText';
import { makeWorkspace, startServer, startWithCatalog, TEST_CATALOG } from '../helpers/lspWorkspace';

/** The range of `needle` (its `occurrence`-th match) in `text`. */
function rangeOf(text: string, needle: string, occurrence = 1): Range {
  const start = positionOf(text, needle, 0, occurrence);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

const summary = (diagnostics: Diagnostic[]) => diagnostics.map((diagnostic) => ({ code: diagnostic.code, range: diagnostic.range }));
const hasCode = (code: string) => (diagnostics: Diagnostic[]) => diagnostics.some((diagnostic) => diagnostic.code === code);

describe('diagnostics over stdio', () => {
  it('reports every code with exact ranges in a JSON workflow with escapes, non-ASCII text and keys', async (t) => {
    const workspace = makeWorkspace(t);
    const client = await startWithCatalog(t, workspace);
    const text = workspace.read('payments.workflow.json');
    const diagnostics = await client.waitForDiagnostics(workspace.uri('payments.workflow.json'), hasCode('unknown-secret'));
    assert.deepEqual(summary(diagnostics), [
      { code: 'reference-outside-config', range: rangeOf(text, '{{secrets.stripe.value}}', 1) },
      { code: 'unknown-secret', range: rangeOf(text, 'strpe') },
      { code: 'unknown-field', range: rangeOf(text, 'tokn') },
      { code: 'expired-secret', range: rangeOf(text, '{{secrets.github.token}}') },
      { code: 'reference-outside-config', range: rangeOf(text, '{{secrets.stripe.value}}', 3) },
      { code: 'malformed-reference', range: rangeOf(text, '{{secrets.stripe}}') },
    ]);
    // Counted by hand in UTF-16 code units: `café ☕ 🌍 ` is 10 units (the globe is a surrogate pair).
    assert.deepEqual(diagnostics[1]!.range, { start: { line: 11, character: 41 }, end: { line: 11, character: 46 } });
    for (const diagnostic of diagnostics) assert.equal(diagnostic.source, 'workflow-secrets');
    const severities = Object.fromEntries(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.severity]));
    assert.deepEqual(severities, {
      'reference-outside-config': DiagnosticSeverity.Warning,
      'unknown-secret': DiagnosticSeverity.Error,
      'unknown-field': DiagnosticSeverity.Error,
      'expired-secret': DiagnosticSeverity.Warning,
      'malformed-reference': DiagnosticSeverity.Error,
    });
    assert.match(messageOf(diagnostics[1]!), /"strpe".*Did you mean "stripe"/);
    assert.match(messageOf(diagnostics[2]!), /Its fields: token, expiresAt/);
    assert.match(messageOf(diagnostics[3]!), /expired on 2020-01-01T00:00:00Z/);
    assert.match(messageOf(diagnostics[5]!), /\{\{secrets\.NAME\.FIELD\}\}/);
    assert.equal(await client.shutdown(), 0);
  });

  it('reports exact ranges in every YAML scalar style and ignores comments, with LF and CRLF alike', async (t) => {
    const workspace = makeWorkspace(t, ['deploy.workflow.yaml']);
    const lf = workspace.read('deploy.workflow.yaml');
    workspace.write('crlf.workflow.yaml', lf.replace(/\n/g, '\r\n'));
    const client = await startWithCatalog(t, workspace);
    const expected = [
      { code: 'unknown-field', range: rangeOf(lf, 'tokn') },
      { code: 'unknown-field', range: rangeOf(lf, 'pasword') },
      { code: 'unknown-secret', range: rangeOf(lf, 'cii') },
      { code: 'malformed-reference', range: rangeOf(lf, '{{secrets.slack.url"', 1) },
    ];
    // The unclosed reference runs to the end of its dotted name, not over the closing quote.
    expected[3]!.range.end.character -= 1;
    const fromLf = await client.waitForDiagnostics(workspace.uri('deploy.workflow.yaml'), hasCode('unknown-secret'));
    assert.deepEqual(summary(fromLf), expected);
    const fromCrlf = await client.waitForDiagnostics(workspace.uri('crlf.workflow.yaml'), hasCode('unknown-secret'));
    assert.deepEqual(summary(fromCrlf), expected);
    // In the literal block: 8 spaces, `curl -u `, the first reference (29) and `:{{secrets.registry.`.
    assert.deepEqual(fromLf[1]!.range.start, { line: 11, character: 65 });
    assert.equal(await client.shutdown(), 0);
  });

  it('says references could not be verified, without unknown-secret errors, until the catalog is ready', async (t) => {
    const workspace = makeWorkspace(t, ['release.workflow.yml']);
    const client = await startServer(t, workspace, { initializationOptions: { selfCatalog: false } });
    const uri = workspace.uri('release.workflow.yml');
    const text = workspace.read('release.workflow.yml');
    await client.sendCatalog({ state: 'keyMissing', stateReason: 'the master key is missing', environment: 'default', secrets: [] });
    const unverified = await client.waitForDiagnostics(uri, (diagnostics) => diagnostics.some((diagnostic) => /master key is missing/.test(messageOf(diagnostic))));
    assert.equal(unverified.length, 1);
    assert.equal(unverified[0]!.code, 'unverified-references');
    assert.equal(unverified[0]!.severity, DiagnosticSeverity.Information);
    assert.match(messageOf(unverified[0]!), /^2 secret references in this file could not be verified: the master key is missing/);
    assert.deepEqual(unverified[0]!.range, rangeOf(text, '{{secrets.ci.token}}'));
    // The catalog arrives: the file is checked again, and it is clean.
    await client.sendCatalog(TEST_CATALOG);
    assert.deepEqual(await client.waitForDiagnostics(uri, (diagnostics) => diagnostics.length === 0), []);
    assert.equal(await client.shutdown(), 0);
  });

  it('checks files never opened, skips node_modules and non-workflow files, and follows changes on disk', async (t) => {
    const workspace = makeWorkspace(t, ['release.workflow.yml', 'notes.yaml']);
    workspace.write('node_modules/pkg/dep.workflow.json', '{"nodes": [{"id": "a", "type": "t", "config": {"x": "{{secrets.nope.x}}"}}]}');
    workspace.write('sub/dir/extra.workflow.json', '{"nodes": [{"id": "a", "type": "t", "config": {"x": "{{secrets.nope.x}}"}}]}');
    const client = await startWithCatalog(t, workspace);
    const nested = await client.waitForDiagnostics(workspace.uri('sub/dir/extra.workflow.json'), hasCode('unknown-secret'));
    assert.equal(nested.length, 1);
    await client.waitForDiagnostics(workspace.uri('release.workflow.yml'), (diagnostics) => diagnostics.length === 0);
    await client.waitForUsage((usages) => usages.some((usage) => usage.name === 'nope'));
    assert.ok(!client.diagnostics.has(workspace.uri('notes.yaml')));
    assert.ok(!client.diagnostics.has(workspace.uri('node_modules/pkg/dep.workflow.json')));
    assert.ok(client.registrations.some((registration) => registration.method === 'workspace/didChangeWatchedFiles'));
    // The scan reported cancellable progress from begin to end, ending at 100 %.
    assert.deepEqual(client.progress[0], { kind: 'begin', title: 'Workflow Secrets: checking workflow files', cancellable: true, percentage: 0, message: 'Looking for workflow files…' });
    assert.ok(client.progress.some((value) => value.kind === 'report' && value.percentage === 100));
    assert.equal(client.progress.at(-1)?.kind, 'end');

    // A new file appears on disk, then the nested one is fixed, then deleted.
    workspace.write('later.workflow.yaml', 'nodes:\n  - id: a\n    type: t\n    config:\n      x: "{{secrets.stripe.nope}}"\n');
    await client.filesChanged([{ uri: workspace.uri('later.workflow.yaml'), type: FileChangeType.Created }]);
    await client.waitForDiagnostics(workspace.uri('later.workflow.yaml'), hasCode('unknown-field'));
    workspace.write('sub/dir/extra.workflow.json', '{"nodes": [{"id": "a", "type": "t", "config": {"x": "{{secrets.stripe.value}}"}}]}');
    await client.filesChanged([{ uri: workspace.uri('sub/dir/extra.workflow.json'), type: FileChangeType.Changed }]);
    await client.waitForDiagnostics(workspace.uri('sub/dir/extra.workflow.json'), (diagnostics) => diagnostics.length === 0);
    await client.filesChanged([{ uri: workspace.uri('later.workflow.yaml'), type: FileChangeType.Deleted }]);
    await client.waitForDiagnostics(workspace.uri('later.workflow.yaml'), (diagnostics) => diagnostics.length === 0);
    const usage = await client.waitForUsage((usages) => !usages.some((entry) => entry.name === 'nope'));
    assert.deepEqual(
      usage.find((entry) => entry.name === 'ci'),
      { name: 'ci', count: 1, files: [workspace.uri('release.workflow.yml')] },
    );
    assert.equal(await client.shutdown(), 0);
  });

  it('validates the same way without a worker thread (the inline fallback)', async (t) => {
    const workspace = makeWorkspace(t, ['deploy.workflow.yaml']);
    const client = await startWithCatalog(t, workspace, { env: { WORKFLOW_SECRETS_LSP_INLINE: '1' } });
    const text = workspace.read('deploy.workflow.yaml');
    const found = await client.waitForDiagnostics(workspace.uri('deploy.workflow.yaml'), hasCode('unknown-secret'));
    assert.deepEqual(summary(found).slice(0, 3), [
      { code: 'unknown-field', range: rangeOf(text, 'tokn') },
      { code: 'unknown-field', range: rangeOf(text, 'pasword') },
      { code: 'unknown-secret', range: rangeOf(text, 'cii') },
    ]);
    assert.equal(await client.shutdown(), 0);
  });

  it('re-checks every file when a new catalog arrives, and open documents as they are edited', async (t) => {
    const workspace = makeWorkspace(t, ['release.workflow.yml']);
    const client = await startWithCatalog(t, workspace);
    const uri = workspace.uri('release.workflow.yml');
    await client.waitForDiagnostics(uri, (diagnostics) => diagnostics.length === 0);
    await client.sendCatalog({ ...TEST_CATALOG, secrets: TEST_CATALOG.secrets.filter((secret) => secret.name !== 'ci') });
    const missing = await client.waitForDiagnostics(uri, hasCode('unknown-secret'));
    assert.deepEqual(missing.map((diagnostic) => diagnostic.code), ['unknown-secret']);

    const text = workspace.read('release.workflow.yml');
    await client.open(uri, text);
    const edited = text.replace('{{secrets.ci.token}}', '{{secrets.registry.pasword}}');
    const version = await client.change(uri, edited);
    const after = await client.waitForDiagnostics(uri, (diagnostics) => hasCode('unknown-field')(diagnostics) && !hasCode('unknown-secret')(diagnostics));
    assert.deepEqual(summary(after), [{ code: 'unknown-field', range: rangeOf(edited, 'pasword') }]);
    assert.equal(client.diagnostics.get(uri)?.version, version);
    assert.equal(await client.shutdown(), 0);
  });

  it('honours workflowSecrets.diagnostics.severity (including off) and in-file suppressions', async (t) => {
    const workspace = makeWorkspace(t, ['payments.workflow.json']);
    workspace.write('quiet.workflow.yaml', '# workflow-secrets-disable unknown-secret\nnodes:\n  - id: a\n    type: t\n    config:\n      x: "{{secrets.nope.x}}"\n      y: "{{secrets.stripe.nope}}"\n');
    const client = await startWithCatalog(t, workspace, { settings: { diagnostics: { severity: { 'unknown-field': 'hint', 'reference-outside-config': 'off' } } } });
    const payments = await client.waitForDiagnostics(workspace.uri('payments.workflow.json'), hasCode('unknown-secret'));
    assert.ok(!hasCode('reference-outside-config')(payments));
    assert.equal(payments.find((diagnostic) => diagnostic.code === 'unknown-field')?.severity, DiagnosticSeverity.Hint);
    const quiet = await client.waitForDiagnostics(workspace.uri('quiet.workflow.yaml'), hasCode('unknown-field'));
    assert.deepEqual(quiet.map((diagnostic) => diagnostic.code), ['unknown-field']);

    // Settings change at run time: pulled again and applied to every file.
    client.setSettings({ diagnostics: { severity: { 'unknown-secret': 'off' } } });
    await client.notifyConfigurationChanged();
    const after = await client.waitForDiagnostics(workspace.uri('payments.workflow.json'), (diagnostics) => !hasCode('unknown-secret')(diagnostics));
    assert.ok(hasCode('reference-outside-config')(after));
    assert.equal(after.find((diagnostic) => diagnostic.code === 'unknown-field')?.severity, DiagnosticSeverity.Error);
    assert.equal(await client.shutdown(), 0);
  });
});
