import * as vscode from 'vscode';
import { fieldAsString } from '../../shared/secretTypes';
import { chooseField, chooseSecret, type CommandContext } from './commandContext';

/**
 * Reveal Secret Value: the only place a value is shown, after an explicit modal confirmation, in
 * a modal dialog (not a notification that lingers, never the Output log).
 */
export async function revealSecretValue(context: CommandContext, arg?: unknown): Promise<void> {
  const vault = await context.session.requireVault();
  const chosen = await chooseSecret(context, arg, 'Secret whose value to reveal');
  if (!chosen) return;
  const field = await chooseField(chosen.secret, chosen.field, `Field of ${chosen.secret.name} to reveal`);
  if (!field) return;
  const confirm = await vscode.window.showWarningMessage(
    `Reveal the value of ${chosen.secret.name}.${field}?`,
    { modal: true, detail: 'The value will be shown on screen in plain text. Make sure nobody is watching or recording your screen.' },
    'Reveal',
  );
  if (confirm !== 'Reveal') return;
  const value = fieldAsString(vault.require(chosen.secret.name).data, field);
  context.log.info(`Revealed ${chosen.secret.name}.${field} on request (value not logged).`);
  if (value === undefined) {
    await vscode.window.showWarningMessage(`${chosen.secret.name} has no "${field}" field set.`, { modal: true });
    return;
  }
  const copy = await vscode.window.showInformationMessage(`${chosen.secret.name}.${field}`, { modal: true, detail: value }, 'Copy Value');
  if (copy === 'Copy Value') await vscode.env.clipboard.writeText(value);
}
