import { appendFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The figures the reliability suite prints: each test records how many cases it ran and how many
 * of them broke the promise it checks, before asserting, so the summary shows real numbers even
 * when a test fails. scripts/runReliability.mjs sets RELIABILITY_FIGURES_DIR and prints the table;
 * a file run on its own (node --import tsx --test FILE) just skips the recording.
 */
export const FIGURES_DIR_ENV = 'RELIABILITY_FIGURES_DIR';
export const FIGURES_FILE = 'figures.jsonl';

export interface Figure {
  /** The node:test test the figure belongs to (its name), to join with pass/fail. */
  test: string;
  /** What was counted, when a test records more than one figure. */
  label?: string;
  cases: number;
  failures: number;
}

/** Records a figure for the summary table; `t` is the running test (its name keys the row). */
export function recordFigure(t: { name: string; diagnostic(message: string): void }, figure: Omit<Figure, 'test'>): void {
  const line = { file: testFileName(), test: t.name, ...figure };
  t.diagnostic(`${figure.label ?? t.name}: ${figure.cases} case(s), ${figure.failures} failure(s)`);
  const dir = process.env[FIGURES_DIR_ENV];
  if (dir) appendFileSync(join(dir, FIGURES_FILE), `${JSON.stringify(line)}\n`);
}

/** node --test runs each file in its own process with the file as the entry point. */
function testFileName(): string {
  const entry = process.argv.find((arg) => arg.endsWith('.test.ts'));
  return entry ? basename(entry, '.test.ts') : basename(process.argv[1] ?? 'unknown');
}

/**
 * Case counts: `base` in CI, multiplied by RELIABILITY_SCALE for a soak, or set outright by the
 * test's own variable (e.g. RELIABILITY_CRASH_KILLS=2000). Documented in
 * the README section "Security promises".
 */
export function scaled(base: number, variable?: string): number {
  const own = variable ? Number(process.env[variable]) : Number.NaN;
  if (Number.isFinite(own) && own > 0) return Math.floor(own);
  const factor = Number(process.env.RELIABILITY_SCALE ?? '1');
  return Math.max(1, Math.floor(base * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
}

/** A fixed seed when RELIABILITY_SEED is set (to replay a failure), else a fresh one that is printed. */
export function seedFor(t: { diagnostic(message: string): void }): number {
  const given = Number(process.env.RELIABILITY_SEED);
  const seed = Number.isSafeInteger(given) ? given : Math.floor(Math.random() * 2 ** 31);
  t.diagnostic(`seed ${seed} (replay with RELIABILITY_SEED=${seed})`);
  return seed;
}
