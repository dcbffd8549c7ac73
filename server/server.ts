import * as path from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { CatalogNotification, RenameSecretRequest, UsageNotification } from '../shared/lspProtocol';
import { DEFAULT_WORKFLOW_GLOBS } from '../shared/workflowTypes';
import { CatalogStore } from './catalogStore';
import { codeActionsFor } from './codeActions';
import { completeReference, resolveCompletionItem } from './completion';
import { hoverReference } from './hover';
import { parseInitializationOptions, type ServerInitializationOptions } from './initializationOptions';
import { OpenDocuments } from './openDocuments';
import { findSecretReferences } from './references';
import { prepareSecretRename, renameSecret } from './rename';
import { SettingsStore } from './settings';
import { pathOfUri } from './uris';
import { UsageReporter } from './usageReporter';
import { createValidationRunner } from './validationRunner';
import { ValidationQueue } from './validationQueue';
import { runValidationWorker, VALIDATION_WORKER_ROLE } from './validationWorker';
import { applyFileEvents, WatchedFiles } from './watchedFiles';
import { WORKFLOW_DOCUMENTS } from './workflowDocument';
import { WorkflowFileMatcher } from './workflowFiles';
import { WorkspaceIndex } from './workspaceIndex';
import { WorkspaceScanner } from './workspaceScanner';

/**
 * The Workflow Secrets language server: wiring only, each feature lives in its own file. The same
 * bundle is the validation worker when started as one (see validationWorker.ts). The transport
 * (stdio, node IPC, socket) comes from the command line; stdout carries only the protocol.
 */
if (!isMainThread && (workerData as { role?: string } | undefined)?.role === VALIDATION_WORKER_ROLE) runValidationWorker();
else startLanguageServer();

function startLanguageServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(WORKFLOW_DOCUMENTS);
  const open = new OpenDocuments(documents);
  const log = { info: (message: string) => connection.console.info(message), error: (message: string) => connection.console.error(message) };
  const index = new WorkspaceIndex();
  const matcher = new WorkflowFileMatcher([], DEFAULT_WORKFLOW_GLOBS);
  // Bundled, __filename is dist/server.js: the worker runs this same file.
  const runner = createValidationRunner(log, process.env.WORKFLOW_SECRETS_LSP_INLINE === '1' ? undefined : __filename);
  const usage = new UsageReporter((params) => void connection.sendNotification(UsageNotification.type, params), () => index.usage());

  let init: ServerInitializationOptions = { selfCatalog: true };
  let settings = new SettingsStore(connection, false, undefined, log.info);
  let catalogs = new CatalogStore({ selfCatalog: true, log: log.info });
  let watched = new WatchedFiles(connection, false);
  let canRegisterConfiguration = false;
  let canChangeFolders = false;

  const queue = new ValidationQueue({
    index,
    runner,
    matcher,
    openDocument: (key) => open.byKey(key),
    publish: (uri, diagnostics, version) => void connection.sendDiagnostics({ uri, diagnostics, version }),
    debounceMs: () => settings.current.diagnostics.debounceMs,
    log: log.info,
    onIndexChanged: () => usage.schedule(),
    onJobDone: (key) => scanner.jobDone(key),
  });
  const scanner = new WorkspaceScanner({ connection, queue, matcher, log: log.info, onScanDone: () => usage.enable() });

  const configureRunner = (): void => runner.configure(catalogs.current, { severities: settings.current.diagnostics.severity });
  const vaultSource = () => ({ vaultPath: init.vaultPath ?? (settings.current.vaultPath || undefined), environment: init.environment ?? settings.explicitEnvironment });

  connection.onInitialize((params): InitializeResult => {
    const capabilities = params.capabilities;
    init = parseInitializationOptions(params.initializationOptions, params.clientInfo?.name);
    settings = new SettingsStore(connection, capabilities.workspace?.configuration === true, init.settings, log.info);
    catalogs = new CatalogStore({ selfCatalog: init.selfCatalog, log: log.info });
    catalogs.onDidChange(() => {
      configureRunner();
      queue.revalidateAll(open.all());
    });
    watched = new WatchedFiles(connection, capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true);
    canRegisterConfiguration = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    canChangeFolders = capabilities.workspace?.workspaceFolders === true;
    const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    matcher.update(folders.map(pathOfUri).filter((folder): folder is string => folder !== undefined), DEFAULT_WORKFLOW_GLOBS);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['{', '.', ' '], resolveProvider: true },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        renameProvider: { prepareProvider: true },
        referencesProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'workflow-secrets-language-server' },
    };
  });

  connection.onInitialized(async () => {
    await settings.refresh();
    matcher.update(matcher.workspaceFolders, settings.current.workflowGlobs);
    if (canRegisterConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'workflowSecrets' });
    if (canChangeFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((folder) => pathOfUri(folder.uri)));
        const added = event.added.map((folder) => pathOfUri(folder.uri)).filter((folder): folder is string => folder !== undefined);
        matcher.update([...matcher.workspaceFolders.filter((folder) => !removed.has(folder)), ...added], settings.current.workflowGlobs);
        queue.revalidateAll(open.all());
        void scanner.scan();
      });
    }
    await catalogs.useVault(vaultSource());
    configureRunner();
    void watched.register(settings.current.workflowGlobs).catch((error: Error) => log.error(`Could not watch workflow files: ${error.message}`));
    queue.resume();
    queue.revalidateAll(open.all());
    void scanner.scan();
  });

  connection.onDidChangeConfiguration(async (change) => {
    const before = settings.current;
    if (!(await settings.refresh((change.settings as { workflowSecrets?: unknown } | undefined)?.workflowSecrets))) return;
    const now = settings.current;
    matcher.update(matcher.workspaceFolders, now.workflowGlobs);
    await catalogs.useVault(vaultSource());
    configureRunner();
    queue.revalidateAll(open.all());
    if (JSON.stringify(before.workflowGlobs) !== JSON.stringify(now.workflowGlobs)) {
      void watched.register(now.workflowGlobs).catch((error: Error) => log.error(`Could not watch workflow files: ${error.message}`));
      void scanner.scan();
    }
  });

  connection.onNotification(CatalogNotification.type, (catalog) => catalogs.applyClientCatalog(catalog));
  connection.onDidChangeWatchedFiles((change) => applyFileEvents(change.changes, queue, index, path.sep));

  documents.onDidOpen((event) => open.opened(event.document));
  documents.onDidChangeContent((event) => queue.documentChanged(event.document, open.takeFresh(event.document)));
  documents.onDidClose((event) => {
    open.closed(event.document);
    queue.documentClosed(event.document.uri);
  });

  connection.onCompletion((params) => {
    const document = documents.get(params.textDocument.uri);
    const format = document && matcher.formatOfUri(document.uri);
    if (!document || !format) return [];
    return completeReference(document, document.offsetAt(params.position), format, catalogs.current, { retriggerCommand: init.retriggerCompletionCommand });
  });
  connection.onCompletionResolve((item) => resolveCompletionItem(item, catalogs.current));
  connection.onHover((params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? hoverReference(document, params.position, catalogs.current, index) : null;
  });
  connection.onCodeAction((params) => codeActionsFor(params, documents.get(params.textDocument.uri), catalogs.current));
  connection.onPrepareRename((params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? prepareSecretRename(document, params.position, index) : null;
  });
  connection.onRenameRequest((params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    return renameSecret(document, params.position, params.newName, {
      index,
      catalog: () => catalogs.current,
      settle: () => queue.settle(),
      renameInVault: (request) => connection.sendRequest(RenameSecretRequest.type, request),
      // A notification, not window/showMessageRequest: nothing to answer.
      showMessage: (type, message) => void connection.sendNotification(ShowMessageNotification.type, { type, message }),
    });
  });
  connection.onReferences((params) => {
    const document = documents.get(params.textDocument.uri);
    return document ? findSecretReferences(document, params.position, index, () => queue.settle()) : [];
  });

  connection.onShutdown(async () => {
    scanner.dispose();
    queue.dispose();
    usage.dispose();
    catalogs.dispose();
    watched.dispose();
    await runner.dispose();
  });

  documents.listen(connection);
  connection.listen();
}
