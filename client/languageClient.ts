import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { Catalog } from '../shared/catalog';
import { describeError } from '../shared/errors';
import { CatalogNotification, RenameSecretRequest, UsageNotification, type RenameSecretParams, type RenameSecretResult, type SecretUsage } from '../shared/lspProtocol';
import type { Log } from './output';

export interface LanguageClientHooks {
  catalog(): Catalog;
  /** Renames the vault entry (id kept) when the server asks during a rename. */
  renameSecret(params: RenameSecretParams): Promise<RenameSecretResult>;
  onUsage(usages: SecretUsage[]): void;
}

/**
 * Starts dist/server.js over IPC. The client owns the vault, so the server is told not to build its
 * own catalog and receives ours (names, types, field names; never values) on start and every change.
 */
export class WorkflowLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly channel: vscode.LogOutputChannel,
    private readonly log: Log,
    private readonly hooks: LanguageClientHooks,
  ) {}

  async start(globs: string[]): Promise<void> {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: globs.flatMap((pattern) => [
        { scheme: 'file', pattern },
        { scheme: 'untitled', pattern },
      ]),
      synchronize: {
        configurationSection: 'workflowSecrets',
        fileEvents: globs.map((glob) => vscode.workspace.createFileSystemWatcher(glob)),
      },
      initializationOptions: { selfCatalog: false },
      outputChannel: this.channel,
    };
    const client = new LanguageClient('workflowSecrets', 'Workflow Secrets Language Server', serverOptions, clientOptions);
    client.onRequest(RenameSecretRequest.type, (params) => this.hooks.renameSecret(params));
    client.onNotification(UsageNotification.type, ({ usages }) => this.hooks.onUsage(usages));
    this.client = client;
    await client.start();
    this.log.info('Language server started.');
    await this.sendCatalog();
  }

  async sendCatalog(): Promise<void> {
    const client = this.client;
    if (!client?.isRunning()) return;
    const catalog = this.hooks.catalog();
    try {
      await client.sendNotification(CatalogNotification.type, catalog);
      this.log.debug(`Sent the catalog: ${catalog.secrets.length} secret name(s), state ${catalog.state}.`);
    } catch (error) {
      this.log.warn(`Could not send the catalog to the language server: ${describeError(error)}`);
    }
  }

  async restart(globs: string[]): Promise<void> {
    await this.stop();
    await this.start(globs);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isRunning()) await client.stop();
    else await client?.dispose();
  }

  dispose(): void {
    void this.stop();
  }
}
