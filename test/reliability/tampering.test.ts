import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isWorkflowSecretsError } from '../../shared/errors';
import { Vault } from '../../shared/vault/vault';
import { generateMasterKey, parseMasterKey } from '../../shared/vault/masterKey';
import { computeMac } from '../../shared/vault/vaultSeal';
import { deriveVaultKeys } from '../../shared/vault/vaultCrypto';
import type { VaultDocument } from '../../shared/vault/vaultFormat';
import type { MasterKey } from '../../shared/vault/vaultTypes';
import { recordFigure, scaled, seedFor } from './support/figures';
import { SeededRandom } from './support/random';
import { tempDir } from './support/tempDirs';
import { judgeDamage } from './support/tamperOracle';
import { flipKeyBit, setUnusedBits, swapSealed } from './support/vaultEdits';

/**
 * Every damaged copy of a small vault must fail closed with the typed error the format calls for
 * (support/tamperOracle.ts), and the damaged file must be byte-identical afterwards: opening never
 * repairs, and a vault already open never writes over a file that changed under it.
 */

interface Small {
  dir: string;
  path: string;
  key: MasterKey;
  bytes: Buffer;
  canary: string;
}

async function smallVault(t: Parameters<typeof tempDir>[0]): Promise<Small> {
  const dir = await tempDir(t, 'tamper');
  const path = join(dir, 'small.vault.json');
  const key = generateMasterKey();
  const canary = `CANARY-tamper-${randomBytes(6).toString('hex')}`;
  const vault = await Vault.create(path, key, { environment: 'default' });
  await vault.add({ name: 'stripe', type: 'apiKey', data: { value: `${canary}-a` }, tags: ['pay'] });
  await vault.add({ name: 'db', type: 'basicAuth', data: { username: 'app', password: `${canary}-b` } });
  await vault.add({ name: 'ci', type: 'bearerToken', data: { token: `${canary}-c`, expiresAt: '2031-01-01T00:00:00Z' } });
  return { dir, path, key, bytes: await readFile(path), canary };
}

type Outcome = { ok: true } | { ok: false; code: string; message: string };

async function openOutcome(path: string, key: MasterKey): Promise<Outcome> {
  try {
    const vault = await Vault.open(path, key);
    for (const secret of vault.list()) vault.require(secret.name);
    return { ok: true };
  } catch (error) {
    if (isWorkflowSecretsError(error)) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: `untyped ${(error as Error)?.name}`, message: String((error as Error)?.message) };
  }
}

/** Writes `damaged` in place of the vault, opens it, and judges the outcome against the oracle. */
async function tryDamage(small: Small, damaged: Buffer, what: string, counts: { harmless: number }): Promise<string | undefined> {
  const target = join(small.dir, 'damaged.vault.json');
  await writeFile(target, damaged, { mode: 0o600 });
  const verdict = judgeDamage(small.bytes.toString('utf8'), damaged);
  const outcome = await openOutcome(target, small.key);
  const after = await readFile(target);
  if (!after.equals(damaged)) return `${what}: the damaged file was changed by opening it`;
  if (outcome.ok === false && outcome.message.includes(small.canary)) return `${what}: the error message holds a value`;
  if (verdict.kind === 'harmless') {
    counts.harmless++;
    return outcome.ok ? undefined : `${what}: an unchanged document was refused (${outcome.code})`;
  }
  if (outcome.ok) return `${what}: opened although ${verdict.why} changed (expected ${verdict.codes.join('|')})`;
  if (!verdict.codes.includes(outcome.code as never)) return `${what}: ${outcome.code} but expected ${verdict.codes.join('|')} (${verdict.why})`;
  return undefined;
}

test('flipping bits of every byte fails closed with the right error and leaves the file as it was', async (t) => {
  const small = await smallVault(t);
  const random = new SeededRandom(seedFor(t));
  const masksPerByte = scaled(2, 'RELIABILITY_TAMPER_MASKS');
  const problems: string[] = [];
  const counts = { harmless: 0 };
  let cases = 0;
  for (let offset = 0; offset < small.bytes.length; offset++) {
    for (let m = 0; m < masksPerByte; m++) {
      // First the lowest bit (the subtlest change), then random masks (invalid UTF-8 included).
      const mask = m === 0 ? 0x01 : random.int(1, 255);
      const damaged = Buffer.from(small.bytes);
      damaged[offset] = (damaged[offset] as number) ^ mask;
      cases++;
      const problem = await tryDamage(small, damaged, `byte ${offset} ^ 0x${mask.toString(16)}`, counts);
      if (problem) problems.push(problem);
    }
  }
  t.diagnostic(`${small.bytes.length} bytes; ${counts.harmless} flips only changed whitespace and opened`);
  recordFigure(t, { label: 'bit flips', cases, failures: problems.length });
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} flips were not refused as expected`);
});

test('truncating at every offset and appending bytes fail closed', async (t) => {
  const small = await smallVault(t);
  const random = new SeededRandom(seedFor(t));
  const problems: string[] = [];
  const counts = { harmless: 0 };
  let cases = 0;
  for (let length = 0; length < small.bytes.length; length++) {
    cases++;
    const problem = await tryDamage(small, small.bytes.subarray(0, length), `truncated to ${length}`, counts);
    if (problem) problems.push(problem);
  }
  const appended = [Buffer.from('x'), Buffer.from('{}'), small.bytes, Buffer.from('\u0000')];
  for (let i = 0; i < scaled(200, 'RELIABILITY_TAMPER_APPENDS'); i++) appended.push(randomBytes(random.int(1, 64)));
  for (const tail of appended) {
    cases++;
    const problem = await tryDamage(small, Buffer.concat([small.bytes, tail]), `appended ${tail.length} byte(s)`, counts);
    if (problem) problems.push(problem);
  }
  t.diagnostic(`${counts.harmless} cases only removed or added whitespace and opened`);
  recordFigure(t, { label: 'truncations and appends', cases, failures: problems.length });
  assert.deepEqual(problems.slice(0, 20), []);
});

test('structural edits: swapped ciphertexts, removed, duplicated, reordered and renamed entries', async (t) => {
  const small = await smallVault(t);
  const document = JSON.parse(small.bytes.toString('utf8')) as VaultDocument;
  const edits: [string, (doc: VaultDocument) => void, string][] = [
    ['swap two ciphertexts', (doc) => swapSealed(doc, 0, 1), 'vault-tampered'],
    ['remove an entry', (doc) => doc.entries.splice(1, 1), 'vault-tampered'],
    ['duplicate an entry', (doc) => doc.entries.push(structuredClone(doc.entries[0]!)), 'vault-corrupt'],
    ['reorder the entries', (doc) => doc.entries.reverse(), 'vault-tampered'],
    ['rename an entry in its metadata', (doc) => (doc.entries[0]!.metadata.name = 'renamed'), 'vault-tampered'],
    ['change a secret type', (doc) => (doc.entries[0]!.metadata.type = 'custom'), 'vault-tampered'],
    ['lower the generation', (doc) => (doc.header.generation -= 1), 'vault-tampered'],
    ['drop the MAC', (doc) => delete (doc as Partial<VaultDocument>).mac, 'vault-corrupt'],
    ['a future format version', (doc) => ((doc.header as { version: number }).version = 2), 'vault-unsupported-version'],
    ['an extra member', (doc) => ((doc as unknown as Record<string, unknown>).note = 'x'), 'vault-corrupt'],
    ['weak scrypt parameters', (doc) => ((doc.header as { kdf: unknown }).kdf = { name: 'scrypt', salt: randomBytes(16).toString('base64'), N: 1024, r: 8, p: 1 }), 'vault-weak-kdf'],
  ];
  const problems: string[] = [];
  for (const [what, edit, code] of edits) {
    const damaged = structuredClone(document);
    edit(damaged);
    const bytes = Buffer.from(`${JSON.stringify(damaged, null, 2)}\n`);
    const problem = await tryDamage(small, bytes, what, { harmless: 0 });
    const outcome = await openOutcome(join(small.dir, 'damaged.vault.json'), small.key);
    if (problem) problems.push(problem);
    else if (outcome.ok || outcome.code !== code) problems.push(`${what}: ${outcome.ok ? 'opened' : outcome.code}, expected ${code}`);
  }
  recordFigure(t, { label: 'structural edits', cases: edits.length, failures: problems.length });
  assert.deepEqual(problems, []);
});

test('base64 with its unused final bits set (same bytes, other text) is refused in every member', async (t) => {
  // Random flips reach these only when the last character happens to allow it: test each directly.
  const small = await smallVault(t);
  const document = JSON.parse(small.bytes.toString('utf8')) as VaultDocument;
  const members: [string, (doc: VaultDocument, edit: (text: string) => string) => void][] = [
    ['mac', (doc, edit) => (doc.mac = edit(doc.mac))],
    ['header.keyCheck', (doc, edit) => (doc.header.keyCheck = edit(doc.header.keyCheck))],
    ['entries[0].iv', (doc, edit) => (doc.entries[0]!.iv = edit(doc.entries[0]!.iv))],
    ['entries[0].tag', (doc, edit) => (doc.entries[0]!.tag = edit(doc.entries[0]!.tag))],
    ['entries[0].ciphertext', (doc, edit) => (doc.entries[0]!.ciphertext = edit(doc.entries[0]!.ciphertext))],
  ];
  const problems: string[] = [];
  let cases = 0;
  for (const [what, apply] of members) {
    const damaged = structuredClone(document);
    let edited = true;
    apply(damaged, (text) => {
      const loose = setUnusedBits(text);
      edited = loose !== undefined;
      return loose ?? text;
    });
    if (!edited) continue; // No unused bits at this length (a multiple of 3 bytes).
    cases++;
    const problem = await tryDamage(small, Buffer.from(`${JSON.stringify(damaged, null, 2)}\n`), `non-canonical ${what}`, { harmless: 0 });
    if (problem) problems.push(problem);
  }
  recordFigure(t, { label: 'non-canonical base64', cases, failures: problems.length });
  assert.ok(cases >= 3, 'mac, keyCheck and tag always have unused bits');
  assert.deepEqual(problems, []);
});

test('ciphertexts swapped under a re-forged MAC are still refused by their own authentication', async (t) => {
  // Defence in depth: even someone able to recompute the file MAC cannot move a ciphertext to
  // another secret, because each one is bound to its secret's id, name and type.
  const small = await smallVault(t);
  const document = JSON.parse(small.bytes.toString('utf8')) as VaultDocument;
  swapSealed(document, 0, 1);
  if (small.key.kind !== 'raw') throw new Error('raw key expected');
  document.mac = computeMac(deriveVaultKeys(small.key.bytes), document).toString('base64');
  const target = join(small.dir, 'forged.vault.json');
  await writeFile(target, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
  const vault = await Vault.open(target, small.key);
  const failures: string[] = [];
  for (const name of [document.entries[0]!.metadata.name, document.entries[1]!.metadata.name]) {
    try {
      vault.get(name);
      failures.push(`${name} decrypted with another secret's ciphertext`);
    } catch (error) {
      if (!isWorkflowSecretsError(error, 'vault-tampered')) failures.push(`${name}: ${String(error)}`);
    }
  }
  assert.equal(vault.get(document.entries[2]!.metadata.name)?.name, document.entries[2]!.metadata.name, 'the untouched entry still opens');
  recordFigure(t, { label: 'swap with re-forged MAC', cases: 2, failures: failures.length });
  assert.deepEqual(failures, []);
});

test('an older generation put back in place is refused and never written over', async (t) => {
  const small = await smallVault(t);
  const old = join(small.dir, 'old-copy');
  await copyFile(small.path, old);
  const vault = await Vault.open(small.path, small.key);
  const oldGeneration = vault.generation;
  await vault.update('stripe', { data: { value: `${small.canary}-new` } });
  await vault.add({ name: 'later', type: 'apiKey', data: { value: `${small.canary}-later` } });
  const seen = vault.generation;
  await copyFile(old, small.path);
  const rolledBack = await readFile(small.path);

  const failures: string[] = [];
  const expectTampered = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
      failures.push(`${what} accepted generation ${oldGeneration} after ${seen}`);
    } catch (error) {
      if (!isWorkflowSecretsError(error, 'vault-tampered')) failures.push(`${what}: ${String(error)}`);
    }
    if (!(await readFile(small.path)).equals(rolledBack)) failures.push(`${what} wrote over the rolled-back file`);
  };
  await expectTampered('reload', () => vault.reload());
  await expectTampered('add', () => vault.add({ name: 'more', type: 'apiKey', data: { value: 'x' } }));
  await expectTampered('update', () => vault.update('stripe', { data: { value: 'y' } }));
  await expectTampered('delete', () => vault.delete('db'));
  await expectTampered('open with the generation seen before', () => Vault.open(small.path, small.key, { minGeneration: seen }));
  const leftovers = (await readdir(small.dir)).filter((name) => name.includes('.tmp-') || name.endsWith('.lock'));
  if (leftovers.length > 0) failures.push(`left ${leftovers.join(', ')}`);
  recordFigure(t, { label: 'rollback to an older generation', cases: 5, failures: failures.length });
  assert.deepEqual(failures, []);
});

test('a vault already open never writes over a file damaged under it', async (t) => {
  const small = await smallVault(t);
  const random = new SeededRandom(seedFor(t));
  const vault = await Vault.open(small.path, small.key);
  const cases = scaled(150, 'RELIABILITY_TAMPER_LIVE');
  const failures: string[] = [];
  for (let i = 0; i < cases; i++) {
    const damaged = Buffer.from(small.bytes);
    const offset = random.int(0, damaged.length - 1);
    damaged[offset] = (damaged[offset] as number) ^ random.int(1, 255);
    const verdict = judgeDamage(small.bytes.toString('utf8'), damaged);
    if (verdict.kind === 'harmless') continue;
    await writeFile(small.path, damaged);
    try {
      await vault.add({ name: `extra${i}`, type: 'apiKey', data: { value: `${small.canary}-${i}` } });
      failures.push(`byte ${offset}: the write went ahead over a damaged file`);
      await writeFile(small.path, small.bytes);
      await vault.reload();
      continue;
    } catch (error) {
      if (!isWorkflowSecretsError(error) || !verdict.codes.includes(error.code)) failures.push(`byte ${offset}: ${String(error)} (expected ${verdict.codes.join('|')})`);
    }
    if (!(await readFile(small.path)).equals(damaged)) failures.push(`byte ${offset}: the damaged file was written over`);
  }
  const leftovers = (await readdir(small.dir)).filter((name) => name.includes('.tmp-') || name.endsWith('.lock'));
  if (leftovers.length > 0) failures.push(`left ${leftovers.join(', ')}`);
  recordFigure(t, { label: 'writes over a damaged file', cases, failures: failures.length });
  assert.deepEqual(failures.slice(0, 20), []);
});

test('a wrong key is told apart from damage', async (t) => {
  const small = await smallVault(t);
  const keys: [string, MasterKey][] = [
    ['another 32-byte key', generateMasterKey()],
    ['a passphrase', parseMasterKey('correct horse battery staple')],
    ['the same bytes as hex, one bit off', flipKeyBit(small.key)],
  ];
  const failures: string[] = [];
  for (const [what, key] of keys) {
    const outcome = await openOutcome(small.path, key);
    if (outcome.ok || outcome.code !== 'vault-wrong-key') failures.push(`${what}: ${outcome.ok ? 'opened' : outcome.code}`);
  }
  assert.ok((await readFile(small.path)).equals(small.bytes), 'the vault file is unchanged');
  recordFigure(t, { label: 'wrong keys', cases: keys.length, failures: failures.length });
  assert.deepEqual(failures, []);
});
