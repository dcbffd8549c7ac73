import * as path from 'node:path';
import * as vscode from 'vscode';
import { WorkflowSecretsError } from '../../shared/errors';
import { isWorkflowFile, parseWorkflow, workflowFormatOf } from '../../shared/workflowParser';
import type { ParsedWorkflow } from '../../shared/workflowTypes';
import type { CommandContext } from './commandContext';

export interface WorkflowTarget {
  uri: vscode.Uri;
  parsed: ParsedWorkflow;
}

type FileItem = vscode.QuickPickItem & { uri?: vscode.Uri };

/**
 * The workflow a command works on: the file it was invoked on (explorer/editor menu), else the
 * active editor when it is a workflow, else one picked from the workspace (or browsed to).
 * Unsaved editor text is used as it stands.
 */
export async function chooseWorkflow(context: CommandContext, arg: unknown, purpose: string): Promise<WorkflowTarget | undefined> {
  const globs = context.session.settings().workflowGlobs;
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  const active = vscode.window.activeTextEditor?.document;
  if (!uri && active && workflowFormatOf(active.fileName) && isWorkflowFile(active.fileName, globs)) uri = active.uri;
  if (!uri) uri = await pickWorkflowFile(globs, purpose);
  if (!uri) return undefined;
  const format = workflowFormatOf(uri.fsPath);
  if (!format) {
    throw new WorkflowSecretsError('usage', `${path.basename(uri.fsPath)} is not a workflow file (.json, .yaml or .yml).`, 'Pick a workflow file such as orders.workflow.json.');
  }
  const document = await vscode.workspace.openTextDocument(uri);
  return { uri, parsed: parseWorkflow(document.getText(), format) };
}

async function pickWorkflowFile(globs: string[], purpose: string): Promise<vscode.Uri | undefined> {
  const pattern = globs.length === 1 ? globs[0]! : `{${globs.join(',')}}`;
  const files = await vscode.workspace.findFiles(pattern, '**/node_modules/**', 500);
  const items: FileItem[] = files
    .map((file) => ({ uri: file, label: path.basename(file.fsPath), description: vscode.workspace.asRelativePath(path.dirname(file.fsPath)) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  items.push({ label: '$(folder-opened) Browse…', description: 'pick a file outside the workspace' });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Workflow to ${purpose}`, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: purpose.charAt(0).toUpperCase() + purpose.slice(1),
    filters: { Workflows: ['json', 'yaml', 'yml'] },
  });
  return chosen?.[0];
}
