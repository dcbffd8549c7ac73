// A minimal LSP client for the benchmarks: spawns a server over stdio, answers its requests,
// and lets a scenario wait for publishDiagnostics with arrival times taken as messages land.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  WorkDoneProgressCreateRequest,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export interface ServerOptions {
  /** e.g. ['dist/server.js', '--stdio']; run with the current node. */
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Answer for each `workspace/configuration` item, by section. */
  settings?: (section: string | undefined) => unknown;
  initializationOptions?: unknown;
  workspaceFolder?: string;
  /** Log the server's stderr lines here (never stdout: that is the transport). */
  onStderr?: (line: string) => void;
}

export interface DiagnosticsEvent {
  params: PublishDiagnosticsParams;
  /** performance.now() when the notification was read off the pipe. */
  at: number;
}

interface Waiter {
  uri: string;
  accept: (event: DiagnosticsEvent) => boolean;
  resolve: (event: DiagnosticsEvent) => void;
}

export class LspSession {
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(event: DiagnosticsEvent) => void>();
  private exitCode: Promise<number | null>;
  initializeResult: InitializeResult | undefined;
  stderr = '';

  constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    this.exitCode = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const event = { params, at: performance.now() };
      for (const listener of this.listeners) listener(event);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && waiter.accept(event)) {
          this.waiters.delete(waiter);
          waiter.resolve(event);
        }
      }
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Every publishDiagnostics from now on; returns the unsubscribe function. */
  onDiagnostics(listener: (event: DiagnosticsEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next publishDiagnostics for `uri` that `accept` takes; register before sending what triggers it. */
  nextDiagnostics(uri: string, timeoutMs: number, accept: (event: DiagnosticsEvent) => boolean = () => true): Promise<DiagnosticsEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no publishDiagnostics for ${uri} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        uri,
        accept,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      this.waiters.add(waiter);
    });
  }

  open(uri: string, languageId: string, text: string, version = 1): void {
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  close(uri: string): void {
    void this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Resident set size of the server process, in bytes (Linux /proc). */
  memory(): { rss: number; hwm: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  }

  /** A request no handler serves: the JSON-RPC layer answers MethodNotFound, a pure round trip. */
  async noop(): Promise<void> {
    try {
      await this.connection.sendRequest('workflowSecretsBench/noop', {});
    } catch {
      // MethodNotFound is the expected answer.
    }
  }

  /** Waits (bounded) until five no-op round trips in a row take under 2 ms: the server has finished what an event started. */
  async quiet(limitMs = 15_000): Promise<void> {
    const until = performance.now() + limitMs;
    let fast = 0;
    while (fast < 5 && performance.now() < until) {
      const start = performance.now();
      await this.noop();
      fast = performance.now() - start < 2 ? fast + 1 : 0;
      await delay(20);
    }
  }

  /** shutdown + exit; resolves with the exit code (killed after `timeoutMs`). */
  async shutdown(timeoutMs = 10_000): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      this.child.kill('SIGKILL');
    }
    const code = await this.exitCode;
    clearTimeout(timer);
    this.connection.dispose();
    return code;
  }

  kill(): void {
    this.child.kill('SIGKILL');
    this.connection.dispose();
  }
}

/** Spawns the server, waits until its JSON-RPC loop answers, then initializes it. */
export async function startServer(options: ServerOptions, beforeInitialize?: (session: LspSession) => void): Promise<LspSession> {
  const child = spawn(process.execPath, options.args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const session = new LspSession(child, connection);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    session.stderr = (session.stderr + chunk).slice(-20_000);
    if (options.onStderr) for (const line of chunk.split('\n')) if (line.trim()) options.onStderr(line);
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`server exited early (code ${code}, signal ${signal}): ${session.stderr.slice(-2000)}`)));
    child.once('error', reject);
  });
  failed.catch(() => undefined);
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => options.settings?.(item.section) ?? null));
  connection.onRequest(RegistrationRequest.type, () => undefined);
  connection.onRequest(UnregistrationRequest.type, () => undefined);
  connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
  connection.listen();
  // Any answer (even "not initialized") proves the program has loaded; startup stays out of timings.
  await Promise.race([session.noop(), failed]);
  beforeInitialize?.(session);
  const folder = options.workspaceFolder;
  const uri = folder ? pathToUri(folder) : null;
  session.initializeResult = await Promise.race([
    connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: folder && uri ? [{ uri, name: 'bench' }] : null,
      initializationOptions: options.initializationOptions,
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          synchronization: { didSave: true, dynamicRegistration: true },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    }),
    failed,
  ]);
  await connection.sendNotification(InitializedNotification.type, {});
  if (options.settings) {
    await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { yaml: options.settings('yaml'), workflowSecrets: options.settings('workflowSecrets') } });
  }
  return session;
}

export function pathToUri(path: string): string {
  return new URL(`file://${path.startsWith('/') ? '' : '/'}${path}`).href;
}

/** Line and UTF-16 character of an offset (LSP positions). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}
