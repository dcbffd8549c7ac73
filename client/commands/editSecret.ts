import * as vscode from 'vscode';
import { validateSecretData } from '../../shared/secretTypes';
import { collectSecret } from '../secretInput';
import { chooseSecret, type CommandContext } from './commandContext';

/** Edit Secret: type and name stay; sensitive fields are typed masked, empty keeps the value. */
export async function editSecret(context: CommandContext, arg?: unknown): Promise<void> {
  const vault = await context.session.requireVault();
  const chosen = await chooseSecret(context, arg, 'Secret to edit');
  if (!chosen) return;
  const stored = vault.require(chosen.secret.name);
  const draft = await collectSecret({
    title: `Edit Secret ${stored.name}`,
    existingNames: [],
    editing: { name: stored.name, type: stored.type, data: stored.data, description: stored.description, tags: stored.tags },
  });
  const checked = validateSecretData(stored.type, draft.data);
  if (!checked.ok) {
    await vscode.window.showErrorMessage(`The secret "${stored.name}" was not changed: ${checked.problems.join('; ')}.`, 'Try Again').then((choice) => {
      if (choice) return editSecret(context, stored.name);
    });
    return;
  }
  await vault.update(stored.name, { data: checked.data, description: draft.description, tags: draft.tags });
  context.log.info(`Updated secret "${stored.name}".`);
  await context.session.afterWrite();
  void vscode.window.showInformationMessage(`Updated secret "${stored.name}".`);
}
