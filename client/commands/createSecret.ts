import * as vscode from 'vscode';
import { CommandIds, type CreateSecretArgs } from '../../shared/commandIds';
import { formatReference } from '../../shared/referenceGrammar';
import { validateSecretData } from '../../shared/secretTypes';
import { collectSecret } from '../secretInput';
import type { CommandContext } from './commandContext';

/** Create Secret; a quick fix passes { name, type } to pre-fill the steps. */
export async function createSecret(context: CommandContext, args?: Partial<CreateSecretArgs>): Promise<void> {
  // Opens (or, on first use, creates) the vault before asking anything, so a lost key is reported up front.
  const vault = await context.session.requireVault();
  const initial = args && typeof args === 'object' ? { name: args.name, type: args.type } : undefined;
  const draft = await collectSecret({
    title: `Create Secret (${context.session.environment})`,
    existingNames: vault.list().map((secret) => secret.name),
    initial,
  });
  const type = draft.type ?? 'custom';
  const checked = validateSecretData(type, draft.data);
  if (!checked.ok) {
    const choice = await vscode.window.showErrorMessage(`The secret "${draft.name}" was not created: ${checked.problems.join('; ')}.`, 'Try Again');
    if (choice) await createSecret(context, { name: draft.name, type });
    return;
  }
  const created = await vault.add({ name: draft.name, type, data: checked.data, description: draft.description, tags: draft.tags });
  context.log.info(`Created secret "${created.name}" (${created.type}) with field(s) ${created.fields.join(', ')}.`);
  await context.session.afterWrite();
  const reference = formatReference(created.name, created.fields[0] ?? 'value');
  void vscode.window.showInformationMessage(`Created secret "${created.name}". Reference it as ${reference}.`, 'Copy Reference').then((choice) => {
    if (choice) return vscode.commands.executeCommand(CommandIds.copyReference, created.name);
  });
}
