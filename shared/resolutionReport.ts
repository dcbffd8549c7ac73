import type { MalformedCode } from './referenceGrammar';
import type { ResolvedFrom } from './secretLookup';
import type { JsonPath, WorkflowFormat } from './workflowTypes';

/**
 * The outcome of resolving a workflow: per node, each reference, where it came from and whether it
 * resolved. Built from names, fields, positions and messages only: it never holds a value, so it
 * can be printed, logged, shown in a read-only view or written as JSON.
 */
/** `skipped`: not looked up because the run was cancelled first. */
export type ReferenceStatus = 'ok' | 'secret-not-found' | 'field-not-found' | 'provider-unavailable' | 'error' | 'skipped';

/**
 * executed: every reference resolved and the node ran (or would run, in a dry run);
 * blocked: a reference failed or is malformed, so the node was not executed;
 * failed: it resolved but the executor threw; skipped: the run was cancelled before it.
 */
export type NodeStatus = 'executed' | 'blocked' | 'failed' | 'skipped';

export interface ReferenceResolution {
  /** The reference as written in the file, e.g. `{{ secrets.stripe.value }}`. */
  reference: string;
  name: string;
  field: string;
  status: ReferenceStatus;
  /** Where the secret came from (local vault, a provider, or the local vault as a fallback). */
  from?: ResolvedFrom;
  /** Why it failed, naming where it looked or the fields the secret has. Never a value. */
  message?: string;
  /** 1-based position of the reference in the file. */
  line: number;
  column: number;
  path: JsonPath;
}

export interface MalformedInNode {
  code: MalformedCode;
  message: string;
  /** The malformed text as written. */
  text: string;
  line: number;
  column: number;
  path: JsonPath;
}

export interface NodeResolution {
  index: number;
  id: string;
  name?: string;
  type?: string;
  /** 1-based line of the node in the file. */
  line: number;
  status: NodeStatus;
  references: ReferenceResolution[];
  malformed: MalformedInNode[];
  /** Why the node was blocked, failed or skipped. */
  message?: string;
}

export interface ResolutionTotals {
  nodes: number;
  executed: number;
  blocked: number;
  failed: number;
  skipped: number;
  references: number;
  resolved: number;
  unresolved: number;
  malformed: number;
  /** References served by the local vault because a provider was unavailable. */
  fallbacks: number;
}

export interface ResolutionReport {
  workflow?: string;
  format: WorkflowFormat;
  /** True when no executor was given: "executed" then means "resolved and ready to run". */
  dryRun: boolean;
  cancelled: boolean;
  nodes: NodeResolution[];
  totals: ResolutionTotals;
  /** Distinct secrets fetched: each at most once per run, however many nodes use it. */
  lookups: number;
}

/** True when every node ran (or would run): the CLI's exit code 0. */
export function reportSucceeded(report: ResolutionReport): boolean {
  return !report.cancelled && report.totals.blocked === 0 && report.totals.failed === 0 && report.totals.skipped === 0;
}

/** Where a reference came from, in words. */
export function describeSource(from: ResolvedFrom): string {
  if (from.kind === 'provider') return `provider "${from.provider}"`;
  if (from.fallbackFrom) return `local vault (fallback: provider "${from.fallbackFrom.provider}" unavailable: ${from.fallbackFrom.reason})`;
  return 'local vault';
}

const STATUS_TEXT: Record<ReferenceStatus, string> = {
  ok: 'ok',
  'secret-not-found': 'secret not found',
  'field-not-found': 'field not found',
  'provider-unavailable': 'provider unavailable',
  error: 'error',
  skipped: 'not looked up',
};

function nodeHeading(node: NodeResolution, dryRun: boolean): string {
  const label = [node.id, node.name && node.name !== node.id ? `"${node.name}"` : undefined, node.type ? `(${node.type})` : undefined]
    .filter(Boolean)
    .join(' ');
  const status =
    node.status === 'executed' ? (dryRun ? 'ready (would execute)' : 'executed') : node.status === 'blocked' ? 'BLOCKED (not executed)' : node.status.toUpperCase();
  return `[${node.index + 1}] ${label}, line ${node.line}: ${status}`;
}

export interface RenderOptions {
  /** Shown in the first line, e.g. the workflow's file path. */
  fileName?: string;
}

/** The report as text for people: the CLI's output and the VS Code client's read-only view. */
export function renderResolutionReport(report: ResolutionReport, options: RenderOptions = {}): string {
  const t = report.totals;
  const lines: string[] = [];
  const what = [options.fileName, report.workflow ? `workflow "${report.workflow}"` : undefined].filter(Boolean).join(', ');
  lines.push(`Resolution report${what ? ` for ${what}` : ''}${report.dryRun ? ' (dry run: nothing was executed)' : ''}`);
  const counts = [`${t.nodes} node${t.nodes === 1 ? '' : 's'}`, `${t.executed} ${report.dryRun ? 'ready' : 'executed'}`, `${t.blocked} blocked`];
  if (t.failed) counts.push(`${t.failed} failed`);
  if (t.skipped) counts.push(`${t.skipped} skipped`);
  lines.push(`${counts.join(', ')}; ${t.references} reference${t.references === 1 ? '' : 's'} (${t.resolved} resolved, ${t.unresolved} unresolved${t.malformed ? `, ${t.malformed} malformed` : ''}); ${report.lookups} secret lookup${report.lookups === 1 ? '' : 's'} (one per secret, cached for the run)${t.fallbacks ? `; ${t.fallbacks} served by the local vault as a fallback` : ''}.`);
  if (report.cancelled) lines.push('The run was cancelled; the remaining nodes were skipped.');
  for (const node of report.nodes) {
    lines.push('');
    lines.push(nodeHeading(node, report.dryRun));
    if (node.references.length === 0 && node.malformed.length === 0) lines.push('    no secret references');
    for (const ref of node.references) {
      const where = ref.status === 'ok' && ref.from ? `from ${describeSource(ref.from)}` : (ref.message ?? '');
      lines.push(`    ${ref.line}:${ref.column}  ${ref.reference}  ${STATUS_TEXT[ref.status]}${where ? `: ${where}` : ''}`);
    }
    for (const bad of node.malformed) lines.push(`    ${bad.line}:${bad.column}  ${bad.text}  malformed (${bad.code}): ${bad.message}`);
    if (node.message) lines.push(`    ${node.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The report as JSON for `--json` and for tools: the same value-free structure. */
export function resolutionReportToJson(report: ResolutionReport, fileName?: string): string {
  return `${JSON.stringify(fileName === undefined ? report : { file: fileName, ...report }, null, 2)}\n`;
}
