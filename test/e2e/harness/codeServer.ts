import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CODE_SERVER_ENTRY, NODE24 } from './paths';

export interface CodeServerOptions {
  /** Temp folder for user data, extensions and logs. */
  root: string;
  workspace: string;
  /** Extra environment for the server and its extension host (WORKFLOW_SECRETS_VAULT, ...). */
  env: NodeJS.ProcessEnv;
  /** User settings.json content. */
  settings: Record<string, unknown>;
  startTimeoutMs?: number;
}

/**
 * A real VS Code: code-server with its own user-data and extensions folders, on a random port of
 * 127.0.0.1, without auth. Its output is kept for diagnostics.
 */
export class CodeServer {
  readonly userDataDir: string;
  readonly extensionsDir: string;
  private child: ChildProcess | undefined;
  private output = '';
  port = 0;

  constructor(private readonly options: CodeServerOptions) {
    this.userDataDir = path.join(options.root, 'data');
    this.extensionsDir = path.join(options.root, 'ext');
  }

  private args(extra: string[]): string[] {
    return [CODE_SERVER_ENTRY, '--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir, ...extra];
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.options.env };
    // Keys and vault locations only come from what the test passes.
    for (const name of ['WORKFLOW_SECRETS_KEY', 'WORKFLOW_SECRETS_ENV', 'VAULT_TOKEN', 'VAULT_ADDR']) if (!(name in this.options.env)) delete env[name];
    return env;
  }

  async installExtension(vsix: string): Promise<void> {
    await mkdir(path.join(this.userDataDir, 'User'), { recursive: true });
    await mkdir(this.extensionsDir, { recursive: true });
    await writeFile(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(this.options.settings, null, 2));
    const result = spawnSync(NODE24, this.args(['--install-extension', vsix]), { env: this.env(), encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0 || !/successfully installed/i.test(result.stdout + result.stderr)) {
      throw new Error(`Installing ${vsix} into code-server failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
  }

  /** Starts the server and resolves with its port once it listens. */
  start(): Promise<number> {
    const child = spawn(
      NODE24,
      this.args(['--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', this.options.workspace]),
      { env: this.env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start within ${this.options.startTimeoutMs ?? 60_000} ms:\n${this.output}`)), this.options.startTimeoutMs ?? 60_000);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.output);
        if (match && this.port === 0) {
          this.port = Number(match[1]);
          clearTimeout(timer);
          resolve(this.port);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (this.port === 0) reject(new Error(`code-server exited with ${code} before listening:\n${this.output}`));
      });
    });
  }

  log(): string {
    return this.output;
  }

  /** Stops the server and its extension host (the whole process group). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
}
