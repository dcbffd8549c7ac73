import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { nameProblem } from '../../shared/secretNames';
import { VAULT_FILE_SUFFIX } from '../../shared/vault/vaultPaths';
import type { CommandContext } from './commandContext';

type EnvironmentItem = vscode.QuickPickItem & { environment?: string };

/**
 * Switch Environment: picks among the environments that have a vault file next to the current one
 * (or a new name) and saves it in the user's workflowSecrets.environment setting; the settings
 * listener reloads the vault, the view, the status bar and the catalog.
 */
export async function switchEnvironment(context: CommandContext): Promise<void> {
  const current = context.session.environment;
  const known = new Set<string>(['default', current]);
  try {
    for (const file of await readdir(path.dirname(context.session.vaultPath))) {
      if (file.endsWith(VAULT_FILE_SUFFIX)) known.add(file.slice(0, -VAULT_FILE_SUFFIX.length));
    }
  } catch {
    // No vault folder yet: only the defaults are offered.
  }
  const items: EnvironmentItem[] = [...known].sort().map((environment) => ({
    environment,
    label: environment,
    description: environment === current ? 'current' : undefined,
    iconPath: new vscode.ThemeIcon(environment === current ? 'check' : 'server-environment'),
  }));
  items.push({ label: '$(add) New environment…' });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Environment (now "${current}"); each has its own vault and master key` });
  if (!picked) return;
  let environment = picked.environment;
  if (!environment) {
    environment = await vscode.window.showInputBox({ prompt: 'Name of the new environment (e.g. dev, staging, prod)', validateInput: (text) => nameProblem(text) });
    if (!environment) return;
  }
  if (environment === current) return;
  const config = vscode.workspace.getConfiguration('workflowSecrets');
  await config.update('environment', environment, vscode.ConfigurationTarget.Global);
  if (config.get<string>('vaultPath') && !(await isFolderSetting(config.get<string>('vaultPath')!))) {
    void vscode.window.showWarningMessage(
      `workflowSecrets.vaultPath names a single file, so every environment uses it. Point it at a folder (or leave it empty) to keep one vault per environment.`,
      'Open Settings',
    ).then((choice) => {
      if (choice) return vscode.commands.executeCommand('workbench.action.openSettings', 'workflowSecrets.vaultPath');
    });
  }
  context.log.info(`Switched to environment "${environment}".`);
}

async function isFolderSetting(vaultPath: string): Promise<boolean> {
  if (/[\\/]$/.test(vaultPath)) return true;
  try {
    return (await vscode.workspace.fs.stat(vscode.Uri.file(vaultPath))).type === vscode.FileType.Directory;
  } catch {
    return false;
  }
}
