// Diagnostics of the big YAML over LSP: didOpen → publishDiagnostics, ours against
// yaml-language-server (no schema), both child processes of this run, runs interleaved.
import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../context';
import type { LspSession } from '../lsp';
import { pathToUri } from '../lsp';
import { errorRow, measuredRow, pendingRow, type Figure, type Goal, type Row } from '../report';
import { PEER_VALIDATION_DELAY_MS, startOurs, startPeer } from '../servers';
import { collectGarbage, summarize } from '../stats';

const GOAL: Goal = { kind: 'ratio', max: 0.5 };
const TIMEOUT_MS = 180_000;

/** One didOpen of a fresh URI (so no cache answers), timed to its first publishDiagnostics. */
async function openToDiagnostics(session: LspSession, uri: string, text: string): Promise<{ ms: number; count: number }> {
  const published = session.nextDiagnostics(uri, TIMEOUT_MS);
  const start = performance.now();
  session.open(uri, 'yaml', text);
  const event = await published;
  session.close(uri);
  return { ms: event.at - start, count: event.params.diagnostics.length };
}

export async function runPeer(ctx: BenchContext, serverReady: string | undefined): Promise<Row[]> {
  const workflow = ctx.workflow('yaml');
  const id = 'lsp-diagnostics-yaml-peer';
  const scenario = `diagnostics over LSP, ${ctx.sizes.nodes / 1000}k-node YAML (didOpen → publishDiagnostics)`;
  const baselineWhat = `yaml-language-server 1.25 validation, no schema (${PEER_VALIDATION_DELAY_MS} ms fixed delay removed)`;
  const dir = ctx.dir('peer');
  ctx.log(`${id}: measuring`);
  const peer = await startPeer(ctx);
  let mine: LspSession | undefined;
  const peerSamples: number[] = [];
  const oursSamples: number[] = [];
  const notes: string[] = [];
  try {
    if (!serverReady) mine = await startOurs(ctx, { debounceMs: 0 });
    for (let run = 0; run < ctx.warmup + ctx.runs; run++) {
      const timed = run >= ctx.warmup;
      collectGarbage();
      const theirs = await openToDiagnostics(peer, pathToUri(`${dir}/peer-${run}.workflow.yaml`), workflow.text);
      if (timed) peerSamples.push(theirs.ms - PEER_VALIDATION_DELAY_MS);
      if (mine) {
        const ours = await openToDiagnostics(mine, pathToUri(`${dir}/ours-${run}.workflow.yaml`), workflow.text);
        if (timed) oursSamples.push(ours.ms);
        if (run === 0 && ours.count !== 0) notes.push(`ours published ${ours.count} diagnostics on a clean file (expected 0)`);
      }
      if (run === 0 && theirs.count !== 0) notes.push(`peer published ${theirs.count} diagnostics`);
    }
    notes.push(`peer RSS ${(peer.memory().rss / 1e6).toFixed(0)} MB after ${ctx.warmup + ctx.runs} opens`);
    const baseline: Figure = { what: baselineWhat, unit: 'ms', summary: summarize(peerSamples) };
    if (!mine) return [pendingRow(id, scenario, GOAL, serverReady ?? 'server not started', baseline)];
    return [measuredRow({ id, scenario, goal: GOAL, ours: { what: 'dist/server.js --stdio', unit: 'ms', summary: summarize(oursSamples) }, baseline, note: notes.join('; ') })];
  } catch (error) {
    const baseline = peerSamples.length >= 5 ? ({ what: baselineWhat, unit: 'ms', summary: summarize(peerSamples) } as Figure) : undefined;
    return [errorRow(id, scenario, GOAL, error, baseline)];
  } finally {
    await Promise.all([peer.shutdown(), mine?.shutdown()]);
  }
}
