// Completion and hover latency on the big YAML, idle and while a re-validation is in flight,
// against a no-op request round trip on the same connection. Round trips, measured by the client.
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { CompletionRequest, DidChangeTextDocumentNotification, HoverRequest, TextDocumentSyncKind, type Position } from 'vscode-languageserver-protocol/node';
import type { BenchContext } from '../context';
import { pathToUri, positionAt, type LspSession } from '../lsp';
import { errorRow, measuredRow, pendingRow, type Figure, type Goal, type Row } from '../report';
import { startOurs } from '../servers';
import { summarize } from '../stats';

const GOAL: Goal = { kind: 'p95', max: 10 };
/** A typing user fires a request about this often; requests overlap when the server is slow. */
const FIRE_EVERY_MS = 5;
const PROBES = 24;

interface Probe {
  /** Just after `{{secrets.` (names are offered). */
  name: Position;
  /** Just after `{{secrets.NAME.` (fields are offered). */
  field: Position;
  /** Inside the name (hover). */
  hover: Position;
}

/** Reference sites spread over the whole file, the last ones near its end. */
function probesOf(text: string): Probe[] {
  const pattern = /\{\{ ?secrets\.([A-Za-z_][\w-]*)\./g;
  const offsets: { nameStart: number; fieldStart: number }[] = [];
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const nameStart = match.index + match[0].length - (match[1] as string).length - 1;
    offsets.push({ nameStart, fieldStart: match.index + match[0].length });
  }
  const step = Math.max(1, Math.floor(offsets.length / PROBES));
  const picked = offsets.filter((_, index) => index % step === 0).slice(-PROBES);
  return picked.map(({ nameStart, fieldStart }) => ({
    name: positionAt(text, nameStart),
    field: positionAt(text, fieldStart),
    hover: positionAt(text, nameStart + 2),
  }));
}

type Kind = 'completion' | 'hover' | 'noop';

async function timed(session: LspSession, uri: string, kind: Kind, probe: Probe, index: number): Promise<{ kind: Kind; ms: number; empty: boolean }> {
  const start = performance.now();
  let empty = false;
  if (kind === 'noop') await session.noop();
  else if (kind === 'hover') empty = !(await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: probe.hover }));
  else {
    const result = await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: index % 2 === 0 ? probe.name : probe.field });
    empty = !result || (Array.isArray(result) ? result.length === 0 : result.items.length === 0);
  }
  return { kind, ms: performance.now() - start, empty };
}

export async function runEditing(ctx: BenchContext, serverReady: string | undefined): Promise<Row[]> {
  const size = `${ctx.sizes.nodes / 1000}k-node YAML`;
  const ids = {
    completionIdle: ['completion-idle', `completion on the ${size}, idle`],
    hoverIdle: ['hover-idle', `hover on the ${size}, idle`],
    completionBusy: ['completion-revalidating', `completion on the ${size}, re-validation in flight`],
    hoverBusy: ['hover-revalidating', `hover on the ${size}, re-validation in flight`],
  } as const;
  const all = Object.values(ids);
  if (serverReady) return all.map(([id, scenario]) => pendingRow(id, scenario, GOAL, serverReady));
  ctx.log('completion/hover: measuring');
  const workflow = ctx.workflow('yaml');
  const uri = pathToUri(`${ctx.dir('editing')}/big.workflow.yaml`);
  const probes = probesOf(workflow.text);
  let session: LspSession | undefined;
  try {
    // No debounce: the re-validation starts at the edit, so the requests fired after it meet it.
    session = await startOurs(ctx, { debounceMs: 0 });
    const opened = session.nextDiagnostics(uri, 300_000);
    session.open(uri, 'yaml', workflow.text);
    await opened;
    await session.quiet();

    const idle: { kind: Kind; ms: number; empty: boolean }[] = [];
    for (let i = 0; i < ctx.sizes.editRequests; i++) {
      const probe = probes[i % probes.length] as Probe;
      for (const kind of ['noop', 'completion', 'hover'] as const) idle.push(await timed(session, uri, kind, probe, i));
    }

    const busy = await duringRevalidation(ctx, session, uri, workflow.text, probes);
    const samples = (list: typeof idle, kind: Kind) => list.filter((sample) => sample.kind === kind).map((sample) => sample.ms);
    const empties = [...idle, ...busy.samples].filter((sample) => sample.kind !== 'noop' && sample.empty).length;
    const noop: Figure = { what: 'no-op request round trip, idle', unit: 'ms', summary: summarize(samples(idle, 'noop')) };
    const busyNoop = summarize(samples(busy.samples, 'noop'));
    const note = (kind: Kind, list: typeof idle) => `${samples(list, kind).length} requests${empties ? `; ${empties} empty answers in all` : ''}`;
    const busyNote = (kind: Kind) =>
      `${note(kind, busy.samples)} over ${busy.edits} edits (didChange ${busy.syncKind}); no-op during re-validation p50 ${busyNoop.p50.toFixed(2)} / p95 ${busyNoop.p95.toFixed(2)} ms; re-validation took p50 ${busy.revalidation.p50.toFixed(0)} ms`;
    const row = ([id, scenario]: readonly [string, string], kind: Kind, list: typeof idle, text: string) =>
      measuredRow({ id, scenario, goal: GOAL, ours: { what: `${kind} round trip`, unit: 'ms', summary: summarize(samples(list, kind)) }, baseline: noop, note: text });
    return [
      row(ids.completionIdle, 'completion', idle, note('completion', idle)),
      row(ids.hoverIdle, 'hover', idle, note('hover', idle)),
      row(ids.completionBusy, 'completion', busy.samples, busyNote('completion')),
      row(ids.hoverBusy, 'hover', busy.samples, busyNote('hover')),
    ];
  } catch (error) {
    return all.map(([id, scenario]) => errorRow(id, scenario, GOAL, error));
  } finally {
    await session?.shutdown();
  }
}

/**
 * Each edit: one didChange (a same-length edit, so positions hold), then a request every few ms,
 * cycling no-op, completion and hover, until the new diagnostics are published.
 */
async function duringRevalidation(ctx: BenchContext, session: LspSession, uri: string, original: string, probes: Probe[]) {
  const change = session.initializeResult?.capabilities.textDocumentSync;
  const kind = typeof change === 'number' ? change : (change?.change ?? TextDocumentSyncKind.Full);
  const editAt = original.indexOf('Étape') + 1; // a character inside the first node's note
  const editPosition = positionAt(original, editAt);
  const samples: { kind: Kind; ms: number; empty: boolean }[] = [];
  const revalidation: number[] = [];
  let text = original;
  const edits = Math.max(ctx.runs, ctx.sizes.edits);
  for (let edit = 0; edit < edits; edit++) {
    const version = 2 + edit;
    const letter = edit % 2 === 0 ? 'X' : 't';
    text = text.slice(0, editAt) + letter + text.slice(editAt + 1);
    const published = session.nextDiagnostics(uri, 300_000, (event) => event.params.version === undefined || event.params.version >= version);
    let done = false;
    void published.then(() => (done = true)).catch(() => (done = true));
    const start = performance.now();
    const contentChanges =
      kind === TextDocumentSyncKind.Incremental ? [{ range: { start: editPosition, end: { line: editPosition.line, character: editPosition.character + 1 } }, text: letter }] : [{ text }];
    void session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
    const pending: Promise<{ kind: Kind; ms: number; empty: boolean }>[] = [];
    for (let i = 0; !done || pending.length < 3; i++) {
      const which = (['completion', 'hover', 'noop'] as const)[i % 3] as Kind;
      pending.push(timed(session, uri, which, probes[i % probes.length] as Probe, Math.floor(i / 3)));
      await delay(FIRE_EVERY_MS);
    }
    revalidation.push((await published).at - start);
    samples.push(...(await Promise.all(pending)));
  }
  const syncKind = kind === TextDocumentSyncKind.Incremental ? 'incremental' : 'full text';
  return { samples, edits, syncKind, revalidation: summarize(revalidation) };
}
