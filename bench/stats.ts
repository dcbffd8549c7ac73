// Timing and summary statistics. Ours and its baseline are run interleaved (A B A B ...) in the
// same process so that drift on a shared machine hits both alike; the ratio is of the medians.
import { performance } from 'node:perf_hooks';

export interface Summary {
  runs: number;
  median: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** Linear interpolation between closest ranks (the usual "R-7" definition). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (rank - low);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  return {
    runs: sorted.length,
    median: p50,
    p50,
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1),
  };
}

export interface MeasureOptions {
  /** Untimed runs first (JIT, caches, page faults). */
  warmup?: number;
  /** Timed runs; at least 5. */
  runs?: number;
  /** Repetitions inside one timed run, for operations too short to time alone; the sample is per repetition. */
  inner?: number;
  /** Runs before each timed run, untimed (e.g. reset state). */
  before?: () => unknown | Promise<unknown>;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Collect garbage between samples when node runs with --expose-gc, so one run's garbage is not billed to the next. */
export function collectGarbage(): void {
  gc?.();
}

async function timeOnce(fn: () => unknown | Promise<unknown>, inner: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < inner; i++) await fn();
  return (performance.now() - start) / inner;
}

export const MIN_RUNS = 5;

/** Milliseconds per call of `fn`, one sample per timed run. */
export async function measure(fn: () => unknown | Promise<unknown>, options: MeasureOptions = {}): Promise<number[]> {
  const runs = Math.max(MIN_RUNS, options.runs ?? MIN_RUNS);
  const inner = options.inner ?? 1;
  for (let i = 0; i < (options.warmup ?? 1); i++) {
    await options.before?.();
    await timeOnce(fn, inner);
  }
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    await options.before?.();
    collectGarbage();
    samples.push(await timeOnce(fn, inner));
  }
  return samples;
}

export interface Pair {
  ours: number[];
  baseline: number[];
}

export interface PairOptions {
  warmup?: number;
  runs?: number;
  oursInner?: number;
  baselineInner?: number;
  /** Untimed setup before each run of one side (e.g. clear a cache, pick a fresh name). */
  beforeOurs?: () => unknown | Promise<unknown>;
  beforeBaseline?: () => unknown | Promise<unknown>;
}

/** Interleaved runs of ours and the baseline, so a slow moment of the machine hits both. */
export async function measurePair(ours: () => unknown | Promise<unknown>, baseline: () => unknown | Promise<unknown>, options: PairOptions = {}): Promise<Pair> {
  const runs = Math.max(MIN_RUNS, options.runs ?? MIN_RUNS);
  const oursInner = options.oursInner ?? 1;
  const baselineInner = options.baselineInner ?? 1;
  for (let i = 0; i < (options.warmup ?? 1); i++) {
    await options.beforeBaseline?.();
    await timeOnce(baseline, baselineInner);
    await options.beforeOurs?.();
    await timeOnce(ours, oursInner);
  }
  const pair: Pair = { ours: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first so neither always runs on a freshly collected heap.
    const order = i % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const);
    for (const which of order) {
      await (which === 'ours' ? options.beforeOurs : options.beforeBaseline)?.();
      collectGarbage();
      if (which === 'ours') pair.ours.push(await timeOnce(ours, oursInner));
      else pair.baseline.push(await timeOnce(baseline, baselineInner));
    }
  }
  return pair;
}

/** How many repetitions make one timed run last about `targetMs` (for microsecond operations). */
export async function calibrate(fn: () => unknown | Promise<unknown>, targetMs = 20, maxInner = 100_000): Promise<number> {
  let inner = 1;
  for (;;) {
    const perCall = await timeOnce(fn, inner);
    const total = perCall * inner;
    if (total >= targetMs / 4 || inner >= maxInner) {
      return Math.min(maxInner, Math.max(1, Math.ceil(targetMs / Math.max(perCall, 1e-6))));
    }
    inner *= 4;
  }
}
