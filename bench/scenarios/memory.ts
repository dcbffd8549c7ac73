// Server memory: RSS growth of a fresh server process (/proc/<pid>/status VmRSS) from before
// didOpen of the big YAML to after its diagnostics (once the server is quiet), against the file's
// size; the peak (VmHWM) is noted. One fresh server per run.
import type { BenchContext } from '../context';
import { pathToUri, type LspSession } from '../lsp';
import { errorRow, measuredRow, pendingRow, type Goal, type Row } from '../report';
import { startOurs, untilReady } from '../servers';
import { summarize } from '../stats';

const GOAL: Goal = { kind: 'ratio', max: 10 };

export async function runMemory(ctx: BenchContext, serverReady: string | undefined): Promise<Row[]> {
  const workflow = ctx.workflow('yaml');
  const id = 'memory-yaml';
  const scenario = `server RSS growth with the ${ctx.sizes.nodes / 1000}k-node YAML open`;
  const peakId = 'memory-yaml-peak';
  const peakScenario = `server peak RSS growth while validating the ${ctx.sizes.nodes / 1000}k-node YAML`;
  const fileMb = workflow.bytes / 1e6;
  const baseline = { what: 'file size', unit: 'MB' as const, summary: summarize(Array.from({ length: ctx.runs }, () => fileMb)) };
  if (serverReady) return [pendingRow(id, scenario, GOAL, serverReady, baseline), pendingRow(peakId, peakScenario, GOAL, serverReady, baseline)];
  ctx.log(`${id}: measuring`);
  const growth: number[] = [];
  const peaks: number[] = [];
  const uri = pathToUri(`${ctx.dir('memory')}/big.workflow.yaml`);
  try {
    // Memory has no warm-up to discard: every run is a fresh process.
    for (let run = 0; run < ctx.runs; run++) {
      let session: LspSession | undefined;
      try {
        session = await startOurs(ctx, { debounceMs: 0 });
        await session.quiet();
        const before = session.memory();
        const published = session.nextDiagnostics(uri, 300_000);
        session.open(uri, 'yaml', workflow.text);
        await published;
        // The server ends its validation worker after a big file and starts a fresh one on the next
        // job; "before" had a worker, so "after" gets one too (a small probe), else growth reads low.
        await untilReady(ctx, session);
        await session.quiet();
        const after = session.memory();
        growth.push((after.rss - before.rss) / 1e6);
        peaks.push((after.hwm - before.rss) / 1e6);
      } finally {
        await session?.shutdown();
      }
    }
    return [
      measuredRow({ id, scenario, goal: GOAL, ours: { what: 'VmRSS once quiet with the file open − VmRSS before didOpen', unit: 'MB', summary: summarize(growth) }, baseline }),
      measuredRow({ id: peakId, scenario: peakScenario, goal: GOAL, ours: { what: 'VmHWM − VmRSS before didOpen', unit: 'MB', summary: summarize(peaks) }, baseline }),
    ];
  } catch (error) {
    return [errorRow(id, scenario, GOAL, error, baseline), errorRow(peakId, peakScenario, GOAL, error, baseline)];
  }
}
