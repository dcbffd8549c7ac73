import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkflowSecretsApi } from '../../client/extension';
import { CommandIds } from '../../shared/commandIds';
import { SUITE_CANARY, SUITE_SECRET } from './suiteFixture';

/**
 * Runs inside VS Code's extension host (no mocha: `run` is the whole suite, a thrown error fails
 * it). Checks the extension through the API a person's editor uses: activation and key state,
 * diagnostics, completion, and Resolve Workflow's read-only report.
 */

function waitFor<T>(what: string, probe: () => T | undefined, event: vscode.Event<unknown>, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const first = probe();
    if (first !== undefined) return resolve(first);
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`Timed out waiting for ${what}`));
    }, timeoutMs);
    const listener = event(() => {
      const value = probe();
      if (value === undefined) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(value);
    });
  });
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<WorkflowSecretsApi>('workflow-secrets.workflow-secrets');
  assert.ok(extension, 'the extension is installed');
  const api = await extension.activate();
  assert.equal(api.keyState(), 'ready', 'WORKFLOW_SECRETS_KEY opens the prepared vault');
  assert.deepEqual(
    api.catalog().secrets.map((secret) => secret.name),
    [SUITE_SECRET],
  );
  assert.equal(JSON.stringify(api.catalog()).includes(SUITE_CANARY), false, 'the catalog holds no value');

  const commands = await vscode.commands.getCommands(true);
  for (const id of Object.values(CommandIds)) assert.ok(commands.includes(id), `${id} is registered`);

  const workspace = process.env.WORKFLOW_SECRETS_SUITE_WORKSPACE!;
  const uri = vscode.Uri.file(path.join(workspace, 'suite.workflow.json'));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);

  const diagnostics = await waitFor(
    'the unknown-secret diagnostic',
    () => {
      const found = vscode.languages.getDiagnostics(uri).filter((diagnostic) => String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code) === 'unknown-secret');
      return found.length > 0 ? found : undefined;
    },
    vscode.languages.onDidChangeDiagnostics,
  );
  assert.equal(diagnostics.length, 1, 'only the typo is unknown');
  assert.match(diagnostics[0]!.message, new RegExp(`${SUITE_SECRET}x`));

  const offset = document.getText().indexOf(`{{secrets.${SUITE_SECRET}.`) + '{{secrets.'.length;
  const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, document.positionAt(offset));
  const labels = completions.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
  assert.ok(labels.includes(SUITE_SECRET), `completion offers ${SUITE_SECRET} (got ${labels.join(', ')})`);

  await vscode.commands.executeCommand(CommandIds.resolveWorkflow, uri);
  const report = vscode.workspace.textDocuments.find((candidate) => candidate.uri.scheme === 'workflow-secrets-report');
  assert.ok(report, 'the report opened as a virtual document');
  const text = report.getText();
  assert.match(text, /Resolution report/);
  assert.match(text, /BLOCKED/, 'the node with the typo is blocked');
  assert.equal(text.includes(SUITE_CANARY), false, 'the report holds no value');
}
