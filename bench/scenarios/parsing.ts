// Diagnostics of the big workflow in process (parseWorkflow + checkWorkflow) against the bare
// parsers: jsonc-parser's visit for JSON, yaml's parseDocument for YAML.
import { visit } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import type { WorkflowFormat } from '../../shared/workflowTypes';
import type { BenchContext } from '../context';
import { isMissing, type Ours } from '../ours';
import { errorRow, pairRow, pendingRow, type Goal, type Row } from '../report';
import { measure, measurePair, summarize } from '../stats';

const BASELINES: Record<WorkflowFormat, { name: string; goal: Goal; run: (text: string) => unknown }> = {
  json: {
    name: 'jsonc-parser visit',
    goal: { kind: 'ratio', max: 1.5 },
    run: (text) => {
      let literals = 0;
      visit(text, { onLiteralValue: () => void literals++ });
      return literals;
    },
  },
  yaml: {
    name: 'yaml parseDocument',
    goal: { kind: 'ratio', max: 0.5 },
    run: (text) => parseDocument(text).errors.length,
  },
};

export async function runParsing(ctx: BenchContext, ours: Ours): Promise<Row[]> {
  const rows: Row[] = [];
  for (const format of ['json', 'yaml'] as const) {
    const workflow = ctx.workflow(format);
    const baseline = BASELINES[format];
    const id = `diagnostics-${format}`;
    const scenario = `diagnostics, ${ctx.sizes.nodes / 1000}k-node ${format.toUpperCase()} (${(workflow.bytes / 1e6).toFixed(1)} MB, in process)`;
    ctx.log(`${id}: measuring`);
    try {
      const { parseWorkflow } = await ours.load('parser');
      const { checkWorkflow } = await ours.load('checks');
      const catalog = ctx.catalog();
      const check = () => checkWorkflow(parseWorkflow(workflow.text, format), catalog);
      const sanity = sanityNote(parseWorkflow(workflow.text, format).references.length, check().length, workflow.references);
      const pair = await measurePair(check, () => baseline.run(workflow.text), { runs: ctx.runs, warmup: ctx.warmup });
      rows.push(pairRow(id, scenario, baseline.goal, pair, 'parseWorkflow + checkWorkflow', baseline.name, sanity));
    } catch (error) {
      const samples = await measure(() => baseline.run(workflow.text), { runs: ctx.runs, warmup: ctx.warmup });
      const figure = { what: baseline.name, unit: 'ms' as const, summary: summarize(samples) };
      rows.push(isMissing(error) ? pendingRow(id, scenario, baseline.goal, error.message, figure) : errorRow(id, scenario, baseline.goal, error, figure));
    }
  }
  return rows;
}

/** A benchmark of a broken path measures nothing: say so when the clean file does not parse as generated. */
function sanityNote(found: number, diagnostics: number, expected: number): string | undefined {
  const problems: string[] = [];
  if (found !== expected) problems.push(`parser found ${found} references, the generator wrote ${expected}`);
  if (diagnostics !== 0) problems.push(`${diagnostics} diagnostics on a clean file (expected 0)`);
  return problems.length ? `check: ${problems.join('; ')}` : undefined;
}
