import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { WorkflowSecretsError } from '../../shared/errors';
import {
  MASTER_KEY_ENV,
  formatMasterKey,
  generateMasterKey,
  masterKeyFromEnvironment,
  parseMasterKey,
  sameMasterKey,
} from '../../shared/vault/masterKey';

test('a base64 key of 32 bytes (44 characters) is a raw key', () => {
  const bytes = randomBytes(32);
  const key = parseMasterKey(bytes.toString('base64'));
  assert.equal(key.kind, 'raw');
  assert.ok(key.kind === 'raw' && key.bytes.equals(bytes));
});

test('a hex key of 32 bytes (64 characters, either case) is a raw key', () => {
  const bytes = randomBytes(32);
  for (const text of [bytes.toString('hex'), bytes.toString('hex').toUpperCase()]) {
    const key = parseMasterKey(text);
    assert.ok(key.kind === 'raw' && key.bytes.equals(bytes));
  }
});

test('surrounding whitespace, such as a trailing newline, is ignored', () => {
  const bytes = randomBytes(32);
  const key = parseMasterKey(`  ${bytes.toString('base64')}\n`);
  assert.ok(key.kind === 'raw' && key.bytes.equals(bytes));
  assert.deepEqual(parseMasterKey(' my long passphrase \n'), { kind: 'passphrase', passphrase: 'my long passphrase' });
});

test('anything else is a passphrase, including base64 of another length and non-canonical base64', () => {
  assert.deepEqual(parseMasterKey('correct horse battery staple'), { kind: 'passphrase', passphrase: 'correct horse battery staple' });
  const short = randomBytes(24).toString('base64');
  assert.equal(parseMasterKey(short).kind, 'passphrase');
  // 43 characters + '=' whose last character carries bits that canonical base64 leaves zero.
  const canonical = Buffer.alloc(32, 0).toString('base64');
  const nonCanonical = `${canonical.slice(0, 42)}B=`;
  assert.equal(parseMasterKey(nonCanonical).kind, 'passphrase');
  assert.equal(parseMasterKey('g'.repeat(64)).kind, 'passphrase');
});

test('an empty key or a short passphrase is refused without echoing it', () => {
  for (const text of ['', '   ', 'abc1234']) {
    assert.throws(
      () => parseMasterKey(text),
      (error: unknown) => error instanceof WorkflowSecretsError && error.code === 'key-invalid' && (text.trim() === '' || !error.message.includes(text)),
    );
  }
});

test('generateMasterKey gives 32 random bytes, different each time', () => {
  const a = generateMasterKey();
  const b = generateMasterKey();
  assert.ok(a.kind === 'raw' && a.bytes.length === 32);
  assert.ok(!sameMasterKey(a, b));
});

test('formatMasterKey gives base64 that parseMasterKey reads back (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (array) => {
      const key = { kind: 'raw' as const, bytes: Buffer.from(array) };
      const text = formatMasterKey(key);
      assert.equal(text.length, 44);
      assert.ok(sameMasterKey(parseMasterKey(text), key));
    }),
  );
  const passphrase = parseMasterKey('a passphrase of mine');
  assert.ok(sameMasterKey(parseMasterKey(formatMasterKey(passphrase)), passphrase));
});

test('masterKeyFromEnvironment reads WORKFLOW_SECRETS_KEY and treats unset or empty as no key', () => {
  assert.equal(masterKeyFromEnvironment({}), undefined);
  assert.equal(masterKeyFromEnvironment({ [MASTER_KEY_ENV]: '  ' }), undefined);
  const hex = randomBytes(32).toString('hex');
  const key = masterKeyFromEnvironment({ [MASTER_KEY_ENV]: hex });
  assert.ok(key?.kind === 'raw' && key.bytes.toString('hex') === hex);
  assert.throws(
    () => masterKeyFromEnvironment({ [MASTER_KEY_ENV]: 'short' }),
    (error: unknown) => error instanceof WorkflowSecretsError && error.code === 'key-invalid' && error.message.includes(MASTER_KEY_ENV) && !error.message.includes('short'),
  );
});

test('sameMasterKey compares kind and content', () => {
  const raw = generateMasterKey();
  assert.ok(raw.kind === 'raw');
  assert.ok(sameMasterKey(raw, { kind: 'raw', bytes: Buffer.from(raw.bytes) }));
  assert.ok(!sameMasterKey(raw, { kind: 'passphrase', passphrase: raw.bytes.toString('base64') }));
  assert.ok(!sameMasterKey({ kind: 'passphrase', passphrase: 'one passphrase' }, { kind: 'passphrase', passphrase: 'another passphrase' }));
});
