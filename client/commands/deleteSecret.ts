import * as vscode from 'vscode';
import { chooseSecret, type CommandContext } from './commandContext';

/** Delete Secret, after a modal confirmation that says how many references would break. */
export async function deleteSecret(context: CommandContext, arg?: unknown): Promise<void> {
  const vault = await context.session.requireVault();
  const chosen = await chooseSecret(context, arg, 'Secret to delete');
  if (!chosen) return;
  const name = chosen.secret.name;
  const uses = context.view.usageOf(name)?.count ?? 0;
  const detail =
    uses > 0
      ? `${uses} reference(s) in this workspace will no longer resolve. The vault entry is removed for environment "${context.session.environment}"; this cannot be undone.`
      : `The vault entry is removed for environment "${context.session.environment}"; this cannot be undone.`;
  const choice = await vscode.window.showWarningMessage(`Delete the secret "${name}"?`, { modal: true, detail }, 'Delete');
  if (choice !== 'Delete') return;
  await vault.delete(name);
  context.log.info(`Deleted secret "${name}".`);
  await context.session.afterWrite();
  void vscode.window.showInformationMessage(`Deleted secret "${name}".`);
}
