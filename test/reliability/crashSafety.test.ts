import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Vault } from '../../shared/vault/vault';
import { readVaultMetadata } from '../../shared/vault/vaultMetadata';
import { formatMasterKey, generateMasterKey } from '../../shared/vault/masterKey';
import { lockPathOf, tempFilePrefixOf } from '../../shared/vault/vaultPaths';
import type { MasterKey } from '../../shared/vault/vaultTypes';
import { expectedAt, initialState } from './support/crashPlan';
import { bundleHelper } from './support/bundle';
import { recordFigure, scaled, seedFor } from './support/figures';
import { SeededRandom } from './support/random';
import { tempDir } from './support/tempDirs';

/**
 * A writer child is killed with SIGKILL at random moments (RELIABILITY_CRASH_KILLS, default 200).
 * After every kill: the vault opens with the key the plan says, holds exactly the state of the
 * last generation the child reported or the one after it (the write in flight), no secret is
 * lost, stray temp files are removed by the next open, and leftovers hold no plaintext value.
 */
const CYCLE_TIMEOUT_MS = 20_000;

interface Cycle {
  lines: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

test('SIGKILL at random moments during vault writes never loses a committed write', async (t) => {
  const kills = scaled(200, 'RELIABILITY_CRASH_KILLS');
  const lanes = Math.max(1, Math.min(kills, scaled(2, 'RELIABILITY_CRASH_LANES')));
  const seed = seedFor(t);
  const writer = await bundleHelper(t, 'reliabilityCrashWriter.ts');
  // Independent vaults killed side by side: node's start-up, not the vault, dominates each cycle.
  const results = await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => runLane(writer, await tempDir(t, `crash${lane}`), Math.ceil(((lane + 1) * kills) / lanes) - Math.ceil((lane * kills) / lanes), new SeededRandom(seed + lane))),
  );
  const problems = results.flatMap((result) => result.problems);
  const cases = results.reduce((sum, result) => sum + result.kills, 0);
  for (const result of results) t.diagnostic(result.summary);
  recordFigure(t, { label: 'SIGKILL during vault writes', cases, failures: problems.length });
  assert.deepEqual(problems, []);
  assert.equal(cases, kills);
  // Every kill that waited for reported commits left them durable: progress is at least one per such kill.
  for (const result of results) assert.ok(result.progress >= result.kills - result.early, 'the writers made progress between kills');
});

interface LaneResult {
  kills: number;
  /** Kills right after the vault opened, before any commit was waited for. */
  early: number;
  problems: string[];
  progress: number;
  summary: string;
}

async function runLane(writer: string, dir: string, kills: number, random: SeededRandom): Promise<LaneResult> {
  const vaultPath = join(dir, 'crash.vault.json');
  const canary = `CANARY-crash-${randomBytes(8).toString('hex')}`;
  const keys: MasterKey[] = [generateMasterKey(), generateMasterKey()];

  const setup = await Vault.create(vaultPath, keys[0]!);
  for (const [name, value] of initialState(canary).values) await setup.add({ name, type: 'apiKey', data: { value } });
  const setupGeneration = setup.generation;

  let verified = setupGeneration;
  const problems: string[] = [];
  const counts = { inFlightCommitted: 0, strayTempFiles: 0, staleLocks: 0, killedBeforeFirstCommit: 0 };
  let done = 0;
  for (; done < kills && problems.length === 0; done++) {
    const early = random.next() < 0.2;
    if (early) counts.killedBeforeFirstCommit++;
    const cycle = await runAndKill(
      writer,
      {
        CRASH_VAULT: vaultPath,
        CRASH_KEYS: keys.map(formatMasterKey).join(','),
        CRASH_KEY_INDEX: String(expectedAt(setupGeneration, verified, canary).keyIndex),
        CRASH_CANARY: canary,
      },
      early ? { afterCommits: 0, extraMs: random.int(0, 3) } : { afterCommits: random.int(1, 4), extraMs: random.int(0, 6) },
    );
    const problem = await checkAfterKill(cycle, verified);
    if (problem) {
      problems.push(`${dir}, kill ${done + 1}: ${problem}`);
      break;
    }
    const { generation } = await readVaultMetadata(vaultPath);
    if (generation > lastReported(cycle, verified)) counts.inFlightCommitted++;
    verified = generation;
  }
  return { kills: done, early: counts.killedBeforeFirstCommit, problems, progress: verified - setupGeneration, summary: `final generation ${verified}; ${JSON.stringify(counts)}` };

  async function checkAfterKill(cycle: Cycle, before: number): Promise<string | undefined> {
    if (cycle.signal !== 'SIGKILL') return `the writer ended by itself (code ${cycle.code}): ${cycle.stderr.trim()}`;
    const reported = lastReported(cycle, before);
    const leftovers = (await readdir(dir)).filter((name) => name.startsWith(tempFilePrefixOf(vaultPath)));
    counts.strayTempFiles += leftovers.length;
    for (const name of leftovers) {
      const file = join(dir, name);
      const mode = (await stat(file)).mode & 0o777;
      if (mode !== 0o600) return `a leftover temp file ${name} has mode ${mode.toString(8)}`;
      if ((await readFile(file, 'utf8')).includes(canary)) return `a leftover temp file ${name} holds a plaintext value`;
    }
    if (await exists(lockPathOf(vaultPath))) counts.staleLocks++;

    const { generation } = await readVaultMetadata(vaultPath);
    if (generation !== reported && generation !== reported + 1) {
      return `the vault is at generation ${generation}; the writer had reported ${reported} (old or new expected)`;
    }
    const expected = expectedAt(setupGeneration, generation, canary);
    let vault: Vault;
    try {
      vault = await Vault.open(vaultPath, keys[expected.keyIndex]!);
    } catch (error) {
      return `the vault at generation ${generation} did not open: ${(error as Error).message}`;
    }
    const names = vault.list().map((secret) => secret.name).sort();
    if (names.join() !== [...expected.values.keys()].sort().join()) return `generation ${generation} holds ${names.join()}, expected ${[...expected.values.keys()].join()}`;
    for (const [name, value] of expected.values) {
      const data = vault.get(name)?.data as { value?: string } | undefined;
      if (data?.value !== value) return `secret ${name} at generation ${generation} does not hold the value of that generation`;
    }
    const after = (await readdir(dir)).filter((name) => name.startsWith(tempFilePrefixOf(vaultPath)));
    if (after.length > 0) return `the next open left stray temp files: ${after.join(', ')}`;
    if ((await readFile(vaultPath, 'utf8')).includes(canary)) return 'the vault file holds a plaintext value';
    return undefined;
  }
}

function lastReported(cycle: Cycle, before: number): number {
  return cycle.lines.filter((line) => /^\d+$/.test(line)).reduce((max, line) => Math.max(max, Number(line)), before);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Spawns the writer and kills it a random moment after it opened the vault (afterCommits 0) or some commits in. */
function runAndKill(script: string, env: Record<string, string>, when: { afterCommits: number; extraMs: number }): Promise<Cycle> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    let partial = '';
    let commits = 0;
    let killing = false;
    const kill = (delayMs: number) => {
      if (killing) return;
      killing = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    const watchdog = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer made no progress in ${CYCLE_TIMEOUT_MS} ms (stuck on a lock?): ${stderr}`));
    }, CYCLE_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (line === 'open' && when.afterCommits === 0) kill(when.extraMs);
        if (/^\d+$/.test(line) && ++commits >= when.afterCommits) kill(when.extraMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (partial) lines.push(partial);
      resolve({ lines, signal, code, stderr });
    });
  });
}
