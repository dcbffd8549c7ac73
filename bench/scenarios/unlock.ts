// Passphrase unlock: Vault.open of a small passphrase vault against one scrypt derivation at the
// parameters stored in its header. The vault caches derived keys per process, so the cache is
// cleared (untimed) before every open: each timed open pays its scrypt, as a first unlock does.
import { scrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext } from '../context';
import { isMissing, type Ours } from '../ours';
import { errorRow, pairRow, pendingRow, type Goal, type Row } from '../report';
import { measurePair } from '../stats';

const GOAL: Goal = { kind: 'ratio', max: 1.1 };
const derive = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

interface StoredKdf {
  name: string;
  salt: string;
  N: number;
  r: number;
  p: number;
}

export async function runUnlock(ctx: BenchContext, ours: Ours): Promise<Row[]> {
  const id = 'unlock-scrypt';
  const scenario = 'passphrase unlock (small vault)';
  try {
    const { Vault } = await ours.load('vault');
    const { clearDerivedKeyCache } = await ours.load('vaultCrypto');
    const path = join(ctx.dir('unlock'), 'passphrase.vault.json');
    const key = { kind: 'passphrase' as const, passphrase: 'correct horse battery staple, bench' };
    const vault = await Vault.create(path, key, { environment: 'bench' });
    for (const spec of ctx.secrets().slice(0, 5)) await vault.add({ name: spec.name, type: spec.type, data: spec.data, description: spec.description, tags: spec.tags });
    const kdf = (JSON.parse(readFileSync(path, 'utf8')) as { header: { kdf: StoredKdf } }).header.kdf;
    if (kdf.name !== 'scrypt') throw new Error(`expected a scrypt header, found ${kdf.name}`);
    const salt = Buffer.from(kdf.salt, 'base64');
    const params = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.r * (kdf.N + kdf.p + 2) };
    ctx.log(`${id}: measuring (scrypt N=2^${Math.log2(kdf.N)}, r=${kdf.r}, p=${kdf.p})`);
    const pair = await measurePair(
      () => Vault.open(path, key),
      () => derive(key.passphrase, salt, 32, params),
      // scrypt's 128 MiB pass is sensitive to memory traffic from other work: a few more runs steady the median.
      { runs: Math.max(ctx.runs, 7), warmup: ctx.warmup, beforeOurs: () => clearDerivedKeyCache() },
    );
    return [pairRow(id, scenario, GOAL, pair, 'Vault.open with a passphrase (key cache cleared)', `one scrypt derivation, N=2^${Math.log2(kdf.N)} r=${kdf.r} p=${kdf.p}`)];
  } catch (error) {
    return [isMissing(error) ? pendingRow(id, scenario, GOAL, error.message) : errorRow(id, scenario, GOAL, error)];
  }
}
