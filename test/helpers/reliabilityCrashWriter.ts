/**
 * Child of the crash test (test/reliability/crashSafety.test.ts): opens the vault and writes it in
 * a loop following the shared plan until it is killed. Prints "open" once the vault is open and
 * the generation after each completed write, one per line (stdout on a pipe is synchronous on
 * Linux, so a printed generation was fully written before the line left).
 * Env: CRASH_VAULT, CRASH_KEYS (two base64 keys, comma-separated), CRASH_KEY_INDEX, CRASH_CANARY.
 */
import { Vault } from '../../shared/vault/vault';
import { parseMasterKey } from '../../shared/vault/masterKey';
import { opFor } from '../reliability/support/crashPlan';

async function main(): Promise<void> {
  const vaultPath = required('CRASH_VAULT');
  const keys = required('CRASH_KEYS').split(',').map((text) => parseMasterKey(text));
  let keyIndex = Number(required('CRASH_KEY_INDEX'));
  const canary = required('CRASH_CANARY');
  const vault = await Vault.open(vaultPath, keys[keyIndex]!, { lockTimeoutMs: 30_000 });
  process.stdout.write('open\n');
  for (;;) {
    const generation = vault.generation + 1;
    const op = opFor(generation, canary);
    if (op.kind === 'rotate') {
      keyIndex = 1 - keyIndex;
      await vault.rotateKey(keys[keyIndex]!);
    } else if (op.kind === 'update') {
      await vault.update(op.name, { data: { value: op.value } });
    } else if (vault.get('TRANSIENT')) {
      await vault.delete('TRANSIENT');
    } else {
      await vault.add({ name: 'TRANSIENT', type: 'apiKey', data: { value: op.value } });
    }
    if (vault.generation !== generation) throw new Error(`expected generation ${generation}, the vault is at ${vault.generation}`);
    process.stdout.write(`${generation}\n`);
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(`crash writer failed: ${error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : 'unknown error'}\n`);
  process.exit(2);
});
