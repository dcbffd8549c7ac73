import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Vault } from '../../shared/vault/vault';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { lockPathOf } from '../../shared/vault/vaultPaths';
import { bundleHelper } from './support/bundle';
import { startChild } from './support/children';
import { assertCliBuilt, runCli } from './support/cli';
import { recordFigure } from './support/figures';
import { tempDir } from './support/tempDirs';

/**
 * File permissions as the README section "The vault and the security model" documents them, end to end through the
 * command line: 0600 files in 0700 folders whatever the umask; a 0644 vault repaired to 0600 with
 * a warning by a command holding the key, only reported by one that reads metadata; a symlinked
 * vault refused by every command with nothing written; links in the folders above followed.
 */
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

function sandbox(dir: string) {
  const key = formatMasterKey(generateMasterKey());
  const canary = `CANARY-perm-${randomBytes(6).toString('hex')}`;
  const env = { WORKFLOW_SECRETS_KEY: key, XDG_CONFIG_HOME: join(dir, 'config') };
  return { key, canary, env };
}

test('under umask 000 every command leaves the vault 0600 in 0700 folders, and the lock file 0600', async (t) => {
  assertCliBuilt();
  const dir = await tempDir(t, 'perm-umask');
  const { env, canary } = sandbox(dir);
  const vaultPath = join(dir, 'a', 'b', 'prod.vault.json');
  const steps: [string[], string?][] = [
    [['secret', 'add', 'stripe', '--type', 'apiKey'], JSON.stringify({ value: `${canary}-1` })],
    [['secret', 'add', 'db', '--type', 'basicAuth'], JSON.stringify({ username: 'u', password: `${canary}-2` })],
    [['secret', 'update', 'stripe', '--data-stdin'], JSON.stringify({ value: `${canary}-3` })],
    [['secret', 'rm', 'db']],
    [['key', 'rotate', '--generate']],
  ];
  const failures: string[] = [];
  let checks = 0;
  for (const [args, input] of steps) {
    const run = await runCli([...args, '--vault', vaultPath], { env, input, umask: '000' });
    if (run.code !== 0) {
      failures.push(`${args.join(' ')}: exit ${run.code}: ${run.stderr}`);
      break;
    }
    if (args[1] === 'rotate') env.WORKFLOW_SECRETS_KEY = run.stdout.trim();
    for (const [path, expected] of [
      [vaultPath, 0o600],
      [join(dir, 'a', 'b'), 0o700],
      [join(dir, 'a'), 0o700],
    ] as const) {
      checks++;
      const mode = await modeOf(path);
      if (mode !== expected) failures.push(`after ${args.join(' ')}: ${path} is ${mode.toString(8)}, expected ${expected.toString(8)}`);
    }
    const others = (await readdir(join(dir, 'a', 'b'))).filter((name) => name !== 'prod.vault.json');
    checks++;
    if (others.length > 0) failures.push(`after ${args.join(' ')}: left ${others.join(', ')}`);
  }

  // The lock file, held by a live writer that also runs under umask 000.
  const holder = startChild([await bundleHelper(t, 'reliabilityLockHolder.ts')], { LH_VAULT: vaultPath, LH_UMASK: '000' });
  t.after(() => holder.child.kill('SIGKILL'));
  await holder.waitForLine((line) => line.startsWith('locked '));
  checks++;
  const lockMode = await modeOf(lockPathOf(vaultPath));
  if (lockMode !== 0o600) failures.push(`the lock file is ${lockMode.toString(8)}`);

  recordFigure(t, { label: 'modes under umask 000', cases: checks, failures: failures.length });
  assert.deepEqual(failures, []);
});

test('a pre-existing 0644 vault: reading metadata warns and leaves it, a command with the key repairs it to 0600', async (t) => {
  assertCliBuilt();
  const dir = await tempDir(t, 'perm-0644');
  const { env, canary } = sandbox(dir);
  const vaultPath = join(dir, 'default.vault.json');
  const add = await runCli(['secret', 'add', 'kept', '--type', 'apiKey', '--vault', vaultPath], { env, input: JSON.stringify({ value: canary }) });
  assert.equal(add.code, 0, add.stderr);
  await chmod(vaultPath, 0o644);
  const content = await readFile(vaultPath);
  const failures: string[] = [];

  const list = await runCli(['secret', 'list', '--vault', vaultPath], { env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME } });
  if (list.code !== 0 || !list.stdout.includes('kept')) failures.push(`list without a key: exit ${list.code}: ${list.stderr}`);
  if (!/warning: .*can be read by other users \(mode 0644\)/.test(list.stderr)) failures.push(`list gave no warning: ${list.stderr}`);
  if ((await modeOf(vaultPath)) !== 0o644) failures.push('reading metadata changed the mode');

  const get = await runCli(['secret', 'get', 'kept', '--field', 'value', '--reveal', '--vault', vaultPath], { env });
  if (get.code !== 0 || get.stdout.trim() !== canary) failures.push(`get --reveal: exit ${get.code}: ${get.stderr}`);
  if (!/warning: .*mode 0644\); its permissions were set to 0600/.test(get.stderr)) failures.push(`the repair gave no warning: ${get.stderr}`);
  if ((await modeOf(vaultPath)) !== 0o600) failures.push('the vault was not repaired to 0600');
  if (!(await readFile(vaultPath)).equals(content)) failures.push('the repair changed the content');
  if (`${list.stderr}${get.stderr}`.includes(canary)) failures.push('a warning held the value');

  recordFigure(t, { label: '0644 vault handling', cases: 6, failures: failures.length });
  assert.deepEqual(failures, []);
});

test('a symlinked vault is refused by every command and nothing is written; links above the vault are followed', async (t) => {
  assertCliBuilt();
  const dir = await tempDir(t, 'perm-link');
  const { env, canary } = sandbox(dir);
  const realPath = join(dir, 'real', 'default.vault.json');
  const add = await runCli(['secret', 'add', 'kept', '--type', 'apiKey', '--vault', realPath], { env, input: JSON.stringify({ value: canary }) });
  assert.equal(add.code, 0, add.stderr);
  const content = await readFile(realPath);
  const linkPath = join(dir, 'link.vault.json');
  await symlink(realPath, linkPath);
  const dangling = join(dir, 'dangling.vault.json');
  await symlink(join(dir, 'nowhere.vault.json'), dangling);

  const commands: [string[], string?][] = [
    [['secret', 'list']],
    [['secret', 'get', 'kept', '--reveal']],
    [['secret', 'add', 'more', '--type', 'apiKey'], JSON.stringify({ value: `${canary}-more` })],
    [['secret', 'update', 'kept', '--data-stdin'], JSON.stringify({ value: `${canary}-new` })],
    [['secret', 'rm', 'kept']],
    [['key', 'rotate', '--generate']],
  ];
  const failures: string[] = [];
  let cases = 0;
  for (const target of [linkPath, dangling]) {
    for (const [args, input] of commands) {
      cases++;
      const run = await runCli([...args, '--vault', target], { env, input });
      const what = `${args.join(' ')} on ${target === linkPath ? 'a link' : 'a dangling link'}`;
      if (run.code !== 3) failures.push(`${what}: exit ${run.code}, expected 3: ${run.stderr}`);
      else if (!/symbolic link/.test(run.stderr)) failures.push(`${what}: ${run.stderr}`);
      if (`${run.stdout}${run.stderr}`.includes(canary)) failures.push(`${what}: printed a value`);
    }
  }
  if (!(await readFile(realPath)).equals(content)) failures.push('the real vault was changed');
  if ((await readlink(linkPath)) !== realPath || !(await lstat(linkPath)).isSymbolicLink()) failures.push('the link was replaced');
  const made = (await readdir(dir)).filter((name) => !['real', 'link.vault.json', 'dangling.vault.json', 'config'].includes(name));
  if (made.length > 0) failures.push(`files were created: ${made.join(', ')}`);

  // A link in a folder above the vault is documented as fine.
  await mkdir(join(dir, 'links'));
  await symlink(join(dir, 'real'), join(dir, 'links', 'vaults'));
  cases++;
  const through = await runCli(['secret', 'get', 'kept', '--field', 'value', '--reveal', '--vault', join(dir, 'links', 'vaults', 'default.vault.json')], { env });
  if (through.code !== 0 || through.stdout.trim() !== canary) failures.push(`a linked folder above the vault: exit ${through.code}: ${through.stderr}`);

  recordFigure(t, { label: 'symlinked vault paths', cases, failures: failures.length });
  assert.deepEqual(failures, []);
});

test('opening through the library under umask 000 in a fresh folder gives 0600 and 0700', async (t) => {
  const dir = await tempDir(t, 'perm-lib');
  const vaultPath = join(dir, 'x', 'y', 'z.vault.json');
  const previous = process.umask(0);
  try {
    const vault = await Vault.openOrCreate(vaultPath, generateMasterKey());
    await vault.add({ name: 'a', type: 'apiKey', data: { value: 'v' } });
  } finally {
    process.umask(previous);
  }
  const modes = [await modeOf(vaultPath), await modeOf(join(dir, 'x', 'y')), await modeOf(join(dir, 'x'))];
  recordFigure(t, { label: 'library under umask 000', cases: 3, failures: modes.filter((mode, i) => mode !== (i === 0 ? 0o600 : 0o700)).length });
  assert.deepEqual(modes, [0o600, 0o700, 0o700]);
});
