import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { Vault } from '../../shared/vault/vault';
import { generateMasterKey } from '../../shared/vault/masterKey';
import { canonicalJson } from '../../shared/vault/vaultCrypto';
import { isBase64 } from '../../shared/vault/vaultEntryShape';
import { parseVaultBytes, authenticatedJson } from '../../shared/vault/vaultFormat';
import { feedCompactEntries } from '../../shared/vault/vaultLayout';
import { assertNoCanary, expectVaultError, makeTempDir } from '../helpers/vaultTestKit';

/**
 * The layout we write (vaultLayout.ts) and the reader's shortcut on it: the MAC is checked on the
 * entries' text as read. Any other layout must read exactly as before, and no text may pass the
 * shortcut with content other than what the MAC covers.
 */
const CANARY = 'CANARY-layout-0b9d';

async function smallVault(t: Parameters<typeof makeTempDir>[0], description = 'plain') {
  const dir = makeTempDir(t);
  const key = generateMasterKey();
  const vaultPath = join(dir, 'default.vault.json');
  const vault = await Vault.create(vaultPath, key, { environment: 'dev' });
  await vault.add({ name: 'one', type: 'apiKey', data: { value: `${CANARY}-1` }, description, tags: ['x'] });
  await vault.add({ name: 'two', type: 'bearerToken', data: { token: `${CANARY}-2`, expiresAt: '2031-01-01T00:00:00Z' } });
  return { dir, key, vaultPath, vault, text: readFileSync(vaultPath, 'utf8') };
}

const contentOf = (vault: Vault) => vault.list().map((secret) => vault.require(secret.name));

test('the file is the header indented, then one canonical entry per line, and reads back as the document', async (t) => {
  const { text } = await smallVault(t);
  const lines = text.split('\n');
  const document = JSON.parse(text);
  const entryLines = lines.filter((line) => line.startsWith('    {"ciphertext":'));
  assert.equal(entryLines.length, 2);
  entryLines.forEach((line, i) => assert.equal(line.replace(/,$/, '').trim(), canonicalJson(document.entries[i])));
  assert.equal(lines[0], '{');
  assert.equal(lines[1], '  "header": {');
  assert.ok(text.endsWith(`  "mac": "${document.mac}"\n}\n`));
  // With its line breaks taken out the entries are exactly the MAC's input.
  assert.ok(authenticatedJson(document).startsWith(`{"entries":[${entryLines.map((line) => line.trim().replace(/,$/, '')).join(',')}]`));
});

test('files in other layouts (an earlier version\'s, re-indented, minified) open with the same content', async (t) => {
  const { vaultPath, key, vault, text } = await smallVault(t, 'ünïcødé ✓');
  const expected = contentOf(vault);
  const document = JSON.parse(text);
  for (const layout of [JSON.stringify(document, null, 2), JSON.stringify(document, null, '\t'), JSON.stringify(document), text.replaceAll('\n    {', '\n      {')]) {
    writeFileSync(vaultPath, layout);
    assert.deepEqual(contentOf(await Vault.open(vaultPath, key)), expected);
  }
});

test('members added around the entries are refused, even when the entries text is intact', async (t) => {
  const { vaultPath, key, text } = await smallVault(t);
  const forged = [
    // A second "entries" after the real one: JSON.parse keeps the last, the MAC covers the first.
    text.replace(/\n {2}\],\n {2}"mac": /, '\n  ], "entries": [],\n  "mac": '),
    text.replace(/"\n\}\n$/, '", "entries": []\n}\n'),
    text.replace(/\n {2}\],\n {2}"mac": /, '\n  ], "note": 1,\n  "mac": '),
  ];
  for (const damaged of forged) {
    assert.notEqual(damaged, text);
    writeFileSync(vaultPath, damaged);
    let code: string | undefined;
    try {
      await Vault.open(vaultPath, key);
    } catch (error) {
      code = (error as { code?: string }).code;
      assertNoCanary(error, [CANARY]);
    }
    assert.ok(code === 'vault-tampered' || code === 'vault-corrupt', `opened or failed oddly (${code}): ${damaged.slice(-120)}`);
  }
});

test('a whitespace change inside an entry line still opens, and a changed value does not', async (t) => {
  const { vaultPath, key, vault, text } = await smallVault(t);
  const spaced = text.replace('{"ciphertext":', '{ "ciphertext":');
  writeFileSync(vaultPath, spaced);
  assert.deepEqual(contentOf(await Vault.open(vaultPath, key)), contentOf(vault));
  writeFileSync(vaultPath, text.replace('"tags":["x"]', '"tags":["y"]'));
  await expectVaultError(Vault.open(vaultPath, key), 'vault-tampered');
});

test('the entries fed to the MAC are the same from the text and from the bytes, and only our layout is fed', async (t) => {
  const { text } = await smallVault(t, 'ascii only');
  const parsed = parseVaultBytes(Buffer.from(text), '/x/default.vault.json');
  assert.ok(parsed.entries?.bytes, 'an ASCII file is checked on its bytes');
  const fed = (entries: Parameters<typeof feedCompactEntries>[0]) => {
    const chunks: string[] = [];
    const ok = feedCompactEntries(entries, { update: (data) => chunks.push(typeof data === 'string' ? data : data.toString('latin1')) });
    return ok ? chunks.join('') : undefined;
  };
  const fromBytes = fed(parsed.entries);
  assert.equal(fromBytes, fed({ text: parsed.entries.text }));
  assert.equal(fromBytes, JSON.stringify(JSON.parse(parsed.entries.text)));
  assert.equal(fed({ text: '[]' }), '[]');
  // A line break not followed by our indentation is not ours: nothing is taken out on a guess.
  const odd = parsed.entries.text.replace(',\n    {', ',\n   {');
  assert.equal(fed({ text: odd, bytes: Buffer.from(odd) }), undefined);
  assert.equal(fed({ text: JSON.stringify(JSON.parse(parsed.entries.text), null, 2) }), undefined);
});

test('a file with other characters than ASCII is checked on its UTF-8 text', async (t) => {
  const { vaultPath, key, vault, text } = await smallVault(t, 'ünïcødé ✓ "quoted" 🔑');
  const parsed = parseVaultBytes(readFileSync(vaultPath), vaultPath);
  assert.equal(parsed.entries?.bytes, undefined);
  assert.deepEqual(contentOf(await Vault.open(vaultPath, key)), contentOf(vault));
  // Latin-1 bytes of the same characters are another text: refused, never read as the original.
  writeFileSync(vaultPath, Buffer.from(text, 'latin1'));
  await assert.rejects(Vault.open(vaultPath, key), (error: { code?: string }) => error.code === 'vault-tampered' || error.code === 'vault-corrupt');
});

test('the hand-written base64 check accepts exactly what the former pattern did (property)', () => {
  const former = (text: string, bytes?: number) => {
    if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return false;
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    return bytes === undefined || (text.length / 4) * 3 - padding === bytes;
  };
  const alphabet = fc.constantFrom(...'ABCxyz019+/=-_ \n'.split(''));
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 24 }).map((chars) => chars.join('')), fc.option(fc.nat(18), { nil: undefined }), (text, bytes) => {
      assert.equal(isBase64(text, bytes), former(text, bytes), JSON.stringify({ text, bytes }));
    }),
    { numRuns: 3000 },
  );
  assert.equal(isBase64(createHmac('sha256', 'k').update('x').digest('base64'), 32), true);
});
