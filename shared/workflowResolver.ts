import { describeError, WorkflowSecretsError } from './errors';
import { LineIndex } from './lineIndex';
import { scanReferences } from './referenceGrammar';
import { ResolutionCache } from './resolutionCache';
import { ReferenceOutcomes } from './resolutionOutcomes';
import { PositionCursor } from './resolutionPositions';
import type { MalformedInNode, NodeResolution, ReferenceResolution, ResolutionReport, ResolutionTotals } from './resolutionReport';
import { substituteConfig, type ValueOf } from './resolutionSubstitution';
import type { SecretLookup } from './secretLookup';
import type { JsonPath, LocatedMalformed, LocatedReference, ParsedWorkflow, WorkflowNodeInfo } from './workflowTypes';

/** A node as its executor sees it: every reference in `config` replaced by the field's value. */
export interface ExecutableNode {
  index: number;
  id: string;
  name?: string;
  type?: string;
  /**
   * Read-only (deeply frozen). Only the objects and arrays on the way to a changed string are
   * new; untouched subtrees are the parsed document's own, frozen in place, so an executor
   * cannot alter the parsed workflow. Copy it (`structuredClone`) to get a mutable config.
   */
  config: unknown;
}

export interface ResolveOptions {
  lookup: SecretLookup;
  /**
   * Runs a node whose references all resolved. Without it the run is a dry run (no config is
   * built). With it, the parts of `parsed.value` that reach the executor are frozen.
   */
  executeNode?: (node: ExecutableNode) => void | Promise<void>;
  signal?: AbortSignal;
  /** Called after each node with (nodes done, total nodes). */
  onProgress?: (done: number, total: number) => void;
}

/** Shortest value masked out of an executor's error message (shorter ones would mangle words). */
const MIN_MASKED_LENGTH = 4;

/**
 * Runs a workflow's nodes in document order. Before each node "executes", every reference in its
 * config is resolved through one cache for the whole run, so each secret is looked up once. A node
 * runs only when all its references resolved and none is malformed; otherwise it is blocked with
 * the reason per reference. The report never holds a value; only `executeNode` sees them.
 * Throws `workflow-invalid` when the document has syntax or structure problems.
 */
export async function resolveWorkflow(parsed: ParsedWorkflow, options: ResolveOptions): Promise<ResolutionReport> {
  refuseInvalid(parsed);
  const cursor = new PositionCursor(parsed.text);
  const cache = new ResolutionCache(options.lookup);
  const outcomes = new ReferenceOutcomes(cache);
  const nodeValues = nodesOf(parsed.value);
  const infos = [...parsed.nodes].sort((a, b) => a.index - b.index);
  const byNode = groupByNode(parsed);
  const results: NodeResolution[] = [];
  let cancelled = false;

  for (const info of infos) {
    const base = baseResolution(parsed.text, info, byNode.get(info.index), cursor);
    if (cancelled || options.signal?.aborted) {
      cancelled = true;
      results.push({ ...base, status: 'skipped', message: 'Skipped: the run was cancelled before this node.' });
      continue;
    }
    try {
      results.push(await resolveNode(info, nodeValues[info.index], base, outcomes, options));
    } catch (error) {
      if (!options.signal?.aborted) throw error;
      cancelled = true;
      // resolveNode fills the references in place: report them as not looked up, as before it began.
      results.push({ ...base, references: base.references.map(notLookedUp), status: 'skipped', message: 'Skipped: the run was cancelled while resolving this node.' });
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

type BaseResolution = Omit<NodeResolution, 'status'>;

interface NodeItems {
  references: LocatedReference[];
  malformed: LocatedMalformed[];
}

/** Config references and malformed ones per node index, in one pass (workflows can have 10k nodes). */
function groupByNode(parsed: ParsedWorkflow): Map<number, NodeItems> {
  const groups = new Map<number, NodeItems>();
  const groupOf = (index: number) => {
    let group = groups.get(index);
    if (!group) groups.set(index, (group = { references: [], malformed: [] }));
    return group;
  };
  for (const ref of parsed.references) if (ref.location === 'config' && ref.nodeIndex !== undefined) groupOf(ref.nodeIndex).references.push(ref);
  for (const bad of parsed.malformed) if (bad.location === 'config' && bad.nodeIndex !== undefined) groupOf(bad.nodeIndex).malformed.push(bad);
  return groups;
}

/** The node with its references not looked up yet. Positions in document order keep the cursor moving forward. */
function baseResolution(text: string, info: WorkflowNodeInfo, items: NodeItems | undefined, cursor: PositionCursor): BaseResolution {
  cursor.moveTo(info.range.start);
  const line = cursor.line;
  const references = (items?.references ?? []).map((ref): ReferenceResolution => {
    cursor.moveTo(ref.range.start);
    return { reference: text.slice(ref.range.start, ref.range.end), name: ref.name, field: ref.field, status: 'skipped', line: cursor.line, column: cursor.column, path: ref.path };
  });
  const malformed = (items?.malformed ?? []).map((bad): MalformedInNode => {
    cursor.moveTo(bad.range.start);
    return { code: bad.code, message: bad.message, text: text.slice(bad.range.start, bad.range.end), line: cursor.line, column: cursor.column, path: bad.path };
  });
  return { index: info.index, id: info.id ?? String(info.index), name: info.name, type: info.type, line, references, malformed };
}

async function resolveNode(info: WorkflowNodeInfo, nodeValue: unknown, base: BaseResolution, outcomes: ReferenceOutcomes, options: ResolveOptions): Promise<NodeResolution> {
  const config = isRecord(nodeValue) ? nodeValue.config : undefined;
  const references = base.references;
  await resolveInPlace(references, outcomes, options.signal);
  const valueOf = nodeValueOf(references, outcomes);
  const build = options.executeNode !== undefined;
  let substitution = base.malformed.length === 0 ? substituteConfig(config, valueOf, build) : undefined;
  if (substitution && substitution.missing.length > 0) {
    // Only YAML aliases get here: resolve what they repeat, then substitute again.
    const unlocated = unlocatedReferences(config, base, info.index);
    await resolveInPlace(unlocated, outcomes, options.signal);
    references.push(...unlocated);
    substitution = substituteConfig(config, nodeValueOf(references, outcomes), build);
  }
  const missing = substitution?.missing ?? [];
  let failed = 0;
  for (const ref of references) if (ref.status !== 'ok') failed++;
  if (base.malformed.length > 0 || failed > 0) {
    const reasons = [];
    if (base.malformed.length > 0) reasons.push(`the configuration has ${base.malformed.length} malformed reference${base.malformed.length === 1 ? '' : 's'} (expected {{secrets.NAME.FIELD}})`);
    if (failed > 0) reasons.push(`${failed} of ${references.length} reference${references.length === 1 ? '' : 's'} could not be resolved`);
    return { ...base, references, status: 'blocked', message: `Blocked: ${reasons.join(' and ')}; the node was not executed.` };
  }
  if (missing.length > 0) {
    // The parser and the scanner disagree about a string: refuse rather than run half-resolved.
    return { ...base, references, status: 'blocked', message: `Blocked: the reference(s) ${missing.join(', ')} in the configuration were not located in the file; the node was not executed.` };
  }
  if (options.executeNode) {
    try {
      await options.executeNode({ index: info.index, id: base.id, name: info.name, type: info.type, config: substitution?.config });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      return { ...base, references, status: 'failed', message: `Failed: the node's execution threw: ${maskValues(describeError(error), valuesOf(references, outcomes))}` };
    }
  }
  return { ...base, references, status: 'executed' };
}

/** Sets each reference's status, source and message. Awaits only references not resolved before in the run. */
async function resolveInPlace(references: ReferenceResolution[], outcomes: ReferenceOutcomes, signal: AbortSignal | undefined): Promise<void> {
  for (const ref of references) {
    const outcome = outcomes.peek(ref.name, ref.field) ?? (await outcomes.resolve(ref.name, ref.field, signal));
    ref.status = outcome.status;
    // The same keys, in the same order, as the report always had: from, then message.
    if (outcome.status === 'ok' || outcome.status === 'field-not-found') ref.from = outcome.from;
    if (outcome.message !== undefined) ref.message = outcome.message;
  }
}

/** A node may use the values of its own resolved references only (not those of earlier nodes). */
function nodeValueOf(references: ReferenceResolution[], outcomes: ReferenceOutcomes): ValueOf {
  if (references.length > 8) {
    const own = new Set(references.filter((ref) => ref.status === 'ok').map((ref) => referenceKey(ref.name, ref.field)));
    return (name, field) => (own.has(referenceKey(name, field)) ? outcomes.peek(name, field)?.value : undefined);
  }
  return (name, field) => {
    for (const ref of references) if (ref.status === 'ok' && ref.name === name && ref.field === field) return outcomes.peek(name, field)?.value;
    return undefined;
  };
}

function valuesOf(references: ReferenceResolution[], outcomes: ReferenceOutcomes): string[] {
  const values: string[] = [];
  for (const ref of references) {
    const value = ref.status === 'ok' ? outcomes.peek(ref.name, ref.field)?.value : undefined;
    if (value !== undefined) values.push(value);
  }
  return values;
}

function notLookedUp(ref: ReferenceResolution): ReferenceResolution {
  return { reference: ref.reference, name: ref.name, field: ref.field, status: 'skipped', line: ref.line, column: ref.column, path: ref.path };
}

/**
 * References the data holds but the source does not place in this node: YAML aliases (`*auth`)
 * repeat an anchor's string, which the parser reports once, at the anchor. They still resolve;
 * the report places them at the node.
 */
function unlocatedReferences(config: unknown, base: BaseResolution, nodeIndex: number): ReferenceResolution[] {
  const located = new Set(base.references.map((ref) => `${ref.path.join('\u0000')}\u0001${referenceKey(ref.name, ref.field)}`));
  const found: ReferenceResolution[] = [];
  const visit = (value: unknown, path: JsonPath): void => {
    if (typeof value === 'string') {
      for (const ref of scanReferences(value).references) {
        if (located.has(`${path.join('\u0000')}\u0001${referenceKey(ref.name, ref.field)}`)) continue;
        found.push({ reference: value.slice(ref.start, ref.end), name: ref.name, field: ref.field, status: 'skipped', line: base.line, column: 1, path });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(config, ['nodes', nodeIndex, 'config']);
  return found;
}

/** Masks resolved values out of an executor's message: executors may echo their input. */
function maskValues(message: string, values: string[]): string {
  let masked = message;
  const sorted = [...new Set(values)].sort((a, b) => b.length - a.length);
  for (const value of sorted) {
    if (value.length >= MIN_MASKED_LENGTH || masked === value) masked = masked.split(value).join('********');
  }
  return masked;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function referenceKey(name: string, field: string): string {
  return `${name}\u0000${field}`;
}

/** The references a node's config will resolve (for callers that want to preview them). */
export function configReferencesOf(parsed: ParsedWorkflow, nodeIndex: number): LocatedReference[] {
  return parsed.references.filter((ref) => ref.location === 'config' && ref.nodeIndex === nodeIndex);
}
