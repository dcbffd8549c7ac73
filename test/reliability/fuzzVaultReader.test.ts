import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { WorkflowSecretsError } from '../../shared/errors';
import { Vault } from '../../shared/vault/vault';
import { generateMasterKey } from '../../shared/vault/masterKey';
import { parseVaultDocument } from '../../shared/vault/vaultFormat';
import { unlockDocument } from '../../shared/vault/vaultSeal';
import { openEntry } from '../../shared/vault/vaultEntries';
import type { MasterKey } from '../../shared/vault/vaultTypes';
import { scaled } from './support/figures';
import { checkProperty } from './support/property';
import { judgeDamage } from './support/tamperOracle';
import { tempDir } from './support/tempDirs';

/**
 * The vault reader on random bytes and on byte- and structure-level mutations of a real vault:
 * the only way out is a WorkflowSecretsError with the code the format calls for
 * (support/tamperOracle.ts), whose message holds no value; whitespace-only changes open with the
 * same content. In memory (parse, verify, decrypt every entry: the reader's own functions) for
 * 10,000+ cases each, then through real files with Vault.open, which must leave them byte-identical.
 */
type Path = (string | number)[];

interface Sample {
  key: MasterKey;
  text: string;
  canary: string;
  paths: Path[];
  expected: unknown;
}

async function sampleVault(t: Parameters<typeof tempDir>[0]): Promise<Sample & { dir: string }> {
  const dir = await tempDir(t, 'fuzz-vault');
  const path = join(dir, 'sample.vault.json');
  const key = generateMasterKey();
  const canary = `CANARY-fuzzvault-${randomBytes(6).toString('hex')}`;
  const vault = await Vault.create(path, key, { environment: 'fuzz' });
  await vault.add({ name: 'api', type: 'apiKey', data: { value: `${canary}-1` }, tags: ['a', 'b'], description: 'd' });
  await vault.add({ name: 'oauth', type: 'oauth', data: { clientId: 'c', clientSecret: `${canary}-2`, scopes: ['read', 'write'] } });
  await vault.add({ name: 'tok', type: 'bearerToken', data: { token: `${canary}-3`, expiresAt: '2031-05-01T00:00:00Z' } });
  const text = await readFile(path, 'utf8');
  return { dir, key, text, canary, paths: allPaths(JSON.parse(text)), expected: contentOf(vault) };
}

/** Every secret with its data, by name (plain data, so key order does not matter in comparisons). */
function contentOf(vault: { list(): { name: string }[]; get(name: string): unknown }): unknown {
  return JSON.parse(JSON.stringify(vault.list().map((secret) => vault.get(secret.name))));
}

function allPaths(value: unknown, path: Path = []): Path[] {
  const here = path.length > 0 ? [path] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => allPaths(item, [...path, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([key, member]) => allPaths(member, [...path, key]))];
  return here;
}

/** Reads `text` the way the vault does (parse, verify, decrypt all); returns the content or the typed error. */
async function readInMemory(text: string, key: MasterKey): Promise<Outcome> {
  try {
    const document = parseVaultDocument(text, '/fuzz/vault.json');
    const keys = await unlockDocument(document, key, '/fuzz/vault.json');
    const secrets = document.entries.map((entry) => ({ ...entry.metadata, data: openEntry(keys, entry, '/fuzz/vault.json') }));
    return { ok: true, content: JSON.parse(JSON.stringify(secrets.sort((a, b) => a.name.localeCompare(b.name, 'en')))) };
  } catch (error) {
    return { ok: false, error };
  }
}

type Outcome = { ok: true; content: unknown } | { ok: false; error: unknown };

function judge(sample: Sample, damaged: Buffer, outcome: Outcome): void {
  if (!outcome.ok) {
    const { error } = outcome;
    assert.ok(error instanceof WorkflowSecretsError, `an untyped error escaped: ${String(error)}`);
    assert.ok(!`${error.message} ${error.hint}`.includes(sample.canary), 'the error holds a value');
    const verdict = judgeDamage(sample.text, damaged);
    assert.ok(verdict.kind === 'refused' && verdict.codes.includes(error.code), `${error.code} for a change judged ${JSON.stringify(verdict)}: ${error.message}`);
    return;
  }
  assert.equal(judgeDamage(sample.text, damaged).kind, 'harmless', 'a changed vault opened');
  assert.deepEqual(outcome.content, sample.expected, 'a whitespace change altered the content');
}

const byteEdits = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.uint8Array({ maxLength: 6 })), { minLength: 1, maxLength: 4 });

function applyByteEdits(bytes: Buffer, edits: [number, number, Uint8Array][]): Buffer {
  let out = bytes;
  for (const [at, cut, insert] of edits) {
    const start = at % (out.length + 1);
    out = Buffer.concat([out.subarray(0, start), Buffer.from(insert), out.subarray(start + cut)]);
  }
  return out;
}

/** Structure-level edits: replace or delete a member, duplicate or drop an array item. */
const structureEdits = fc.array(fc.tuple(fc.nat(), fc.constantFrom('replace', 'delete', 'duplicate'), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 3 });

function applyStructureEdits(text: string, paths: Path[], edits: [number, string, unknown][], indent: number): Buffer {
  const document = JSON.parse(text) as unknown;
  for (const [pick, kind, value] of edits) {
    const path = paths[pick % paths.length]!;
    const parent = path.slice(0, -1).reduce<unknown>((node, part) => (node as Record<string | number, unknown> | undefined)?.[part], document) as Record<string | number, unknown> | unknown[] | undefined;
    const last = path[path.length - 1]!;
    if (parent === undefined || parent === null || typeof parent !== 'object') continue;
    if (kind === 'replace') (parent as Record<string | number, unknown>)[last] = value;
    else if (Array.isArray(parent) && typeof last === 'number') {
      if (kind === 'delete') parent.splice(last, 1);
      else parent.splice(last, 0, structuredClone(parent[last]));
    } else if (kind === 'delete') delete (parent as Record<string | number, unknown>)[last];
  }
  return Buffer.from(JSON.stringify(document, null, indent));
}

test('random bytes: only typed errors', async (t) => {
  const sample = await sampleVault(t);
  await checkProperty(
    t,
    'vault reader: random bytes',
    fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 200 }).map((text) => new TextEncoder().encode(text))), async (bytes) => {
      const damaged = Buffer.from(bytes);
      judge(sample, damaged, await readInMemory(damaged.toString('utf8'), sample.key));
    }),
  );
});

test('byte-level mutations of a real vault: the right typed error, or unchanged content', async (t) => {
  const sample = await sampleVault(t);
  const bytes = Buffer.from(sample.text);
  await checkProperty(
    t,
    'vault reader: byte mutations',
    fc.asyncProperty(byteEdits, async (edits) => {
      const damaged = applyByteEdits(bytes, edits);
      judge(sample, damaged, await readInMemory(damaged.toString('utf8'), sample.key));
    }),
  );
});

test('structure-level mutations of a real vault: the right typed error, or unchanged content', async (t) => {
  const sample = await sampleVault(t);
  await checkProperty(
    t,
    'vault reader: structure mutations',
    fc.asyncProperty(structureEdits, fc.constantFrom(0, 2), async (edits, indent) => {
      const damaged = applyStructureEdits(sample.text, sample.paths, edits, indent);
      judge(sample, damaged, await readInMemory(damaged.toString('utf8'), sample.key));
    }),
  );
});

test('mutated files through Vault.open: typed errors, and the file is left byte-identical', async (t) => {
  const sample = await sampleVault(t);
  const bytes = Buffer.from(sample.text);
  const target = join(sample.dir, 'mutated.vault.json');
  await checkProperty(
    t,
    'vault reader: mutated files opened',
    fc.asyncProperty(fc.oneof(byteEdits.map((edits) => applyByteEdits(bytes, edits)), fc.tuple(structureEdits, fc.constantFrom(0, 2)).map(([edits, indent]) => applyStructureEdits(sample.text, sample.paths, edits, indent))), async (damaged) => {
      await writeFile(target, damaged, { mode: 0o600 });
      let outcome: Outcome;
      try {
        outcome = { ok: true, content: contentOf(await Vault.open(target, sample.key)) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      judge(sample, damaged, outcome);
      assert.ok((await readFile(target)).equals(damaged), 'opening changed the file');
    }),
    scaled(1_000, 'RELIABILITY_FUZZ_FILE_RUNS'),
  );
});
