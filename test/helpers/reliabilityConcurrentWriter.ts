/**
 * Child of the concurrency test (test/reliability/concurrency.test.ts). Adds COUNT apiKey secrets
 * W<id>_<i> and then updates each to its final value, through the library or through the command
 * line (one dist/cli.js process per operation, key from WORKFLOW_SECRETS_KEY, values on stdin).
 * Protocol: prints "ready", waits for a line on stdin, prints "started", writes, then prints one
 * JSON line { "errors": { code: count } }. Errors are counted, not fatal, so the run with the lock
 * disabled can show what it loses; a rolled-back file (vault-tampered) is reopened and writing goes on.
 * Env: CW_VAULT, CW_ID, CW_COUNT, CW_MODE (library | cli), CW_CLI, CW_CANARY, WORKFLOW_SECRETS_KEY.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { isWorkflowSecretsError } from '../../shared/errors';
import { Vault } from '../../shared/vault/vault';
import { masterKeyFromEnvironment } from '../../shared/vault/masterKey';
import { secretName, secretValue } from '../reliability/support/concurrencyPlan';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const vaultPath = env('CW_VAULT');
  const worker = Number(env('CW_ID'));
  const count = Number(env('CW_COUNT'));
  const canary = env('CW_CANARY');
  const mode = env('CW_MODE');
  const key = masterKeyFromEnvironment();
  if (!key) throw new Error('WORKFLOW_SECRETS_KEY is not set');
  const errors: Record<string, number> = {};
  const count1 = (code: string) => (errors[code] = (errors[code] ?? 0) + 1);

  let vault = await Vault.open(vaultPath, key, { lockTimeoutMs: 120_000 });
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  process.stdout.write('started\n');

  const viaLibrary = async (op: 'add' | 'update', name: string, value: string) => {
    try {
      if (op === 'add') await vault.add({ name, type: 'apiKey', data: { value } });
      else await vault.update(name, { data: { value } });
    } catch (error) {
      count1(isWorkflowSecretsError(error) ? error.code : 'untyped');
      if (isWorkflowSecretsError(error, 'vault-tampered')) vault = await Vault.open(vaultPath, key, { lockTimeoutMs: 120_000 });
    }
  };
  const viaCli = async (op: 'add' | 'update', name: string, value: string) => {
    const args = op === 'add' ? ['secret', 'add', name, '--type', 'apiKey'] : ['secret', 'update', name, '--data-stdin'];
    const code = await runCli(env('CW_CLI'), [...args, '--vault', vaultPath], JSON.stringify({ value }));
    if (code !== 0) count1(`cli-exit-${code}`);
  };
  const write = mode === 'cli' ? viaCli : viaLibrary;
  for (let i = 0; i < count; i++) await write('add', secretName(worker, i), secretValue(canary, worker, i, 'first'));
  for (let i = 0; i < count; i++) await write('update', secretName(worker, i), secretValue(canary, worker, i, 'last'));
  process.stdout.write(`${JSON.stringify({ errors })}\n`);
  lines.close();
}

function runCli(cli: string, args: string[], stdin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) process.stderr.write(`cli ${args.slice(0, 3).join(' ')}: exit ${code}: ${stderr}`);
      resolve(code ?? -1);
    });
    child.stdin.end(stdin);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`concurrent writer failed: ${error instanceof Error ? error.message : 'unknown error'}\n`);
  process.exit(2);
});
