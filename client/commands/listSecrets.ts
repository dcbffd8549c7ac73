import * as vscode from 'vscode';
import { CommandIds } from '../../shared/commandIds';
import { formatReference } from '../../shared/referenceGrammar';
import { SECRET_TYPES, SECRET_TYPE_SPECS, type SecretType } from '../../shared/secretTypes';
import type { SecretMetadata } from '../../shared/vault/vaultTypes';
import type { CommandContext } from './commandContext';

type FilterItem = vscode.QuickPickItem & { filter: { type?: SecretType; tag?: string } };
type SecretItem = vscode.QuickPickItem & { secret: SecretMetadata };

/**
 * List Secrets: first a filter (all, a type or a tag), then the matching secrets (metadata only);
 * picking one offers what to do with it.
 */
export async function listSecrets(context: CommandContext): Promise<void> {
  const secrets = context.session.metadata;
  if (secrets.length === 0) {
    const choice = await vscode.window.showInformationMessage(`The vault of environment "${context.session.environment}" has no secrets yet.`, 'Create Secret');
    if (choice) await vscode.commands.executeCommand(CommandIds.createSecret);
    return;
  }
  const tags = [...new Set(secrets.flatMap((secret) => secret.tags))].sort();
  const filters: FilterItem[] = [
    { label: '$(list-flat) All secrets', description: `${secrets.length}`, filter: {} },
    { label: 'By type', kind: vscode.QuickPickItemKind.Separator, filter: {} },
    ...SECRET_TYPES.filter((type) => secrets.some((secret) => secret.type === type)).map((type) => ({
      label: `$(symbol-class) ${SECRET_TYPE_SPECS[type].label}`,
      description: `${secrets.filter((secret) => secret.type === type).length}`,
      filter: { type },
    })),
    ...(tags.length > 0 ? [{ label: 'By tag', kind: vscode.QuickPickItemKind.Separator, filter: {} } as FilterItem] : []),
    ...tags.map((tag) => ({ label: `$(tag) ${tag}`, description: `${secrets.filter((secret) => secret.tags.includes(tag)).length}`, filter: { tag } })),
  ];
  const filter = await vscode.window.showQuickPick(filters, { placeHolder: 'Filter secrets by type or tag', title: `Secrets (${context.session.environment})` });
  if (!filter) return;
  const matching = secrets.filter((secret) => (!filter.filter.type || secret.type === filter.filter.type) && (!filter.filter.tag || secret.tags.includes(filter.filter.tag)));
  const items: SecretItem[] = [...matching]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((secret) => {
      const uses = context.view.usageOf(secret.name)?.count ?? 0;
      return {
        secret,
        label: secret.name,
        description: [SECRET_TYPE_SPECS[secret.type].label, ...secret.tags.map((tag) => `#${tag}`), `${uses} use${uses === 1 ? '' : 's'}`].join(' · '),
        detail: [secret.description, `fields: ${secret.fields.join(', ')}`].filter(Boolean).join(' — '),
      };
    });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Pick a secret to act on it', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return;
  const actions = [
    { label: '$(copy) Copy Reference', description: formatReference(picked.secret.name, picked.secret.fields[0] ?? 'value'), command: CommandIds.copyReference },
    { label: '$(edit) Edit Secret', command: CommandIds.editSecret },
    { label: '$(eye) Reveal Secret Value', command: CommandIds.revealSecretValue },
    { label: '$(trash) Delete Secret', command: CommandIds.deleteSecret },
  ];
  const action = await vscode.window.showQuickPick(actions, { placeHolder: `What to do with ${picked.secret.name}` });
  if (action) await vscode.commands.executeCommand(action.command, picked.secret.name);
}
