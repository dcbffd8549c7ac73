import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { deriveVaultKeys } from '../../shared/vault/vaultCrypto';
import { canonicalEntryJson } from '../../shared/vault/vaultCanonical';
import { serializeVaultDocument } from '../../shared/vault/vaultFormat';
import type { VaultEntry, VaultHeader } from '../../shared/vault/vaultFormat';
import { resumableMac } from '../../shared/vault/vaultMac';
import type { MacProgress } from '../../shared/vault/vaultMac';
import { computeMac, sealDocument } from '../../shared/vault/vaultSeal';
import { sealVaultFile } from '../../shared/vault/vaultWriter';
import type { WriteResume } from '../../shared/vault/vaultWriter';

/**
 * The writer's shortcuts (vaultWriter.ts, vaultMac.ts, vaultLayout.ts) against the plain
 * definitions: whatever a write kept from the one before, its MAC is computeMac's and its bytes are
 * serializeVaultDocument's. Checkpoints are every 256 entries, so lists cross a few of them.
 */
const header: Omit<VaultHeader, 'keyCheck'> = { format: 'workflow-secrets-vault', version: 1, kdf: { name: 'none' }, generation: 7, environment: 'dev' };

let serial = 0;
function entry(): VaultEntry {
  serial++;
  const bytes = randomBytes(8 + (serial % 40));
  return {
    metadata: {
      id: randomUUID(),
      name: `secret_${serial}`,
      type: 'apiKey',
      description: serial % 7 === 0 ? `ünïcødé ${serial}` : `description ${serial}`,
      tags: serial % 3 === 0 ? ['a', 'b'] : [],
      fields: ['value'],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    },
    iv: randomBytes(12).toString('base64'),
    tag: randomBytes(16).toString('base64'),
    ciphertext: bytes.toString('base64'),
  };
}

const lineOf = (item: VaultEntry) => Buffer.from(canonicalEntryJson(item), 'utf8');

type Edit = { kind: 'append' | 'replace' | 'delete' | 'insert'; at: number };

function applyEdit(entries: VaultEntry[], edit: Edit): VaultEntry[] {
  const at = entries.length === 0 ? 0 : edit.at % entries.length;
  switch (edit.kind) {
    case 'append':
      return [...entries, entry()];
    case 'replace':
      return entries.length === 0 ? [entry()] : entries.map((item, i) => (i === at ? entry() : item));
    case 'delete':
      return entries.filter((_, i) => i !== at);
    case 'insert':
      return [...entries.slice(0, at), entry(), ...entries.slice(at)];
  }
}

test('a write that resumes from the previous one gives the MAC and the bytes of a fresh write (property)', () => {
  const keys = deriveVaultKeys(randomBytes(32));
  const start = Array.from({ length: 700 }, entry);
  const edits = fc.array(fc.record({ kind: fc.constantFrom<Edit['kind']>('append', 'replace', 'delete', 'insert'), at: fc.nat(1000) }), { minLength: 1, maxLength: 6 });
  fc.assert(
    fc.property(fc.nat(700), edits, (size, sequence) => {
      let entries = start.slice(0, size);
      let previous: WriteResume | undefined = sealVaultFile(header, entries, keys, lineOf).resume;
      for (const edit of sequence) {
        entries = applyEdit(entries, edit);
        const sealed = sealVaultFile({ ...header, generation: header.generation + 1 }, entries, keys, lineOf, previous);
        const fresh = sealDocument({ ...header, generation: header.generation + 1 }, entries, keys);
        assert.equal(sealed.document.mac, fresh.mac, `MAC after ${edit.kind}`);
        assert.equal(sealed.bytes.toString('utf8'), serializeVaultDocument(fresh), `bytes after ${edit.kind}`);
        previous = sealed.resume;
      }
    }),
    { numRuns: 60 },
  );
});

test('the MAC of a document whose entries were all replaced, or emptied, starts over correctly', () => {
  const keys = deriveVaultKeys(randomBytes(32));
  const first = sealVaultFile(header, Array.from({ length: 300 }, entry), keys, lineOf);
  for (const entries of [[], Array.from({ length: 520 }, entry)]) {
    const sealed = sealVaultFile(header, entries, keys, lineOf, first.resume);
    assert.equal(sealed.document.mac, computeMac(keys, { header: sealed.document.header, entries }).toString('base64'));
    assert.equal(sealed.bytes.toString('utf8'), serializeVaultDocument(sealed.document));
  }
});

test('the resumable MAC is HMAC-SHA256 of the MAC input, and never resumes under another key', () => {
  const lines = Array.from({ length: 600 }, () => Buffer.from(canonicalEntryJson(entry())));
  const input = (list: Buffer[]) => Buffer.concat([Buffer.from('{"entries":['), Buffer.from(list.map((line) => line.toString('latin1')).join(','), 'latin1'), Buffer.from(`],"header":${JSON.stringify({ environment: 'dev', format: 'workflow-secrets-vault', generation: 7, kdf: { name: 'none' }, version: 1 })}}`)]);
  const key = randomBytes(32);
  const expected = (list: Buffer[], macKey = key) => createHmac('sha256', macKey).update(input(list)).digest();
  const first = resumableMac(key, header, lines, 0);
  assert.deepEqual(first.mac, expected(lines));
  const appended = [...lines, Buffer.from('{"x":1}')];
  assert.deepEqual(resumableMac(key, header, appended, lines.length, first.progress).mac, expected(appended));
  const cut = lines.slice(0, 300);
  assert.deepEqual(resumableMac(key, header, cut, 300, first.progress).mac, expected(cut));
  const otherKey = randomBytes(32);
  const progress: MacProgress = first.progress;
  assert.deepEqual(resumableMac(otherKey, header, appended, lines.length, progress).mac, expected(appended, otherKey));
});
