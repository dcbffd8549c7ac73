/**
 * Child process of the vault tests (run with `node --import tsx`). The key comes from
 * WORKFLOW_SECRETS_KEY, never argv. Modes:
 * - add VAULT PREFIX COUNT: adds COUNT apiKey secrets PREFIX_0.. (concurrency test), prints "done".
 * - loop VAULT NAME: updates NAME forever, printing each new generation (SIGKILL test).
 * - umask DIR: with umask 000, creates DIR/nested/default.vault.json and prints the modes as JSON.
 * - hold-lock VAULT: takes the vault's lock, prints "locked", holds it until a line arrives on stdin,
 *   then releases it, prints "released" and stays alive until killed.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../../shared/vault/vault';
import { masterKeyFromEnvironment } from '../../shared/vault/masterKey';
import { withVaultLock } from '../../shared/vault/vaultLock';
import type { MasterKey } from '../../shared/vault/vaultTypes';

async function main(): Promise<void> {
  const [mode, target = '', ...rest] = process.argv.slice(2);
  switch (mode) {
    case 'add': {
      const [prefix = 'S', count = '1'] = rest;
      const vault = await Vault.open(target, key(), { lockTimeoutMs: 60_000 });
      for (let i = 0; i < Number(count); i++) {
        await vault.add({ name: `${prefix}_${i}`, type: 'apiKey', data: { value: `value-${prefix}-${i}` }, tags: [prefix] });
      }
      process.stdout.write('done\n');
      return;
    }
    case 'loop': {
      const [name = 'counter'] = rest;
      const vault = await Vault.open(target, key(), { lockTimeoutMs: 60_000 });
      process.stdout.write('open\n');
      for (let round = 0; ; round++) {
        await vault.update(name, { data: { value: `round-${round}-${'x'.repeat(round % 97)}` } });
        process.stdout.write(`${vault.generation}\n`);
      }
    }
    case 'umask': {
      process.umask(0);
      const vaultPath = join(target, 'nested', 'deeper', 'default.vault.json');
      const vault = await Vault.create(vaultPath, key());
      await vault.add({ name: 'first', type: 'apiKey', data: { value: 'umask-canary' } });
      const mode = (path: string) => statSync(path).mode & 0o777;
      process.stdout.write(
        `${JSON.stringify({ file: mode(vaultPath), folder: mode(join(target, 'nested', 'deeper')), parent: mode(join(target, 'nested')) })}\n`,
      );
      return;
    }
    case 'hold-lock': {
      await withVaultLock(target, async () => {
        process.stdout.write('locked\n');
        await new Promise((resolve) => process.stdin.once('data', resolve));
      });
      process.stdout.write('released\n');
      // Stays alive, so a waiter that got the lock cannot have taken it over as stale.
      setInterval(() => undefined, 60_000);
      return;
    }
    default:
      throw new Error(`unknown mode ${String(mode)}`);
  }
}

function key(): MasterKey {
  const found = masterKeyFromEnvironment();
  if (!found) throw new Error('WORKFLOW_SECRETS_KEY is not set');
  return found;
}

main().catch((error: unknown) => {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  process.stderr.write(`vault child failed: ${code} ${error instanceof Error ? error.message : 'unknown error'}\n`);
  process.exit(2);
});
