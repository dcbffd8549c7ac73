import fc from 'fast-check';
import { recordFigure, scaled, seedFor } from './figures';

/** Cases per property: 10,000 in CI, RELIABILITY_FUZZ_RUNS or RELIABILITY_SCALE for a soak. */
export function fuzzRuns(base = 10_000): number {
  return scaled(base, 'RELIABILITY_FUZZ_RUNS');
}

type Context = Parameters<typeof recordFigure>[0] & Parameters<typeof seedFor>[0];

/**
 * Runs a fast-check property with a printed seed, records cases run and failures (a failing
 * property counts one failure: fast-check stops at the first counterexample and shrinks it), then
 * fails the test with fast-check's report (seed, path and the shrunk counterexample).
 */
export async function checkProperty<Ts>(t: Context, label: string, property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>, numRuns = fuzzRuns()): Promise<void> {
  const seed = seedFor(t);
  const details = await fc.check(property, { numRuns, seed });
  recordFigure(t, { label, cases: details.numRuns, failures: details.failed ? 1 : 0 });
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${fc.defaultReportMessage(details) ?? `property "${label}" failed`}\nError: ${cause}`);
  }
}
