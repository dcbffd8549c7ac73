// A workspace of small workflows: time from `initialize` until every file's diagnostics are
// published (files never opened), against reading and parsing the same files bare.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { visit } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import type { BenchContext } from '../context';
import type { LspSession } from '../lsp';
import { errorRow, measuredRow, pendingRow, type Figure, type Goal, type Row } from '../report';
import { startOurs } from '../servers';
import { collectGarbage, summarize } from '../stats';

const GOAL: Goal = { kind: 'ratio', max: 2 };
const TIMEOUT_MS = 300_000;

function parseBare(files: { path: string; format: string }[]): number {
  let count = 0;
  for (const file of files) {
    const text = readFileSync(file.path, 'utf8');
    if (file.format === 'json') visit(text, { onLiteralValue: () => void count++ });
    else count += parseDocument(text).contents ? 1 : 0;
  }
  return count;
}

/** Spawns a server on the workspace; resolves with ms from initialize until every file has its unknown-secret diagnostic. */
async function serverRun(ctx: BenchContext, dir: string, paths: Set<string>): Promise<number> {
  let start = 0;
  let session: LspSession | undefined;
  const seen = new Set<string>();
  let resolveAll: (at: number) => void = () => undefined;
  const all = new Promise<number>((resolve) => (resolveAll = resolve));
  try {
    const timer = setTimeout(() => resolveAll(Number.NaN), TIMEOUT_MS);
    const listen = (event: { params: { uri: string; diagnostics: { code?: unknown }[] }; at: number }) => {
      const path = fileURLToPath(event.params.uri);
      if (!paths.has(path) || seen.has(path)) return;
      // Each file refers to one missing secret: that diagnostic proves the file was checked against the catalog.
      if (!event.params.diagnostics.some((diagnostic) => diagnostic.code === 'unknown-secret')) return;
      seen.add(path);
      if (seen.size === paths.size) resolveAll(event.at);
    };
    session = await startOurs(ctx, {
      workspaceFolder: dir,
      waitReady: false,
      beforeInitialize: (started) => {
        start = performance.now();
        started.onDiagnostics(listen);
      },
    });
    const end = await all;
    clearTimeout(timer);
    if (Number.isNaN(end)) throw new Error(`only ${seen.size} of ${paths.size} files got their diagnostics within ${TIMEOUT_MS / 1000} s`);
    return end - start;
  } finally {
    await session?.shutdown();
  }
}

export async function runWorkspace(ctx: BenchContext, serverReady: string | undefined): Promise<Row[]> {
  const { dir, files } = ctx.workspace();
  const id = 'workspace';
  const scenario = `workspace of ${files.length} small workflows, all diagnostics published`;
  const paths = new Set(files.map((file) => file.path));
  ctx.log(`${id}: measuring`);
  const bare: number[] = [];
  const ours: number[] = [];
  const baselineFigure = (): Figure => ({ what: 'read + jsonc-parser visit / yaml parseDocument of every file', unit: 'ms', summary: summarize(bare) });
  try {
    for (let run = 0; run < ctx.warmup + ctx.runs; run++) {
      const timed = run >= ctx.warmup;
      collectGarbage();
      const start = performance.now();
      parseBare(files);
      if (timed) bare.push(performance.now() - start);
      if (!serverReady) {
        const ms = await serverRun(ctx, dir, paths);
        if (timed) ours.push(ms);
      }
    }
    if (serverReady) return [pendingRow(id, scenario, GOAL, serverReady, baselineFigure())];
    return [
      measuredRow({
        id,
        scenario,
        goal: GOAL,
        ours: { what: 'initialize → last file published (server spawn excluded)', unit: 'ms', summary: summarize(ours) },
        baseline: baselineFigure(),
      }),
    ];
  } catch (error) {
    return [errorRow(id, scenario, GOAL, error, bare.length >= 5 ? baselineFigure() : undefined)];
  }
}
