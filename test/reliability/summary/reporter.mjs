// node:test reporter for scripts/runReliability.mjs: one JSON line per finished test (pass or
// fail), written to the destination the runner gives, so the summary can join the figures that
// tests record with node:test's own verdicts.
export default async function* reliabilityReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, file, details } = event.data;
    // Top-level tests only; a file that fails to load reports itself as a test named after the file.
    if (nesting !== 0) continue;
    const error = event.type === 'test:fail' ? firstProblem(details?.error) : undefined;
    yield `${JSON.stringify({ file, name, passed: event.type === 'test:pass', skipped: Boolean(event.data.skip || event.data.todo), durationMs: details?.duration_ms, error })}\n`;
  }
}

/** The first listed problem when a test asserted a list of failures empty, else the message's first line. */
function firstProblem(error) {
  const cause = error?.cause ?? error;
  if (Array.isArray(cause?.actual) && cause.actual.length > 0 && typeof cause.actual[0] === 'string') {
    return `${cause.actual[0]}${cause.actual.length > 1 ? ` (and ${cause.actual.length - 1} more)` : ''}`;
  }
  return String(cause?.message ?? 'failed').split('\n')[0];
}
