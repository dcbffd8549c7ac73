// Server memory: RSS growth of a fresh server process (/proc/<pid>/status VmRSS) from before
// didOpen of the big YAML to its diagnostics, against the file's size. One fresh server per run.
import type { BenchContext } from '../context';
import { pathToUri, type LspSession } from '../lsp';
import { errorRow, measuredRow, pendingRow, type Goal, type Row } from '../report';
import { startOurs } from '../servers';
import { summarize } from '../stats';

const GOAL: Goal = { kind: 'ratio', max: 10 };

export async function runMemory(ctx: BenchContext, serverReady: string | undefined): Promise<Row[]> {
  const workflow = ctx.workflow('yaml');
  const id = 'memory-yaml';
  const scenario = `server RSS growth with the ${ctx.sizes.nodes / 1000}k-node YAML open`;
  const fileMb = workflow.bytes / 1e6;
  const baseline = { what: 'file size', unit: 'MB' as const, summary: summarize(Array.from({ length: ctx.runs }, () => fileMb)) };
  if (serverReady) return [pendingRow(id, scenario, GOAL, serverReady, baseline)];
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
        await session.noop();
        const before = session.memory();
        const published = session.nextDiagnostics(uri, 300_000);
        session.open(uri, 'yaml', workflow.text);
        await published;
        await session.noop();
        const after = session.memory();
        growth.push((after.rss - before.rss) / 1e6);
        peaks.push((after.hwm - before.rss) / 1e6);
      } finally {
        await session?.shutdown();
      }
    }
    const peak = summarize(peaks);
    return [
      measuredRow({
        id,
        scenario,
        goal: GOAL,
        ours: { what: 'VmRSS after diagnostics − VmRSS before didOpen', unit: 'MB', summary: summarize(growth) },
        baseline,
        note: `peak (VmHWM − RSS before) median ${peak.median.toFixed(0)} MB = ${(peak.median / fileMb).toFixed(1)}x the file`,
      }),
    ];
  } catch (error) {
    return [errorRow(id, scenario, GOAL, error, baseline)];
  }
}
