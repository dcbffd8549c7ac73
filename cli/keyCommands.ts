import { WorkflowSecretsError } from '../shared/errors';
import { formatMasterKey, generateMasterKey, MASTER_KEY_ENV, parseMasterKey, sameMasterKey } from '../shared/vault/masterKey';
import type { MasterKey } from '../shared/vault/vaultTypes';
import { expectPositionals } from './args';
import type { Command } from './command';
import { ExitCode, err, out } from './output';
import type { Io } from './output';
import { promptConfirmed, readStdin, stdinIsTerminal } from './prompt';
import { locateVault, openVault, requireKey } from './vaultAccess';

const generate: Command = {
  name: 'key generate',
  usage: '',
  summary: `Print a new random master key (base64 of 32 bytes) for ${MASTER_KEY_ENV}.`,
  details: [`Example: export ${MASTER_KEY_ENV}="$(workflow-secrets key generate)"`, 'Keep the key somewhere safe (a password manager): without it the vault cannot be opened.'],
  options: {},
  async run(io, args) {
    expectPositionals(args, [], { command: 'key generate' });
    out(io, formatMasterKey(generateMasterKey()));
    err(io, `Set ${MASTER_KEY_ENV} to this key and keep a copy in a password manager: a vault cannot be opened without its key.`);
    return ExitCode.ok;
  },
};

/** The new key: generated, piped on stdin, or typed twice at a masked prompt. */
async function newKeyFrom(io: Io, generateNew: boolean): Promise<{ key: MasterKey; generated: boolean }> {
  if (generateNew) return { key: generateMasterKey(), generated: true };
  if (!stdinIsTerminal(io)) {
    const text = await readStdin(io, 'new key');
    if (text.trim() === '') {
      throw new WorkflowSecretsError('usage', 'No new key on stdin.', 'Pipe the new key or passphrase on stdin, or pass --generate to make a random key.');
    }
    return { key: parseMasterKey(text, 'The new key on stdin'), generated: false };
  }
  const typed = await promptConfirmed(io, 'New master key or passphrase (masked): ', 'Type it again: ');
  return { key: parseMasterKey(typed, 'The new key'), generated: false };
}

const rotate: Command = {
  name: 'key rotate',
  usage: '[--generate]',
  summary: 'Re-encrypt every secret under a new master key (from stdin, a masked prompt, or --generate).',
  details: [
    `The current key comes from ${MASTER_KEY_ENV}. The new one is read from stdin when piped, typed twice on a terminal, or with --generate made at random and printed once on stdout.`,
    'Every secret is re-encrypted and verified before the file is replaced atomically; progress goes to stderr.',
    `Example: workflow-secrets key generate > new.key && workflow-secrets key rotate < new.key && export ${MASTER_KEY_ENV}="$(cat new.key)"`,
  ],
  options: { generate: { kind: 'boolean' } },
  async run(io, args) {
    expectPositionals(args, [], { command: 'key rotate' });
    const current = requireKey(io);
    const vault = await openVault(io, locateVault(io, args));
    const { key, generated } = await newKeyFrom(io, args.flags.has('generate'));
    if (sameMasterKey(current, key)) {
      throw new WorkflowSecretsError('usage', 'The new key is the same as the current one; nothing was changed.', 'Give a different key, or use --generate.');
    }
    const total = vault.list().length;
    await vault.rotateKey(key, (done, all) => err(io, `Re-encrypting secrets: ${done}/${all}`));
    if (generated) out(io, formatMasterKey(key));
    err(io, `Rotated the master key of ${vault.path}: ${total} secret${total === 1 ? '' : 's'} re-encrypted and verified.`);
    err(io, `${generated ? 'The new key is printed above, once. ' : ''}Set ${MASTER_KEY_ENV} to the new key now (and update any copy, e.g. in VS Code): the old key no longer opens this vault.`);
    return ExitCode.ok;
  },
};

export const KEY_COMMANDS: Command[] = [generate, rotate];
