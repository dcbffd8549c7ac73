import * as vscode from 'vscode';
import { CommandIds, type CreateSecretArgs } from '../../shared/commandIds';
import { guarded, type CommandContext } from './commandContext';
import { copyReference } from './copyReference';
import { createSecret } from './createSecret';
import { deleteSecret } from './deleteSecret';
import { editSecret } from './editSecret';
import { exportSanitized } from './exportSanitized';
import { backUpMasterKey, enterMasterKey, rotateMasterKey } from './keyCommands';
import { listSecrets } from './listSecrets';
import { setProviderCredentials } from './providerCredentials';
import { resolveWorkflow } from './resolveWorkflow';
import { revealSecretValue } from './revealSecret';
import { switchEnvironment } from './switchEnvironment';

/** Registers every command of CommandIds; each body's errors are shown with next steps. */
export function registerCommands(context: CommandContext, restartServer: () => Promise<void>): vscode.Disposable[] {
  const register = <A extends unknown[]>(id: string, what: string, body: (...args: A) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, guarded(context, what, body));
  return [
    register(CommandIds.createSecret, 'Create Secret failed', (args?: Partial<CreateSecretArgs>) => createSecret(context, args)),
    register(CommandIds.editSecret, 'Edit Secret failed', (arg?: unknown) => editSecret(context, arg)),
    register(CommandIds.deleteSecret, 'Delete Secret failed', (arg?: unknown) => deleteSecret(context, arg)),
    register(CommandIds.listSecrets, 'List Secrets failed', () => listSecrets(context)),
    register(CommandIds.copyReference, 'Copy Reference failed', (arg?: unknown) => copyReference(context, arg)),
    register(CommandIds.revealSecretValue, 'Reveal Secret Value failed', (arg?: unknown) => revealSecretValue(context, arg)),
    register(CommandIds.switchEnvironment, 'Switch Environment failed', () => switchEnvironment(context)),
    register(CommandIds.resolveWorkflow, 'Resolve Workflow failed', (arg?: unknown) => resolveWorkflow(context, arg)),
    register(CommandIds.exportSanitized, 'Export Sanitized Workflow failed', (arg?: unknown) => exportSanitized(context, arg)),
    register(CommandIds.refresh, 'Refresh failed', async () => {
      await context.session.load();
      await context.providers.refresh();
    }),
    register(CommandIds.restartServer, 'Restarting the language server failed', restartServer),
    register(CommandIds.showOutput, 'Show Output failed', async () => context.channel.show(true)),
    register(CommandIds.enterMasterKey, 'Enter Master Key failed', () => enterMasterKey(context)),
    register(CommandIds.backUpMasterKey, 'Back Up Master Key failed', () => backUpMasterKey(context)),
    register(CommandIds.rotateMasterKey, 'Rotate Master Key failed', () => rotateMasterKey(context)),
    register(CommandIds.setProviderCredentials, 'Set Provider Credentials failed', () => setProviderCredentials(context)),
  ];
}
