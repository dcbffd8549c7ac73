import * as vscode from 'vscode';
import { CommandIds } from '../../shared/commandIds';
import { ENV_KEY_HINT } from '../../shared/keyState';
import type { CommandContext } from './commandContext';

const ENV_HOWTO = [
  'Start VS Code from a shell where WORKFLOW_SECRETS_KEY is set, e.g.',
  '',
  '  export WORKFLOW_SECRETS_KEY="<key or passphrase>"',
  '  code .',
  '',
  'The key is the base64 (or hex) text from Back Up Master Key or `workflow-secrets key generate`, or the passphrase the vault was created with.',
  'It takes precedence over the key stored in VS Code, and nothing is written to SecretStorage.',
].join('\n');

/** "How to use WORKFLOW_SECRETS_KEY", offered wherever a key is missing. */
export async function showEnvironmentKeyHelp(): Promise<void> {
  await vscode.window.showInformationMessage('Use the WORKFLOW_SECRETS_KEY environment variable', { modal: true, detail: ENV_HOWTO });
}

/** Enter Master Key or Passphrase: verified against the vault before it is stored; a wrong key changes nothing. */
export async function enterMasterKey(context: CommandContext): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: `Master key for environment "${context.session.environment}"`,
    prompt: 'Paste the master key (base64 or hex) or type the passphrase. It is checked against the vault before it is stored in VS Code SecretStorage.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim().length === 0 ? 'Enter the key or passphrase.' : undefined),
  });
  if (text === undefined) return;
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking the key against the vault…' }, () =>
    context.session.enterKey(text),
  );
  if (!result.ok) {
    context.log.warn(`Entered master key refused: ${result.reason}`);
    const choice = await vscode.window.showErrorMessage(result.reason, 'Try Again', 'Use Environment Variable', 'Show Output');
    if (choice === 'Try Again') await enterMasterKey(context);
    if (choice === 'Use Environment Variable') await showEnvironmentKeyHelp();
    if (choice === 'Show Output') context.channel.show(true);
    return;
  }
  context.log.info(`Master key accepted for environment "${context.session.environment}" and stored in SecretStorage.`);
  void vscode.window.showInformationMessage(`The vault for "${context.session.environment}" is unlocked; the key is stored in VS Code SecretStorage.`, 'Back Up Master Key').then((choice) => {
    if (choice) return vscode.commands.executeCommand(CommandIds.backUpMasterKey);
  });
}

/** Offered once per load when a vault exists but no key opens it. */
export async function offerKeyRecovery(context: CommandContext, reason: string): Promise<void> {
  const choice = await vscode.window.showWarningMessage(`Workflow Secrets: ${reason}`, 'Enter Master Key or Passphrase', 'Use Environment Variable', 'Show Output');
  if (choice === 'Enter Master Key or Passphrase') await enterMasterKey(context);
  if (choice === 'Use Environment Variable') await showEnvironmentKeyHelp();
  if (choice === 'Show Output') context.channel.show(true);
}

/** Back Up Master Key: modal confirmation, then the key to the clipboard (never to the log). */
export async function backUpMasterKey(context: CommandContext): Promise<void> {
  const state = context.session.state;
  if (state.kind === 'ready' && state.source === 'environment') {
    await vscode.window.showInformationMessage('The master key comes from WORKFLOW_SECRETS_KEY', {
      modal: true,
      detail: 'Back up the value of that variable (for example in your password manager); VS Code does not store it.',
    });
    return;
  }
  const text = await context.keys.storedKeyText(context.session.environment);
  if (state.kind !== 'ready' || text === undefined) {
    const choice = await vscode.window.showErrorMessage(`There is no master key in VS Code for environment "${context.session.environment}" to back up.`, 'Enter Master Key or Passphrase', 'Show Output');
    if (choice === 'Enter Master Key or Passphrase') await enterMasterKey(context);
    if (choice === 'Show Output') context.channel.show(true);
    return;
  }
  const confirm = await vscode.window.showWarningMessage(
    `Copy the master key of environment "${context.session.environment}" to the clipboard?`,
    {
      modal: true,
      detail: `Anyone with this key and the vault file can read every secret in it. Paste it into a password manager, then clear the clipboard. Without a backup, losing VS Code's SecretStorage means losing the vault. ${ENV_KEY_HINT}`,
    },
    'Copy Master Key',
  );
  if (confirm !== 'Copy Master Key') return;
  await vscode.env.clipboard.writeText(text);
  context.log.info(`Master key of environment "${context.session.environment}" copied to the clipboard for a backup (not logged).`);
  const clear = await vscode.window.showInformationMessage('Master key copied. Paste it into your password manager, then clear the clipboard.', 'Clear Clipboard');
  if (clear) await vscode.env.clipboard.writeText('');
}

/** Rotate Master Key: re-encrypts every secret under a new key, with progress; cancellable until the file is replaced. */
export async function rotateMasterKey(context: CommandContext): Promise<void> {
  const count = context.session.metadata.length;
  const confirm = await vscode.window.showWarningMessage(
    `Rotate the master key of environment "${context.session.environment}"?`,
    {
      modal: true,
      detail: `A new random key re-encrypts all ${count} secret(s) and replaces the stored key. Old backups of the key stop working: back up the new key afterwards. Other machines using this vault file need the new key.`,
    },
    'Rotate',
  );
  if (confirm !== 'Rotate') return;
  const controller = new AbortController();
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Rotating the master key', cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        let last = 0;
        await context.session.rotateKey((done, total) => {
          const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
          progress.report({ increment: percent - last, message: `${done} of ${total} secrets re-encrypted` });
          last = percent;
        }, controller.signal);
      },
    );
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    context.log.info('Master key rotation cancelled; the vault still uses the old key.');
    void vscode.window.showInformationMessage('Rotation cancelled: the vault and its stored key are unchanged.');
    return;
  }
  context.log.info(`Master key of environment "${context.session.environment}" rotated.`);
  const choice = await vscode.window.showInformationMessage('Master key rotated. Back up the new key now: the old one no longer opens the vault.', 'Back Up Master Key');
  if (choice) await backUpMasterKey(context);
}
