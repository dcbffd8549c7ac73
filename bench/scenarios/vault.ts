// The vault of N secrets (10k full, 1k quick): open + verify, list with a filter, get one, add one,
// each against the bare operation it cannot avoid: JSON.parse + HMAC of the file, one AES-GCM
// decrypt of a secret of the same size, one fsynced write of the same bytes.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { openSync, closeSync, fsyncSync, readFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from '../context';
import type { SecretSpec } from '../generate';
import { isMissing, type Ours } from '../ours';
import { errorRow, pairRow, pendingRow, type Goal, type Row } from '../report';
import { calibrate, measurePair, summarize } from '../stats';
import { buildVault, type VaultFixture } from '../vaultFixture';

const GOALS = {
  open: { kind: 'ratio', max: 2 },
  list: { kind: 'ratio', max: 2 },
  get: { kind: 'ratio', max: 1.5 },
  add: { kind: 'ratio', max: 2 },
} satisfies Record<string, Goal>;

/** The benchmark vault, built once per run and shared with the resolve scenario. */
export function benchVault(ctx: BenchContext, ours: Ours): Promise<VaultFixture> {
  return ctx.memo('vault', async () => {
    const vaultModule = await ours.load('vault');
    ctx.log(`building a vault of ${ctx.secrets().length} secrets`);
    const fixture = await buildVault(ctx.dir('vault'), ctx.secrets(), vaultModule);
    ctx.log(`vault ready: ${(readFileSync(fixture.path).length / 1e6).toFixed(2)} MB`);
    return fixture;
  });
}

/** JSON.parse + HMAC-SHA256 of the file as read from disk. */
async function parseAndMac(path: string, key: Buffer): Promise<number> {
  const text = await readFile(path, 'utf8');
  const document = JSON.parse(text) as { entries: unknown[] };
  createHmac('sha256', key).update(text).digest();
  return document.entries.length;
}

/** open, write, fsync, close: the least a durable write of these bytes costs. */
function fsyncedWrite(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function gcmPair(plaintext: Buffer): () => Buffer {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const aad = Buffer.from('{"formatVersion":1,"id":"00000000-0000-4000-8000-000000000000","name":"x","type":"apiKey"}');
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 }).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return () => {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 }).setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  };
}

export async function runVault(ctx: BenchContext, ours: Ours): Promise<Row[]> {
  const n = ctx.sizes.vaultSecrets;
  const label = `${n >= 1000 ? `${n / 1000}k` : n} secrets`;
  const scenarios = {
    open: ['vault-open', `vault of ${label}: open + verify`],
    list: ['vault-list', `vault of ${label}: list with filter (type + tag)`],
    get: ['vault-get', `vault of ${label}: get one`],
    add: ['vault-add', `vault of ${label}: add one (atomic, fsync)`],
  } as const;
  const keys = Object.keys(scenarios) as (keyof typeof scenarios)[];
  let fixture: VaultFixture;
  try {
    fixture = await benchVault(ctx, ours);
  } catch (error) {
    return keys.map((key) => {
      const [id, scenario] = scenarios[key];
      return isMissing(error) ? pendingRow(id, scenario, GOALS[key], error.message) : errorRow(id, scenario, GOALS[key], error);
    });
  }
  const rows: Row[] = [];
  const { Vault } = await ours.load('vault');
  const macKey = randomBytes(32);
  const filter = { type: 'apiKey' as const, tags: ['prod'] };

  ctx.log('vault: open + verify');
  const open = await measurePair(() => Vault.open(fixture.path, fixture.key), () => parseAndMac(fixture.path, macKey), { runs: ctx.runs, warmup: ctx.warmup });
  rows.push(pairRow(...scenarios.open, GOALS.open, open, 'Vault.open', 'read + JSON.parse + HMAC-SHA256 of the file'));

  ctx.log('vault: list');
  const vault = await Vault.open(fixture.path, fixture.key);
  const listed = vault.list(filter).length;
  const list = await measurePair(() => vault.list(filter), () => parseAndMac(fixture.path, macKey), { runs: ctx.runs, warmup: ctx.warmup, oursInner: await calibrate(() => vault.list(filter)) });
  const entries = (JSON.parse(readFileSync(fixture.path, 'utf8')) as { entries: { metadata: { type: string; tags: string[] } }[] }).entries;
  const bareFilter = () => entries.filter((entry) => entry.metadata.type === filter.type && filter.tags.every((tag) => entry.metadata.tags.includes(tag)));
  const bare = await measurePair(() => vault.list(filter), bareFilter, { runs: ctx.runs, warmup: ctx.warmup, oursInner: await calibrate(() => vault.list(filter)), baselineInner: await calibrate(bareFilter) });
  rows.push(
    pairRow(...scenarios.list, GOALS.list, list, `Vault.list (${listed} match)`, 'read + JSON.parse + HMAC-SHA256 of the file', `against a bare Array.filter of the parsed entries: ${(summarize(bare.ours).median / summarize(bare.baseline).median).toFixed(1)}x`),
  );

  ctx.log('vault: get');
  const target = fixture.secrets[Math.floor(fixture.secrets.length / 2)] as SecretSpec;
  const decrypt = gcmPair(Buffer.from(JSON.stringify(target.data)));
  const get = () => vault.get(target.name);
  const gets = await measurePair(get, decrypt, { runs: ctx.runs, warmup: ctx.warmup, oursInner: await calibrate(get), baselineInner: await calibrate(decrypt) });
  rows.push(pairRow(...scenarios.get, GOALS.get, gets, `Vault.get (the middle one of ${fixture.secrets.length})`, 'one AES-256-GCM decrypt of the same plaintext size'));

  ctx.log('vault: add');
  const scratch = join(ctx.dir('vault'), 'fsync-baseline.bin');
  let added = 0;
  let fileBytes = readFileSync(fixture.path);
  const adds = await measurePair(
    () => vault.add({ name: `bench_added_${added++}`, type: 'apiKey', data: { value: `sk_test_${randomBytes(16).toString('hex')}` }, tags: ['bench'] }),
    () => fsyncedWrite(scratch, fileBytes),
    { runs: ctx.runs, warmup: ctx.warmup, beforeBaseline: () => (fileBytes = readFileSync(fixture.path)) },
  );
  rows.push(pairRow(...scenarios.add, GOALS.add, adds, 'Vault.add (lock, re-read + verify, seal, write, fsync, rename, fsync dir)', `open + write + fsync of the same ${(fileBytes.length / 1e6).toFixed(1)} MB`));
  return rows;
}
