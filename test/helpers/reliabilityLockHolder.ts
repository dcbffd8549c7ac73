/**
 * Child of the concurrency test: takes the vault's lock through the product's own lock code and
 * holds it until killed. Prints "locked <lock file content>"; on each stdin line prints
 * "check <lock file content>" so the test can see the lock is still this process's own.
 * Env: LH_VAULT; LH_UMASK (octal) to take the lock under that umask.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { withVaultLock } from '../../shared/vault/vaultLock';
import { lockPathOf } from '../../shared/vault/vaultPaths';

const vaultPath = process.env.LH_VAULT ?? '';
if (process.env.LH_UMASK) process.umask(parseInt(process.env.LH_UMASK, 8));
const lockContent = () => readFileSync(lockPathOf(vaultPath), 'utf8');

withVaultLock(vaultPath, async () => {
  process.stdout.write(`locked ${lockContent()}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', () => process.stdout.write(`check ${lockContent()}\n`));
  await new Promise(() => undefined);
}).catch((error: unknown) => {
  process.stderr.write(`lock holder failed: ${error instanceof Error ? error.message : 'unknown error'}\n`);
  process.exit(2);
});
