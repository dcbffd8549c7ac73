import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  SCRYPT_DEFAULTS,
  canonicalJson,
  decryptData,
  deriveScryptKey,
  deriveVaultKeys,
  encryptData,
} from '../../shared/vault/vaultCrypto';
import { authenticatedJson } from '../../shared/vault/vaultFormat';
import type { VaultDocument } from '../../shared/vault/vaultFormat';
import { SECRET_TYPES } from '../../shared/secretTypes';

test('canonicalJson sorts keys at every depth, drops undefined members and has no whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}');
  assert.equal(canonicalJson([undefined, 'é\n']), '[null,"é\\n"]');
  assert.throws(() => canonicalJson({ n: Number.NaN }), TypeError);
});

test('canonicalJson orders index-like keys by code unit too, unlike plain JSON.stringify', () => {
  const value = { b: 1, 10: 'ten', 2: 'two', a: 0 };
  assert.equal(canonicalJson(value), '{"10":"ten","2":"two","a":0,"b":1}');
  assert.notEqual(JSON.stringify(value), canonicalJson(value));
});

test('canonicalJson does not depend on key insertion order (property)', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
      const reversed = Object.fromEntries(Object.entries(record).reverse());
      assert.equal(canonicalJson(reversed), canonicalJson(record));
      assert.deepEqual(JSON.parse(canonicalJson(record)), JSON.parse(JSON.stringify(record)));
    }),
    { numRuns: 300 },
  );
});

test('canonicalJson keeps an own "__proto__" key as a key (found by the property above)', () => {
  const record = Object.fromEntries([['__proto__', { a: 1 }], ['b', 2]]);
  assert.equal(canonicalJson(record), '{"__proto__":{"a":1},"b":2}');
});

const metadataArbitrary = fc.record(
  {
    id: fc.constant(null).map(() => randomUUID()),
    name: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,20}$/),
    type: fc.constantFrom(...SECRET_TYPES),
    description: fc.string(),
    tags: fc.array(fc.string()),
    fields: fc.array(fc.stringMatching(/^[a-z]{1,8}$/)),
    expiresAt: fc.constant('2027-01-31T00:00:00Z'),
    createdAt: fc.constant('2026-01-01T00:00:00.000Z'),
    updatedAt: fc.constant('2026-01-02T00:00:00.000Z'),
  },
  { requiredKeys: ['id', 'name', 'type', 'description', 'tags', 'fields', 'createdAt', 'updatedAt'] },
);

test('the MAC input (authenticatedJson) is exactly canonicalJson of { header without keyCheck, entries } (property)', () => {
  fc.assert(
    fc.property(
      fc.array(metadataArbitrary, { maxLength: 4 }),
      fc.boolean(),
      fc.option(fc.constantFrom('default', 'prod')),
      fc.nat(),
      (metadata, scrypt, environment, generation) => {
        const kdf = scrypt ? { name: 'scrypt' as const, salt: randomBytes(16).toString('base64'), N: 131072, r: 8, p: 1, maxmem: 300_000_000 } : { name: 'none' as const };
        const document: VaultDocument = {
          header: { format: 'workflow-secrets-vault', version: 1, kdf, keyCheck: 'k', generation, ...(environment ? { environment } : {}) },
          entries: metadata.map((m) => ({ metadata: m, iv: 'aXY=', tag: 'dGFn', ciphertext: 'Y3Q=' })),
          mac: 'm',
        };
        const { keyCheck: _keyCheck, ...header } = document.header;
        assert.equal(authenticatedJson(document), canonicalJson({ header, entries: document.entries }));
      },
    ),
    { numRuns: 200 },
  );
});

test('AES-256-GCM round-trips, with a fresh 96-bit IV and a 128-bit tag each time', () => {
  const key = randomBytes(32);
  const aad = Buffer.from('{"id":"x"}');
  const plaintext = Buffer.from('{"value":"gcm-canary"}');
  const first = encryptData(key, plaintext, aad);
  const second = encryptData(key, plaintext, aad);
  assert.equal(first.iv.length, 12);
  assert.equal(first.tag.length, 16);
  assert.ok(!first.iv.equals(second.iv));
  assert.ok(!first.ciphertext.equals(second.ciphertext));
  assert.ok(!first.ciphertext.includes(plaintext));
  assert.deepEqual(decryptData(key, first, aad), plaintext);
});

test('decryption fails on another key, another AAD, a flipped bit or a shortened tag', () => {
  const key = randomBytes(32);
  const aad = Buffer.from('aad');
  const sealed = encryptData(key, Buffer.from('data'), aad);
  assert.equal(decryptData(randomBytes(32), sealed, aad), undefined);
  assert.equal(decryptData(key, sealed, Buffer.from('aae')), undefined);
  const flipped = Buffer.from(sealed.ciphertext);
  flipped[0]! ^= 1;
  assert.equal(decryptData(key, { ...sealed, ciphertext: flipped }, aad), undefined);
  // GCM would accept a 4-byte prefix of the tag if asked to: we never ask.
  assert.equal(decryptData(key, { ...sealed, tag: sealed.tag.subarray(0, 4) }, aad), undefined);
});

test('HKDF gives independent data, MAC and key-check keys', () => {
  const keys = deriveVaultKeys(randomBytes(32));
  const all = [keys.dataKey, keys.macKey, keys.checkKey];
  assert.equal(new Set(all.map((key) => key.toString('hex'))).size, 3);
  for (const key of all) assert.equal(key.length, 32);
  const root = randomBytes(32);
  assert.ok(deriveVaultKeys(root).dataKey.equals(deriveVaultKeys(Buffer.from(root)).dataKey));
});

test('scrypt derivations are cached per passphrase and salt', async () => {
  const salt = randomBytes(16);
  const params = { salt, ...SCRYPT_DEFAULTS };
  const first = deriveScryptKey('a cached passphrase', params);
  const again = deriveScryptKey('a cached passphrase', { ...params, salt: Buffer.from(salt) });
  assert.equal(again, first, 'the same pending derivation is shared');
  const other = deriveScryptKey('a cached passphrase', { ...params, salt: randomBytes(16) });
  assert.notEqual(other, first);
  const [a, b] = await Promise.all([first, other]);
  assert.equal(a.length, 32);
  assert.ok(!a.equals(b));
});
