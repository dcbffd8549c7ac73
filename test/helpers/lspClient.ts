import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  CodeActionRequest,
  CompletionRequest,
  CompletionResolveRequest,
  ConfigurationRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PrepareRenameRequest,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  RegistrationRequest,
  RenameRequest,
  ShowMessageNotification,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
  type ClientCapabilities,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type FileEvent,
  type Hover,
  type Location,
  type Position,
  type PublishDiagnosticsParams,
  type Range,
  type ShowMessageParams,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import type { Catalog } from '../../shared/catalog';
import { CatalogNotification, RenameSecretRequest, UsageNotification, type RenameSecretParams, type RenameSecretResult, type SecretUsage } from '../../shared/lspProtocol';

/** The bundled server the tests run (build first: `node esbuild.mjs`). */
export const SERVER_PATH = path.resolve(__dirname, '..', '..', 'dist', 'server.js');

export interface LspClientOptions {
  /** Workspace folder (absolute path). */
  workspace?: string;
  initializationOptions?: unknown;
  /** What the client answers for workspace/configuration section `workflowSecrets`. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server (WORKFLOW_SECRETS_VAULT pins the vault). */
  env?: Record<string, string>;
  /** Answers RenameSecretRequest; without it the request fails with MethodNotFound, like editors other than VS Code. */
  renameSecret?: (params: RenameSecretParams) => RenameSecretResult;
  /** Client capability tweaks. */
  capabilities?: ClientCapabilities;
  timeoutMs?: number;
  /** Node options for the server process (e.g. --cpu-prof when investigating). */
  execArgv?: string[];
}

type Waiter<T> = { accept: (value: T) => boolean; resolve: (value: T) => void };

/**
 * A minimal LSP client over the child's stdio: records diagnostics, messages, usage and
 * registrations, and answers the server's requests. Waits are event-driven with a timeout.
 */
export class LspTestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly messages: ShowMessageParams[] = [];
  readonly logs: string[] = [];
  readonly usages: SecretUsage[][] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  readonly renameRequests: RenameSecretParams[] = [];
  readonly configurationRequests: number[] = [];
  /** window/workDoneProgress values in arrival order (begin, report..., end). */
  readonly progress: { kind: string; title?: string; message?: string; cancellable?: boolean; percentage?: number }[] = [];
  /** Every byte the server wrote, for leak checks. */
  wire = '';
  stderr = '';
  private readonly versions = new Map<string, number>();
  private diagnosticWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private usageWaiters: Waiter<SecretUsage[]>[] = [];
  private messageWaiters: Waiter<ShowMessageParams>[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    private settings: Record<string, unknown>,
    readonly timeoutMs: number,
  ) {}

  static async start(options: LspClientOptions = {}): Promise<LspTestClient> {
    const child = spawn(process.execPath, [...(options.execArgv ?? []), SERVER_PATH, '--stdio'], {
      cwd: options.workspace ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(child, connection, options.settings ?? {}, options.timeoutMs ?? 20_000);
    child.stdout!.on('data', (chunk: Buffer) => (client.wire += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (client.stderr += chunk.toString('utf8')));
    client.listen(options);
    connection.listen();
    const workspaceFolders = options.workspace ? [{ uri: pathToFileURL(options.workspace).href, name: path.basename(options.workspace) }] : null;
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: workspaceFolders?.[0]?.uri ?? null,
      workspaceFolders,
      capabilities: options.capabilities ?? defaultCapabilities(),
      initializationOptions: options.initializationOptions,
      clientInfo: { name: 'workflow-secrets-test-client' },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private listen(options: LspClientOptions): void {
    const connection = this.connection;
    connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(params.items.length);
      return params.items.map((item) => (item.section === 'workflowSecrets' ? this.settings : null));
    });
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations.map((registration) => ({ method: registration.method, registerOptions: registration.registerOptions })));
    });
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onNotification('$/progress', (params: { token: string | number; value: { kind: string; title?: string; message?: string; cancellable?: boolean; percentage?: number } }) => {
      this.progress.push(params.value);
    });
    if (options.renameSecret) {
      const answer = options.renameSecret;
      connection.onRequest(RenameSecretRequest.type, (params) => {
        this.renameRequests.push(params);
        return answer(params);
      });
    }
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params);
      this.diagnosticWaiters = settle(this.diagnosticWaiters, params);
    });
    connection.onNotification(ShowMessageNotification.type, (params) => {
      this.messages.push(params);
      this.messageWaiters = settle(this.messageWaiters, params);
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
    });
    connection.onNotification(UsageNotification.type, (params) => {
      this.usages.push(params.usages);
      this.usageWaiters = settle(this.usageWaiters, params.usages);
    });
  }

  /** Changes what workspace/configuration answers; call `notifyConfigurationChanged` after. */
  setSettings(settings: Record<string, unknown>): void {
    this.settings = settings;
  }

  async notifyConfigurationChanged(): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  /** Resolves with the first diagnostics published for `uri` that satisfy `accept` (already published ones count). */
  waitForDiagnostics(uri: string, accept: (diagnostics: Diagnostic[]) => boolean = () => true, what = `diagnostics for ${uri}`): Promise<Diagnostic[]> {
    const current = this.diagnostics.get(uri);
    if (current && accept(current.diagnostics)) return Promise.resolve(current.diagnostics);
    return this.waitFor(
      (waiter) => this.diagnosticWaiters.push(waiter),
      (params: PublishDiagnosticsParams) => params.uri === uri && accept(params.diagnostics),
      what,
    ).then((params) => params.diagnostics);
  }

  /** The next publish for `uri` after this call that satisfies `accept`. */
  nextDiagnostics(uri: string, accept: (diagnostics: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    return this.waitFor(
      (waiter) => this.diagnosticWaiters.push(waiter),
      (params: PublishDiagnosticsParams) => params.uri === uri && accept(params.diagnostics),
      `new diagnostics for ${uri}`,
    ).then((params) => params.diagnostics);
  }

  waitForUsage(accept: (usages: SecretUsage[]) => boolean): Promise<SecretUsage[]> {
    const last = this.usages.at(-1);
    if (last && accept(last)) return Promise.resolve(last);
    return this.waitFor((waiter) => this.usageWaiters.push(waiter), accept, 'a usage notification');
  }

  waitForMessage(accept: (message: ShowMessageParams) => boolean): Promise<ShowMessageParams> {
    const found = this.messages.find(accept);
    if (found) return Promise.resolve(found);
    return this.waitFor((waiter) => this.messageWaiters.push(waiter), accept, 'a window/showMessage');
  }

  private waitFor<T>(add: (waiter: Waiter<T>) => void, accept: (value: T) => boolean, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}. Server stderr: ${this.stderr.slice(-2000)}`)), this.timeoutMs);
      add({
        accept,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
      });
    });
  }

  async open(uri: string, text: string, languageId = uri.endsWith('.json') ? 'json' : 'yaml'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole text (a full-content change event). */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** One ranged edit, as an editor sends while typing. */
  async edit(uri: string, range: Range, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  async sendCatalog(catalog: Catalog): Promise<void> {
    await this.connection.sendNotification(CatalogNotification.type, catalog);
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    if (!result) return [];
    return Array.isArray(result) ? result : (result as CompletionList).items;
  }

  resolveCompletion(item: CompletionItem): Promise<CompletionItem> {
    return this.connection.sendRequest(CompletionResolveRequest.type, item);
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const result = await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } });
    // This server answers with CodeAction objects only (never bare Commands).
    return (result ?? []) as CodeAction[];
  }

  prepareRename(uri: string, position: Position): Promise<unknown> {
    return this.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position });
  }

  rename(uri: string, position: Position, newName: string): Promise<WorkspaceEdit | null> {
    return this.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName });
  }

  async references(uri: string, position: Position): Promise<Location[]> {
    return (await this.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration: true } })) ?? [];
  }

  /** `shutdown` then `exit`; resolves with the server's exit code. */
  async shutdown(): Promise<number | null> {
    const exited = once(this.child, 'exit');
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const [code] = (await exited) as [number | null];
    this.connection.dispose();
    return code;
  }

  /** For cleanup after a failed test. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    this.connection.dispose();
  }
}

function settle<T>(waiters: Waiter<T>[], value: T): Waiter<T>[] {
  return waiters.filter((waiter) => {
    if (!waiter.accept(value)) return true;
    waiter.resolve(value);
    return false;
  });
}

export function defaultCapabilities(): ClientCapabilities {
  return {
    workspace: {
      configuration: true,
      workspaceFolders: true,
      didChangeConfiguration: { dynamicRegistration: true },
      didChangeWatchedFiles: { dynamicRegistration: true },
    },
    window: { workDoneProgress: true, showMessage: {} },
    textDocument: {
      synchronization: { dynamicRegistration: false },
      completion: { completionItem: { snippetSupport: false } },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      publishDiagnostics: { relatedInformation: false, versionSupport: true },
      rename: { prepareSupport: true },
    },
  };
}
