import * as vscode from 'vscode';
import { formatReference } from '../../shared/referenceGrammar';
import { chooseField, chooseSecret, type CommandContext } from './commandContext';

/** Copy Reference: `{{secrets.NAME.FIELD}}` to the clipboard (a reference, never a value). */
export async function copyReference(context: CommandContext, arg?: unknown): Promise<void> {
  const chosen = await chooseSecret(context, arg, 'Secret to reference');
  if (!chosen) return;
  const field = await chooseField(chosen.secret, chosen.field, `Field of ${chosen.secret.name} to reference`);
  if (!field) return;
  const reference = formatReference(chosen.secret.name, field);
  await vscode.env.clipboard.writeText(reference);
  vscode.window.setStatusBarMessage(`$(check) Copied ${reference}`, 4000);
}
