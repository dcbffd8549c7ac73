import * as path from 'node:path';
import * as vscode from 'vscode';
import { sanitizeWorkflowForExport } from '../../shared/exportSanitizer';
import type { KnownSecret } from '../../shared/valueScanner';
import type { CommandContext } from './commandContext';
import { chooseWorkflow } from './workflowTarget';

/** `orders.workflow.json` → `orders.sanitized.workflow.json`, keeping the workflow suffix. */
function exportName(fileName: string): string {
  const match = /^(.*?)(\.workflow)?(\.json|\.ya?ml)$/i.exec(fileName);
  if (!match) return `${fileName}.sanitized`;
  return `${match[1]}.sanitized${match[2] ?? ''}${match[3]}`;
}

/**
 * Export Sanitized Workflow: a copy in the same format where references stay references, any
 * literal vault value becomes its reference, and a manifest lists the secrets needed. The text is
 * built and leak-scanned in memory; nothing is written if a value remains.
 */
export async function exportSanitized(context: CommandContext, arg?: unknown): Promise<void> {
  const target = await chooseWorkflow(context, arg, 'export');
  if (!target) return;
  const vault = await context.session.requireVault();
  const known: KnownSecret[] = vault.list().map((meta) => {
    const stored = vault.require(meta.name);
    return { name: stored.name, type: stored.type, data: stored.data };
  });
  const result = sanitizeWorkflowForExport(target.parsed, known, context.session.catalog());
  const fileName = path.basename(target.uri.fsPath);
  const extension = path.extname(fileName).slice(1).toLowerCase();
  const destination = await vscode.window.showSaveDialog({
    title: `Export ${fileName} without secret values`,
    defaultUri: vscode.Uri.file(path.join(path.dirname(target.uri.fsPath), exportName(fileName))),
    filters: extension === 'json' ? { 'JSON workflow': ['json'] } : { 'YAML workflow': ['yaml', 'yml'] },
    saveLabel: 'Export Sanitized',
  });
  if (!destination) return;
  await vscode.workspace.fs.writeFile(destination, Buffer.from(result.text, 'utf8'));
  const needed = result.manifest.secrets.map((secret) => secret.name).join(', ') || 'none';
  context.log.info(`Exported ${fileName} to ${destination.fsPath}: ${result.replaced} literal value(s) replaced by references; secrets needed: ${needed}.`);
  const choice = await vscode.window.showInformationMessage(
    `Exported ${path.basename(destination.fsPath)}: ${result.replaced} literal value(s) replaced by references, ${result.manifest.secrets.length} secret(s) listed in requiredSecrets.`,
    'Open Export',
  );
  if (choice) await vscode.window.showTextDocument(destination);
}
