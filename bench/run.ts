// npm run bench [-- --quick] [--only parsing,vault] [--runs N] [--out FILE] [--keep] [--no-build]
// Runs every scenario, prints the table, writes the results (bench/results.json for a full run).
// A benchmark is not a test: a missed goal never fails the process; a scenario that crashes does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchContext, FULL_SIZES, QUICK_SIZES } from './context';
import { describeMachine, loadAverage } from './machine';
import { Ours } from './ours';
import { writePerformanceDoc } from './performanceDoc';
import { formatTable, type Row } from './report';
import { runEditing } from './scenarios/editing';
import { runMemory } from './scenarios/memory';
import { runParsing } from './scenarios/parsing';
import { runPeer } from './scenarios/peer';
import { runResolve } from './scenarios/resolve';
import { runUnlock } from './scenarios/unlock';
import { runVault } from './scenarios/vault';
import { runWorkspace } from './scenarios/workspace';
import { MIN_RUNS } from './stats';

const ROOT = resolve(__dirname, '..');

interface Args {
  quick: boolean;
  only?: Set<string>;
  runs: number;
  out?: string;
  keep: boolean;
  build: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const inline = argv.find((arg) => arg.startsWith(`--${name}=`));
    if (inline) return inline.slice(name.length + 3);
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const only = value('only');
  return {
    quick: argv.includes('--quick'),
    only: only ? new Set(only.split(',')) : undefined,
    runs: Math.max(MIN_RUNS, Number(value('runs') ?? MIN_RUNS) || MIN_RUNS),
    out: value('out'),
    keep: argv.includes('--keep'),
    build: !argv.includes('--no-build'),
  };
}

type Group = (ctx: BenchContext, ours: Ours, serverNotReady: string | undefined) => Promise<Row[]>;

/** In-process groups first, then the ones that spawn servers. */
const GROUPS: Record<string, Group> = {
  parsing: (ctx, ours) => runParsing(ctx, ours),
  resolve: (ctx, ours) => runResolve(ctx, ours),
  vault: (ctx, ours) => runVault(ctx, ours),
  unlock: (ctx, ours) => runUnlock(ctx, ours),
  peer: (ctx, _ours, notReady) => runPeer(ctx, notReady),
  editing: (ctx, _ours, notReady) => runEditing(ctx, notReady),
  memory: (ctx, _ours, notReady) => runMemory(ctx, notReady),
  workspace: (ctx, _ours, notReady) => runWorkspace(ctx, notReady),
};

const SERVER_GROUPS = new Set(['peer', 'editing', 'memory', 'workspace']);

/** Builds dist/ when the server bundle is older than its sources; says why our server cannot run otherwise. */
function prepareServer(ours: Ours, build: boolean, log: (message: string) => void): string | undefined {
  if (ours.serverState() === 'missing') return 'server/server.ts has not landed yet';
  if (ours.serverState() !== 'ready' && build) {
    log('building dist/ (node esbuild.mjs)');
    const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) log(`build failed: ${(result.stderr || result.stdout).trim().split('\n').slice(0, 5).join(' | ')}`);
  }
  const state = ours.serverState();
  if (state === 'unbuilt') return 'dist/server.js could not be built';
  if (state === 'stale') log('warning: dist/server.js is older than server/ or shared/; its figures describe the last build');
  return undefined;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const log = (message: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
  const tmp = mkdtempSync(join(tmpdir(), 'workflow-secrets-bench-'));
  const sizes = args.quick ? QUICK_SIZES : FULL_SIZES;
  const ctx = new BenchContext(ROOT, tmp, args.quick, sizes, args.runs, 1, log);
  const ours = new Ours(ROOT);
  const machine = describeMachine();
  const loadBefore = loadAverage();
  log(`${args.quick ? 'quick' : 'full'} run: ${sizes.nodes} nodes, vault of ${sizes.vaultSecrets}, ${sizes.workspaceFiles} workspace files; ${args.runs} runs after 1 warm-up; temp ${tmp}`);
  if (!(globalThis as { gc?: unknown }).gc) log('note: run node with --expose-gc to collect garbage between samples');

  const rows: Row[] = [];
  try {
    const wanted = Object.keys(GROUPS).filter((name) => !args.only || args.only.has(name));
    const serverNotReady = wanted.some((name) => SERVER_GROUPS.has(name)) ? prepareServer(ours, args.build, log) : undefined;
    for (const name of wanted) {
      const group = GROUPS[name] as Group;
      rows.push(...(await group(ctx, ours, serverNotReady)));
    }
  } finally {
    if (args.keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }

  const durationSeconds = (performance.now() - started) / 1000;
  const results = {
    mode: args.quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    durationSeconds: Math.round(durationSeconds * 10) / 10,
    machine: { ...machine, loadAverageBefore: loadBefore, loadAverageAfter: loadAverage() },
    sizes,
    runs: args.runs,
    warmup: 1,
    rows,
  };
  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  process.stdout.write(`${rows.filter((row) => row.pass === true).length} pass, ${rows.filter((row) => row.pass === false).length} miss, ${rows.filter((row) => row.status === 'pending').length} pending, ${rows.filter((row) => row.status === 'error').length} errors in ${durationSeconds.toFixed(1)} s\n`);

  // Only a full run replaces the committed figures; --quick and --only runs go to a temp file.
  const partial = args.quick || Boolean(args.only);
  const out = args.out ?? (partial ? join(tmpdir(), 'workflow-secrets-bench-partial.json') : join(ROOT, 'bench/results.json'));
  // Microseconds are the finest figure reported: three decimals of a millisecond.
  const rounded = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value);
  writeFileSync(out, `${JSON.stringify(results, rounded, 2)}\n`);
  process.stdout.write(`results: ${out}\n`);
  if (!args.quick && !args.only && !args.out) {
    writePerformanceDoc(join(ROOT, 'README.md'), results);
    process.stdout.write('table: README.md (Performance)\n');
  }
  // Missed goals are information; a scenario that crashed is a broken benchmark.
  return rows.some((row) => row.status === 'error') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
