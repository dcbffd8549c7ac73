import { WorkflowSecretsError } from './errors';
import { LineIndex } from './lineIndex';
import { ResolutionCache } from './resolutionCache';
import { isRecord, resolveNode, skippedNode, startRun, type NodeGroups } from './resolutionNode';
import type { NodeResolution, ResolutionReport, ResolutionTotals } from './resolutionReport';
import type { SecretLookup } from './secretLookup';
import type { LocatedReference, ParsedWorkflow } from './workflowTypes';

/** A node as its executor sees it: every reference in `config` replaced by the field's value. */
export interface ExecutableNode {
  index: number;
  id: string;
  name?: string;
  type?: string;
  /** A copy of the node's config of its own: changing it changes neither the parsed document nor another node. */
  config: unknown;
}

export interface ResolveOptions {
  lookup: SecretLookup;
  /** Runs a node whose references all resolved. Without it the run is a dry run (no config is copied). */
  executeNode?: (node: ExecutableNode) => void | Promise<void>;
  signal?: AbortSignal;
  /** Called after each node with (nodes done, total nodes). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs a workflow's nodes in document order. Before each node "executes", every reference in its
 * config is resolved through one cache for the whole run, so each secret is looked up once. A node
 * runs only when all its references resolved and none is malformed; otherwise it is blocked with
 * the reason per reference. The report never holds a value; only `executeNode` sees them.
 * Throws `workflow-invalid` when the document has syntax or structure problems.
 */
export async function resolveWorkflow(parsed: ParsedWorkflow, options: ResolveOptions): Promise<ResolutionReport> {
  refuseInvalid(parsed);
  const cache = new ResolutionCache(options.lookup);
  const run = startRun(parsed.text, groupByNode(parsed), cache, options);
  const nodeValues = nodesOf(parsed.value);
  const infos = [...parsed.nodes].sort((a, b) => a.index - b.index);
  const results: NodeResolution[] = [];
  let cancelled = false;

  for (const info of infos) {
    if (cancelled || options.signal?.aborted) {
      cancelled = true;
      results.push(skippedNode(run, info, 'Skipped: the run was cancelled before this node.'));
      continue;
    }
    try {
      const node = resolveNode(run, info, nodeValues[info.index]);
      // Awaited only when it has to be: most nodes of a big workflow resolve from the run's outcomes.
      results.push(node instanceof Promise ? await node : node);
    } catch (error) {
      if (!options.signal?.aborted) throw error;
      cancelled = true;
      results.push(skippedNode(run, info, 'Skipped: the run was cancelled while resolving this node.'));
    }
    options.onProgress?.(results.length, infos.length);
  }

  return {
    workflow: parsed.name,
    format: parsed.format,
    dryRun: !options.executeNode,
    cancelled,
    nodes: results,
    totals: totalsOf(results),
    lookups: cache.size,
  };
}

/** Config references and malformed ones by node index, in two passes of a counting sort (workflows can have 10k nodes). */
function groupByNode(parsed: ParsedWorkflow): NodeGroups {
  const size = parsed.nodes.length;
  const references = byNode(parsed.references, size);
  const malformed = byNode(parsed.malformed, size);
  return { references: references.items, referenceStarts: references.starts, malformed: malformed.items, malformedStarts: malformed.starts };
}

/** `items` inside node configs, in document order within each node; node i's run from `starts[i]` to `starts[i + 1]`. */
function byNode<T extends { location: string; nodeIndex?: number }>(all: T[], size: number): { items: T[]; starts: Int32Array } {
  const starts = new Int32Array(size + 1);
  let count = 0;
  for (const item of all) {
    if (item.location === 'config' && item.nodeIndex !== undefined && item.nodeIndex < size) {
      starts[item.nodeIndex + 1]! += 1;
      count++;
    }
  }
  for (let index = 0; index < size; index++) starts[index + 1]! += starts[index]!;
  const items = new Array<T>(count);
  const next = starts.slice(0, size);
  for (const item of all) {
    if (item.location === 'config' && item.nodeIndex !== undefined && item.nodeIndex < size) items[next[item.nodeIndex]!++] = item;
  }
  return { items, starts };
}

function refuseInvalid(parsed: ParsedWorkflow): void {
  if (parsed.problems.length === 0) return;
  const lines = new LineIndex(parsed.text);
  const listed = parsed.problems.slice(0, 3).map((problem) => {
    const { line, character } = lines.positionAt(problem.range.start);
    return `line ${line + 1}, column ${character + 1}: ${problem.message.replace(/\.$/, '')}`;
  });
  const more = parsed.problems.length > 3 ? ` (and ${parsed.problems.length - 3} more)` : '';
  throw new WorkflowSecretsError(
    'workflow-invalid',
    `The workflow cannot be resolved: it has ${parsed.problems.length} ${parsed.problems.some((p) => p.code === 'syntax') ? 'syntax or structure' : 'structure'} problem${parsed.problems.length === 1 ? '' : 's'}: ${listed.join('; ')}${more}.`,
    'Fix the file (`workflow-secrets check FILE` lists every problem) and resolve again.',
  );
}

/** One pass over nodes and references: a 10k-node report has some 20k references. */
function totalsOf(nodes: NodeResolution[]): ResolutionTotals {
  const totals: ResolutionTotals = { nodes: nodes.length, executed: 0, blocked: 0, failed: 0, skipped: 0, references: 0, resolved: 0, unresolved: 0, malformed: 0, fallbacks: 0 };
  for (const node of nodes) {
    totals[node.status] += 1;
    totals.references += node.references.length;
    totals.malformed += node.malformed.length;
    for (const ref of node.references) {
      if (ref.status === 'ok') {
        totals.resolved += 1;
        if (ref.from?.kind === 'local' && ref.from.fallbackFrom !== undefined) totals.fallbacks += 1;
      } else if (ref.status !== 'skipped') {
        totals.unresolved += 1;
      }
    }
  }
  return totals;
}

function nodesOf(value: unknown): unknown[] {
  return isRecord(value) && Array.isArray(value.nodes) ? value.nodes : [];
}

/** The references a node's config will resolve (for callers that want to preview them). */
export function configReferencesOf(parsed: ParsedWorkflow, nodeIndex: number): LocatedReference[] {
  return parsed.references.filter((ref) => ref.location === 'config' && ref.nodeIndex === nodeIndex);
}
