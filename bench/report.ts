// Rows of the results table, how they pass or fail, and how they are printed and saved.
import { summarize, type Pair, type Summary } from './stats';

export type Unit = 'ms' | 'MB' | 'count';

export interface Figure {
  /** What was measured, in words ("parseWorkflow + checkWorkflow, in process"). */
  what: string;
  unit: Unit;
  summary: Summary;
}

export type Goal =
  /** ours.median / baseline.median ≤ max */
  | { kind: 'ratio'; max: number }
  /** ours.p95 ≤ max (in ours' unit) */
  | { kind: 'p95'; max: number }
  /** ours.median === value */
  | { kind: 'exact'; value: number };

export type RowStatus = 'measured' | 'pending' | 'error';

export interface Row {
  /** Stable key for comparing runs. */
  id: string;
  scenario: string;
  ours?: Figure;
  baseline?: Figure;
  ratio?: number;
  goal: Goal;
  pass: boolean | null;
  status: RowStatus;
  note?: string;
}

export function goalText(goal: Goal): string {
  switch (goal.kind) {
    case 'ratio':
      return `≤ ${goal.max}x`;
    case 'p95':
      return `p95 ≤ ${goal.max} ms`;
    case 'exact':
      return `= ${goal.value}`;
  }
}

function judge(goal: Goal, ours: Summary, ratio: number | undefined): boolean {
  switch (goal.kind) {
    case 'ratio':
      return ratio !== undefined && ratio <= goal.max;
    case 'p95':
      return ours.p95 <= goal.max;
    case 'exact':
      return ours.median === goal.value;
  }
}

export interface MeasuredRow {
  id: string;
  scenario: string;
  goal: Goal;
  ours: Figure;
  baseline?: Figure;
  note?: string;
}

/** A measured row: the ratio is of the medians, the verdict follows the goal. */
export function measuredRow(row: MeasuredRow): Row {
  const ratio = row.baseline && row.baseline.summary.median > 0 ? row.ours.summary.median / row.baseline.summary.median : undefined;
  return { ...row, ratio, pass: judge(row.goal, row.ours.summary, ratio), status: 'measured' };
}

/** Convenience for the common case: interleaved samples of ours and the baseline, both in ms. */
export function pairRow(id: string, scenario: string, goal: Goal, pair: Pair, ours: string, baseline: string, note?: string): Row {
  return measuredRow({
    id,
    scenario,
    goal,
    ours: { what: ours, unit: 'ms', summary: summarize(pair.ours) },
    baseline: { what: baseline, unit: 'ms', summary: summarize(pair.baseline) },
    note,
  });
}

/** Our side has not landed yet (or cannot run); the baseline may still be measured. */
export function pendingRow(id: string, scenario: string, goal: Goal, note: string, baseline?: Figure): Row {
  return { id, scenario, goal, baseline, pass: null, status: 'pending', note };
}

export function errorRow(id: string, scenario: string, goal: Goal, error: unknown, baseline?: Figure): Row {
  const message = error instanceof Error ? error.message : String(error);
  return { id, scenario, goal, baseline, pass: null, status: 'error', note: message.split('\n')[0]?.slice(0, 300) };
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'count') return String(Math.round(value));
  if (unit === 'MB') return `${value.toFixed(value >= 100 ? 0 : 1)} MB`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 1) return `${value.toFixed(2)} ms`;
  return `${(value * 1000).toFixed(1)} µs`;
}

function figureCell(figure: Figure | undefined, goal: Goal): string {
  if (!figure) return '—';
  const s = figure.summary;
  if (goal.kind === 'p95') return `p50 ${formatValue(s.p50, figure.unit)} / p95 ${formatValue(s.p95, figure.unit)} / p99 ${formatValue(s.p99, figure.unit)}`;
  return formatValue(s.median, figure.unit);
}

function verdict(row: Row): string {
  if (row.status === 'pending') return 'pending';
  if (row.status === 'error') return 'ERROR';
  return row.pass ? 'pass' : 'FAIL';
}

export const TABLE_HEADER = ['scenario', 'ours', 'baseline', 'ratio', 'goal', 'result'] as const;

export function tableCells(row: Row): string[] {
  return [
    row.scenario,
    figureCell(row.ours, row.goal),
    row.baseline ? `${figureCell(row.baseline, row.goal.kind === 'p95' ? { kind: 'ratio', max: 0 } : row.goal)} (${row.baseline.what})` : '—',
    row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)}x`,
    goalText(row.goal),
    verdict(row),
  ];
}

/** Plain-text table for the terminal. */
export function formatTable(rows: Row[]): string {
  const cells = [TABLE_HEADER as readonly string[], ...rows.map(tableCells)];
  const widths = TABLE_HEADER.map((_, column) => Math.max(...cells.map((line) => (line[column] ?? '').length)));
  const line = (values: readonly string[]) => values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ');
  const out = [line(cells[0] as readonly string[]), widths.map((width) => '-'.repeat(width)).join('-|-')];
  for (const values of cells.slice(1)) out.push(line(values));
  const notes = rows.filter((row) => row.note).map((row) => `  ${row.id}: ${row.note}`);
  return `${out.join('\n')}${notes.length ? `\n\nNotes:\n${notes.join('\n')}` : ''}`;
}

/** Markdown table for the README's Performance section. */
export function formatMarkdownTable(rows: Row[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const out = [`| ${TABLE_HEADER.join(' | ')} |`, `|${TABLE_HEADER.map(() => '---').join('|')}|`];
  for (const row of rows) out.push(`| ${tableCells(row).map(escape).join(' | ')} |`);
  return out.join('\n');
}
