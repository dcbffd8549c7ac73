import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './bundle';

export const CLI_PATH = join(REPO_ROOT, 'dist', 'cli.js');

export interface CliRun {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

export function assertCliBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: build with \`node esbuild.mjs\` (npm run test:reliability does).`);
}

/**
 * Runs `node dist/cli.js ARGS` with stdin from `input` (a pipe, never a terminal) and only the
 * given environment plus PATH and HOME. With `umask`, runs through `sh -c 'umask …; exec node …'`.
 */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: string; umask?: string; cwd?: string } = {}): Promise<CliRun> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  const [command, argv] = options.umask
    ? ['/bin/sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, CLI_PATH, ...args]]
    : [process.execPath, [CLI_PATH, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, argv as string[], { env, cwd: options.cwd ?? REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ args, code, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
