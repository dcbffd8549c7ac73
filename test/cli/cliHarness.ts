import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** The bundled command line; `node esbuild.mjs` (or `npm run build`) makes it. */
export const CLI_PATH = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin, which is then closed (so stdin is a pipe, never a terminal). */
  input?: string;
  cwd?: string;
}

export function assertBuilt(): void {
  assert.ok(existsSync(CLI_PATH), `${CLI_PATH} is missing: run \`node esbuild.mjs\` before the CLI tests.`);
}

/** Runs `node dist/cli.js ARGS` with only the given environment (plus PATH), to the end. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runNodeScript(CLI_PATH, args, options);
}

/** Runs `node SCRIPT ARGS` with only the given environment (plus PATH), to the end. */
export function runNodeScript(script: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [name, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[name] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, cwd: options.cwd ?? REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** A throwaway home, vault folder and key for one test file; `cleanup` removes everything. */
export interface Sandbox {
  dir: string;
  vaultDir: string;
  vaultFile: string;
  key: string;
  env: Record<string, string>;
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  write(relative: string, text: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeSandbox(): Promise<Sandbox> {
  assertBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), 'ws-cli-'));
  const vaultDir = path.join(dir, 'vaults');
  const home = path.join(dir, 'home');
  await mkdir(home);
  const key = randomBytes(32).toString('base64');
  const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), WORKFLOW_SECRETS_VAULT: `${vaultDir}${path.sep}`, WORKFLOW_SECRETS_KEY: key };
  return {
    dir,
    vaultDir,
    vaultFile: path.join(vaultDir, 'default.vault.json'),
    key,
    env,
    run: (args, options = {}) => runCli(args, { cwd: dir, ...options, env: { ...env, ...options.env } }),
    async write(relative, text) {
      const file = path.join(dir, relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Asserts that none of the values appears in the command's output. */
export function assertNoValues(result: CliResult, values: string[]): void {
  for (const value of values) {
    assert.ok(!result.stdout.includes(value), 'a secret value appeared on stdout');
    assert.ok(!result.stderr.includes(value), 'a secret value appeared on stderr');
  }
}

/** Exit code check that shows the output when it fails. */
export function assertExit(result: CliResult, code: number): void {
  assert.equal(result.code, code, `expected exit ${code}, got ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
}

/** Distinctive values for leak checks. */
export const CANARY = {
  stripe: 'sk_live_CANARY_cli_5b8e1f0c',
  smtpUser: 'mailer-CANARY-user',
  smtpPassword: 'smtp-CANARY-pass-7d1e',
  githubToken: 'ghp_CANARY_token_2a9c44',
  googleSecret: 'google-CANARY-secret-0f3b',
  webhookKey: 'whsec_CANARY_9e2d71',
};

/** Adds the standard secrets through the CLI (stdin JSON). */
export async function addStandardSecrets(sandbox: Sandbox): Promise<void> {
  const secrets: [string, string, Record<string, unknown>][] = [
    ['stripe', 'apiKey', { value: CANARY.stripe }],
    ['smtp', 'basicAuth', { username: CANARY.smtpUser, password: CANARY.smtpPassword }],
    ['github', 'bearerToken', { token: CANARY.githubToken, expiresAt: '2099-01-01T00:00:00Z' }],
    ['google', 'oauth', { clientId: 'google-client-id-1', clientSecret: CANARY.googleSecret, scopes: ['email', 'profile'] }],
    ['webhook', 'custom', { url: 'https://hooks.example.com/in', signingKey: CANARY.webhookKey }],
  ];
  for (const [name, type, data] of secrets) {
    const result = await sandbox.run(['secret', 'add', name, '--type', type], { input: JSON.stringify(data) });
    assertExit(result, 0);
  }
}

export const ALL_CANARIES = Object.values(CANARY);
