// Resolving the big workflow over its 500 secrets from the benchmark vault, against 500 AES-GCM
// decrypts plus the string replacements; and the cache's promise: exactly one lookup (and one
// decryption) per distinct secret.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretLookup } from '../../shared/secretLookup';
import type { VaultApi } from '../../shared/vault/vaultTypes';
import type { BenchContext } from '../context';
import { isMissing, type Ours } from '../ours';
import { errorRow, measuredRow, pairRow, pendingRow, type Goal, type Row } from '../report';
import { measurePair, summarize } from '../stats';
import { benchVault } from './vault';

const GOAL: Goal = { kind: 'ratio', max: 1.5 };
const REFERENCE = /\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

/** A vault whose get/require calls (each one decryption) are counted. */
function countingVault(vault: VaultApi): { vault: VaultApi; decryptions: () => number; reset: () => void } {
  let count = 0;
  const counted = new Proxy(vault, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if ((property === 'get' || property === 'require') && typeof value === 'function') {
        return (name: string) => {
          count++;
          return (value as (name: string) => unknown).call(target, name);
        };
      }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { vault: counted, decryptions: () => count, reset: () => (count = 0) };
}

/** 500 sealed secrets with our own key, and the walk a runner without our engine would do. */
function makeBaseline(secrets: { name: string; data: Record<string, string | string[]> }[], value: unknown): () => number {
  const key = randomBytes(32);
  const sealed = secrets.map((spec) => {
    const iv = randomBytes(12);
    const aad = Buffer.from(spec.name);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 }).setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(spec.data)), cipher.final()]);
    return { name: spec.name, iv, aad, ciphertext, tag: cipher.getAuthTag() };
  });
  const nodes = (value as { nodes: { config: unknown }[] }).nodes;
  return () => {
    const values = new Map<string, Record<string, string | string[]>>();
    for (const entry of sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, entry.iv, { authTagLength: 16 }).setAAD(entry.aad);
      decipher.setAuthTag(entry.tag);
      values.set(entry.name, JSON.parse(Buffer.concat([decipher.update(entry.ciphertext), decipher.final()]).toString('utf8')) as Record<string, string | string[]>);
    }
    const replace = (item: unknown): unknown => {
      if (typeof item === 'string') {
        return item.replace(REFERENCE, (_, name: string, field: string) => {
          const fieldValue = values.get(name)?.[field];
          return Array.isArray(fieldValue) ? fieldValue.join(' ') : (fieldValue ?? '');
        });
      }
      if (Array.isArray(item)) return item.map(replace);
      if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, replace(v)]));
      return item;
    };
    let executed = 0;
    for (const node of nodes) if (replace(node.config) !== undefined) executed++;
    return executed;
  };
}

export async function runResolve(ctx: BenchContext, ours: Ours): Promise<Row[]> {
  const referenced = ctx.sizes.referenced;
  const id = 'resolve';
  const scenario = `resolve a ${ctx.sizes.nodes / 1000}k-node workflow over ${referenced} secrets`;
  const countId = 'resolve-decryptions';
  const countScenario = `resolve: decryptions per run (cache)`;
  const countGoal: Goal = { kind: 'exact', value: referenced };
  try {
    const [{ parseWorkflow }, { resolveWorkflow }, { countLookups }, fixture] = await Promise.all([ours.load('parser'), ours.load('resolver'), ours.load('resolutionCache'), benchVault(ctx, ours)]);
    const { Vault } = await ours.load('vault');
    const workflow = ctx.workflow('json');
    const parsed = parseWorkflow(workflow.text, 'json');
    const counted = countingVault(await Vault.open(fixture.path, fixture.key));
    let lookup: SecretLookup;
    let lookupWhat = 'createSecretLookup (local vault, no providers)';
    try {
      const { createSecretLookup } = await ours.load('lookupChain');
      lookup = createSecretLookup({ providers: [], vault: counted.vault, vaultLabel: 'bench' });
    } catch (error) {
      if (!isMissing(error)) throw error;
      lookupWhat = 'a direct vault lookup (secretLookupChain not landed yet)';
      lookup = {
        lookup: async (name) => {
          const secret = counted.vault.get(name);
          return secret ? { status: 'found', name, type: secret.type, data: secret.data, from: { kind: 'local' } } : { status: 'notFound', searched: ['bench vault'] };
        },
      };
    }
    ctx.log(`${id}: measuring`);
    const lookupCounts: number[] = [];
    const decryptionCounts: number[] = [];
    let executed = 0;
    let unresolved = 0;
    const run = async () => {
      counted.reset();
      const counting = countLookups(lookup);
      const report = await resolveWorkflow(parsed, { lookup: counting, executeNode: () => void executed++ });
      lookupCounts.push(counting.count);
      decryptionCounts.push(counted.decryptions());
      unresolved = report.totals.unresolved + report.totals.blocked;
    };
    const baseline = makeBaseline(fixture.secrets.slice(0, referenced), parsed.value);
    const pair = await measurePair(run, baseline, { runs: ctx.runs, warmup: ctx.warmup });
    const distinctLookups = [...new Set(lookupCounts)].join(', ');
    const notes = [`lookups per run: ${distinctLookups}`, `via ${lookupWhat}`];
    if (unresolved > 0) notes.push(`check: ${unresolved} unresolved references or blocked nodes (expected 0)`);
    return [
      pairRow(id, scenario, GOAL, pair, 'resolveWorkflow (parse excluded)', `${referenced} AES-256-GCM decrypts + regex replacements over every node config`, notes.join('; ')),
      measuredRow({
        id: countId,
        scenario: countScenario,
        goal: countGoal,
        ours: { what: 'vault.get calls per run', unit: 'count', summary: summarize(decryptionCounts) },
        baseline: { what: 'distinct secrets referenced', unit: 'count', summary: summarize([referenced]) },
        note: new Set(decryptionCounts).size > 1 ? `varied between runs: ${[...new Set(decryptionCounts)].join(', ')}` : `same in all ${decryptionCounts.length} runs`,
      }),
    ];
  } catch (error) {
    const make = (rowId: string, text: string, goal: Goal) => (isMissing(error) ? pendingRow(rowId, text, goal, error.message) : errorRow(rowId, text, goal, error));
    return [make(id, scenario, GOAL), make(countId, countScenario, countGoal)];
  }
}
