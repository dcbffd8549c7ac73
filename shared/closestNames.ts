/**
 * "Did you mean" suggestions for secret and field names: optimal string alignment distance
 * (Levenshtein plus adjacent transpositions), compared ignoring case so `Stripe` finds `stripe` first.
 */

/** Edit distance between two strings, counting a swap of two neighbours as one edit. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let twoBack: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, twoBack[j - 2]! + 1);
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    // Every later row is at least this row's minimum: stop early once past the limit.
    if (rowMinimum > limit) return limit + 1;
    twoBack = previous;
    previous = current;
  }
  return previous[b.length]!;
}

export interface ClosestNamesOptions {
  /** How many names to return at most (default 3). */
  max?: number;
  /** Largest distance still worth suggesting; default grows with the name: max(2, length / 3). */
  maxDistance?: number;
}

/**
 * The candidates nearest to `name`, best first. A name that differs only in case ranks first;
 * a candidate that starts with or contains the typed name also qualifies (a shortened name).
 */
export function closestNames(name: string, candidates: Iterable<string>, options: ClosestNamesOptions = {}): string[] {
  const max = options.max ?? 3;
  const lower = name.toLowerCase();
  const threshold = options.maxDistance ?? Math.max(2, Math.floor(name.length / 3));
  const scored: { candidate: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (candidate === name || seen.has(candidate)) continue;
    seen.add(candidate);
    const candidateLower = candidate.toLowerCase();
    let score = editDistance(lower, candidateLower, threshold);
    // Case-only differences are the likeliest mistake: rank them before any real edit.
    if (score === 0) score = -1;
    else if (score > threshold && lower.length >= 3 && candidateLower.includes(lower)) score = threshold;
    if (score <= threshold) scored.push({ candidate, score });
  }
  scored.sort((left, right) => left.score - right.score || left.candidate.localeCompare(right.candidate));
  return scored.slice(0, max).map((entry) => entry.candidate);
}
