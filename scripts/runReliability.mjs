// Runs the reliability and security suite (test/reliability/*.test.ts) with node:test through tsx,
// then prints a summary table: test, cases run, failures. Tests record their figures in a JSON
// lines file in a temp folder (RELIABILITY_FIGURES_DIR); a reporter records node:test's verdicts.
// Usage: node scripts/runReliability.mjs [NAME_FILTER...]   (e.g. `crash fuzz`)
// Sizes: RELIABILITY_SCALE=10 for a soak, or per-test variables (the README section "Security promises").
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const suite = join(root, 'test', 'reliability');
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('--'));

const files = readdirSync(suite)
  .filter((name) => name.endsWith('.test.ts') && (filters.length === 0 || filters.some((filter) => name.includes(filter))))
  .sort()
  .map((name) => join(suite, name));
if (files.length === 0) {
  console.error(`No reliability tests match ${filters.join(', ')}.`);
  process.exit(2);
}

// The CLI and language-server tests run the bundles in dist/.
if (process.env.RELIABILITY_SKIP_BUILD !== '1') {
  const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const figuresDir = mkdtempSync(join(tmpdir(), 'ws-reliability-figures-'));
const resultsFile = join(figuresDir, 'results.jsonl');
const started = Date.now();
const run = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(suite, 'summary', 'reporter.mjs')}`,
    `--test-reporter-destination=${resultsFile}`,
    ...passThrough,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, RELIABILITY_FIGURES_DIR: figuresDir } },
);
const seconds = ((Date.now() - started) / 1000).toFixed(1);

const readLines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)) : []);
const results = readLines(resultsFile);
const figures = readLines(join(figuresDir, 'figures.jsonl'));
rmSync(figuresDir, { recursive: true, force: true });

// One row per recorded figure; a test that recorded none (or failed before recording) gets one row.
const rows = [];
for (const result of results) {
  const area = basename(result.file ?? 'unknown', '.test.ts');
  const own = figures.filter((figure) => figure.file === area && figure.test === result.name);
  const verdict = result.skipped ? 'skipped' : result.passed ? 'pass' : 'FAIL';
  if (own.length === 0) {
    rows.push({ area, test: result.name, cases: '-', failures: result.passed ? 0 : 1, verdict });
    continue;
  }
  for (const figure of own) rows.push({ area, test: figure.label ?? result.name, cases: figure.cases, failures: figure.failures, verdict });
}

const shorten = (text, width) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
const table = [['area', 'test', 'cases run', 'failures', 'result'], ...rows.map((row) => [row.area, shorten(row.test, 60), String(row.cases), String(row.failures), row.verdict])];
const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
const line = (row) => row.map((cell, column) => (column >= 2 && column <= 3 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd();
const totalCases = rows.reduce((sum, row) => sum + (typeof row.cases === 'number' ? row.cases : 0), 0);
const totalFailures = rows.reduce((sum, row) => sum + row.failures, 0);
const failedTests = results.filter((result) => !result.passed && !result.skipped);

console.log('\nReliability and security summary');
console.log(line(table[0]));
console.log(widths.map((width) => '-'.repeat(width)).join('  '));
for (const row of table.slice(1)) console.log(line(row));
console.log(widths.map((width) => '-'.repeat(width)).join('  '));
console.log(`${results.length} tests in ${files.length} files, ${failedTests.length} failed; ${totalCases} cases run, ${totalFailures} failures; ${seconds} s`);
for (const failed of failedTests) console.log(`FAIL ${basename(failed.file ?? '', '.test.ts')}: ${failed.name}: ${failed.error ?? ''}`);

process.exit(run.status !== 0 || failedTests.length > 0 || results.length === 0 ? run.status || 1 : 0);
