import * as vscode from 'vscode';
import type { Catalog } from '../shared/catalog';
import { describeError } from '../shared/errors';
import type { KeyStateKind } from '../shared/keyState';
import type { CommandContext } from './commands/commandContext';
import { offerKeyRecovery } from './commands/keyCommands';
import { registerCommands } from './commands/registerCommands';
import { WorkflowLanguageClient } from './languageClient';
import { MasterKeyStore } from './masterKeyStore';
import { createOutput } from './output';
import { ProviderSession } from './providerSession';
import { ResolutionView } from './resolutionView';
import { SecretsView } from './secretsView';
import { StatusBar } from './statusBar';
import { VaultSession } from './vaultSession';
import { VaultWatcher } from './vaultWatcher';

/** What activate returns: a read-only view for tests and other extensions; never values. */
export interface WorkflowSecretsApi {
  catalog(): Catalog;
  keyState(): KeyStateKind;
  vaultPath(): string;
}

let languageClient: WorkflowLanguageClient | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<WorkflowSecretsApi> {
  const { channel, log } = createOutput();
  const keys = new MasterKeyStore(extension.secrets);
  const session = new VaultSession(keys, log);
  const providers = new ProviderSession(extension, log);
  const view = new SecretsView(session);
  const statusBar = new StatusBar(session);
  const reports = new ResolutionView();
  const watcher = new VaultWatcher(() => void session.reloadFromDisk(), log);
  const client = new WorkflowLanguageClient(extension, channel, log, {
    catalog: () => providers.mergeInto(session.catalog()),
    renameSecret: async ({ oldName, newName }) => {
      const vault = session.openVault;
      if (!vault) return { ok: false, message: session.unavailableError().describe() };
      try {
        await vault.rename(oldName, newName);
        log.info(`Renamed secret "${oldName}" to "${newName}" (id kept) for a rename in the editor.`);
        await session.afterWrite();
        return { ok: true };
      } catch (error) {
        return { ok: false, message: describeError(error) };
      }
    },
    onUsage: (usages) => view.setUsages(usages),
  });
  languageClient = client;
  const context: CommandContext = { extension, session, providers, keys, view, reports, languageClient: client, channel, log };

  let offeredFor: string | undefined;
  const onStateChange = () => {
    const state = session.state;
    view.refresh();
    statusBar.update();
    watcher.watch(session.vaultPath);
    void client.sendCatalog();
    void vscode.commands.executeCommand('setContext', 'workflowSecrets.keyState', state.kind);
    // A lost key is announced once per vault and state, not on every refresh.
    const marker = `${session.vaultPath}:${state.kind}`;
    if ((state.kind === 'keyMissing' || state.kind === 'wrongKey') && offeredFor !== marker) {
      offeredFor = marker;
      void offerKeyRecovery(context, state.reason);
    }
    if (state.kind === 'ready') offeredFor = undefined;
  };
  const onProvidersChange = () => {
    statusBar.setProviderStatus({ offline: providers.offline });
    view.setProviders(providers.rows());
    void client.sendCatalog();
    void vscode.commands.executeCommand('setContext', 'workflowSecrets.hasProviders', providers.count > 0);
  };

  extension.subscriptions.push(
    channel,
    session,
    providers,
    view,
    statusBar,
    reports,
    watcher,
    client,
    session.onDidChange(onStateChange),
    providers.onDidChange(onProvidersChange),
    ...registerCommands(context, async () => {
      await client.restart(session.settings().workflowGlobs);
      void vscode.window.showInformationMessage('Workflow Secrets language server restarted.');
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration('workflowSecrets')) return;
      if (event.affectsConfiguration('workflowSecrets.vaultPath') || event.affectsConfiguration('workflowSecrets.environment')) await session.load();
      if (event.affectsConfiguration('workflowSecrets.providers')) await providers.reconfigure(session.settings().providers);
      if (event.affectsConfiguration('workflowSecrets.workflowGlobs')) await client.restart(session.settings().workflowGlobs);
    }),
  );

  void vscode.commands.executeCommand('setContext', 'workflowSecrets.active', true);
  await session.load();
  await providers.reconfigure(session.settings().providers);
  try {
    await client.start(session.settings().workflowGlobs);
  } catch (error) {
    log.error(`The language server did not start: ${describeError(error)}`);
    void vscode.window.showErrorMessage(`Workflow Secrets: the language server did not start: ${describeError(error)}`, 'Show Output', 'Restart Language Server').then((choice) => {
      if (choice === 'Show Output') channel.show(true);
      if (choice === 'Restart Language Server') return vscode.commands.executeCommand('workflowSecrets.restartServer');
    });
  }
  return {
    catalog: () => providers.mergeInto(session.catalog()),
    keyState: () => session.state.kind,
    vaultPath: () => session.vaultPath,
  };
}

export async function deactivate(): Promise<void> {
  await languageClient?.stop();
  languageClient = undefined;
}
