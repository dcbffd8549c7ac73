import * as vscode from 'vscode';
import { providerCredentialKey, providerEnvVariable, type CredentialKind } from '../../shared/providers/providerCredentials';
import type { CommandContext } from './commandContext';

/**
 * Set Provider Credentials: a provider's token (or AppRole secret id) into VS Code SecretStorage,
 * never into settings. Per-provider environment variables still win, as for the master key.
 */
export async function setProviderCredentials(context: CommandContext): Promise<void> {
  const providers = context.session.settings().providers;
  if (providers.length === 0) {
    const choice = await vscode.window.showInformationMessage('No secret providers are configured (workflowSecrets.providers).', 'Open Settings');
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'workflowSecrets.providers');
    return;
  }
  const provider = await vscode.window.showQuickPick(
    providers.map((setting) => ({ label: setting.name, description: `${setting.address} · ${setting.auth}`, setting })),
    { placeHolder: 'Provider whose credentials to set' },
  );
  if (!provider) return;
  const kind: CredentialKind = provider.setting.auth === 'approle' ? 'secretId' : 'token';
  const what = kind === 'token' ? 'token' : 'AppRole secret id';
  const existing = await context.extension.secrets.get(providerCredentialKey(provider.setting.name, kind));
  const text = await vscode.window.showInputBox({
    title: `${provider.setting.name}: ${what}`,
    prompt: `Stored in VS Code SecretStorage. ${providerEnvVariable(provider.setting.name, kind)} takes precedence when set.${existing ? ' Leave empty and press Enter to remove the stored one.' : ''}`,
    password: true,
    ignoreFocusOut: true,
  });
  if (text === undefined) return;
  const key = providerCredentialKey(provider.setting.name, kind);
  if (text.trim() === '') {
    if (existing) await context.extension.secrets.delete(key);
    context.log.info(`Removed the stored ${what} of provider "${provider.setting.name}".`);
  } else {
    await context.extension.secrets.store(key, text.trim());
    context.log.info(`Stored a ${what} for provider "${provider.setting.name}" (not logged).`);
  }
  await context.providers.reconfigure(context.session.settings().providers);
  void vscode.window.showInformationMessage(`Credentials of provider "${provider.setting.name}" updated.`);
}
