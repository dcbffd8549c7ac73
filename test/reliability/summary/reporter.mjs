// node:test reporter for scripts/runReliability.mjs: one JSON line per finished test (pass or
// fail), written to the destination the runner gives, so the summary can join the figures that
// tests record with node:test's own verdicts.
export default async function* reliabilityReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, file, details } = event.data;
    // Top-level tests only; a file that fails to load reports itself as a test named after the file.
    if (nesting !== 0) continue;
    const error = event.type === 'test:fail' ? String(details?.error?.cause?.message ?? details?.error?.message ?? 'failed').split('\n')[0] : undefined;
    yield `${JSON.stringify({ file, name, passed: event.type === 'test:pass', skipped: Boolean(event.data.skip || event.data.todo), durationMs: details?.duration_ms, error })}\n`;
  }
}
