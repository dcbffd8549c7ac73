import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import type { ProtocolConnection } from 'vscode-languageserver-protocol/node';
import {
  CompletionRequest,
  ConfigurationRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol';
import type { PublishDiagnosticsParams, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { REPO_ROOT } from './bundle';

export const SERVER_PATH = join(REPO_ROOT, 'dist', 'server.js');

/**
 * The bundled language server over real stdio, with a tee of both directions: `wire` holds every
 * byte the client sent and the server wrote, for the leak test's grep. Waits are event-driven.
 */
export class LspHarness {
  wire = '';
  stderr = '';
  readonly published = new Map<string, PublishDiagnosticsParams>();
  private waiters: { accept: (params: PublishDiagnosticsParams) => boolean; resolve: () => void }[] = [];
  private readonly versions = new Map<string, number>();

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
  ) {}

  static async start(workspace: string, initializationOptions: unknown, options: { env?: Record<string, string>; settings?: unknown } = {}): Promise<LspHarness> {
    if (!existsSync(SERVER_PATH)) throw new Error(`${SERVER_PATH} is missing: build with \`node esbuild.mjs\` (npm run test:reliability does).`);
    const child = spawn(process.execPath, [SERVER_PATH, '--stdio'], { cwd: workspace, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    toServer.pipe(child.stdin);
    child.stdout.pipe(fromServer);
    const connection = createProtocolConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
    const harness = new LspHarness(child, connection);
    toServer.on('data', (chunk: Buffer) => (harness.wire += chunk.toString('utf8')));
    fromServer.on('data', (chunk: Buffer) => (harness.wire += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (harness.stderr += chunk.toString('utf8')));
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'workflowSecrets' ? (options.settings ?? null) : null)));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      harness.published.set(params.uri, params);
      harness.waiters = harness.waiters.filter((waiter) => {
        if (!waiter.accept(params)) return true;
        waiter.resolve();
        return false;
      });
    });
    connection.listen();
    const uri = pathToFileURL(workspace).href;
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'fuzz' }],
      capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions,
      clientInfo: { name: 'workflow-secrets-reliability' },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return harness;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: uri.endsWith('.json') ? 'json' : 'yaml', version: 1, text } });
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Resolves once diagnostics satisfying `accept` are published for `uri` (already published ones count). */
  waitForDiagnostics(uri: string, accept: (params: PublishDiagnosticsParams) => boolean, timeoutMs = 30_000): Promise<PublishDiagnosticsParams> {
    const current = this.published.get(uri);
    if (current && accept(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} in ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({
        accept: (params) => params.uri === uri && accept(params),
        resolve: () => {
          clearTimeout(timer);
          resolve(this.published.get(uri)!);
        },
      });
    });
  }

  /** A request that must be answered within the timeout (a hung server fails the test). */
  async request<T>(send: () => Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} got no answer in ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
    });
    try {
      return await Promise.race([send(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  hover(uri: string, line: number, character: number) {
    return this.request(() => this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } }), `hover at ${line}:${character}`);
  }

  completion(uri: string, line: number, character: number) {
    return this.request(() => this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } }), `completion at ${line}:${character}`);
  }

  /** shutdown then exit; the exit code. */
  async shutdown(): Promise<number | null> {
    const exited = once(this.child, 'exit');
    await this.request(() => this.connection.sendRequest(ShutdownRequest.type), 'shutdown');
    await this.connection.sendNotification(ExitNotification.type);
    const [code] = (await exited) as [number | null];
    this.connection.dispose();
    return code;
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
    this.connection.dispose();
  }
}
