import { describeError } from './errors';
import { scanReferences } from './referenceGrammar';
import { ResolutionCache } from './resolutionCache';
import { ReferenceOutcomes, type ReferenceOutcome } from './resolutionOutcomes';
import { PositionCursor } from './resolutionPositions';
import type { MalformedInNode, NodeResolution, NodeStatus, ReferenceResolution } from './resolutionReport';
import { ConfigSubstitution } from './resolutionSubstitution';
import { maskValues, OwnValues, type Resolved } from './resolutionValues';
import type { SecretLookup } from './secretLookup';
import type { ResolveOptions } from './workflowResolver';
import type { JsonPath, LocatedMalformed, LocatedReference, WorkflowNodeInfo } from './workflowTypes';

/** What one run shares across its nodes (which it resolves one at a time, so the helpers are reused). */
export interface NodeRun {
  text: string;
  cursor: PositionCursor;
  outcomes: ReferenceOutcomes;
  options: ResolveOptions;
  substitution: ConfigSubstitution;
  values: OwnValues;
  resolved: Resolved;
  groups: NodeGroups;
}

export function startRun(text: string, groups: NodeGroups, cache: ResolutionCache, options: ResolveOptions): NodeRun {
  return {
    text,
    groups,
    cursor: new PositionCursor(text),
    outcomes: new ReferenceOutcomes(cache),
    options,
    substitution: new ConfigSubstitution(options.executeNode !== undefined),
    values: new OwnValues(),
    resolved: { references: [], outcomes: [] },
  };
}

/**
 * The parser's config references and malformed references, ordered by node: node i's are
 * `references[referenceStarts[i]]` up to `references[referenceStarts[i + 1]]` (and likewise for
 * malformed). Ranges, not an array per node: a 10k-node run would make 10k of them.
 */
export interface NodeGroups {
  references: LocatedReference[];
  referenceStarts: Int32Array;
  malformed: LocatedMalformed[];
  malformedStarts: Int32Array;
}

/**
 * Resolves, substitutes and executes one node. Synchronous while every reference was resolved
 * earlier in the run and the executor returns no promise (the common case in a big workflow, where
 * a few hundred secrets serve thousands of nodes); a promise otherwise. Each report entry is built
 * once, in its final shape, with positions from the run's forward cursor.
 */
export function resolveNode(run: NodeRun, info: WorkflowNodeInfo, nodeValue: unknown): NodeResolution | Promise<NodeResolution> {
  run.cursor.moveTo(info.range.start);
  const line = run.cursor.line;
  const { references: located, referenceStarts } = run.groups;
  const start = referenceStarts[info.index] ?? 0;
  const end = referenceStarts[info.index + 1] ?? start;
  // Sized up front: a pushed-to empty array reserves room for 16, and a report keeps 10k of them.
  const resolved = run.resolved;
  resolved.references = new Array<ReferenceResolution>(end - start);
  resolved.outcomes.length = 0;
  for (let index = start; index < end; index++) {
    const ref = located[index] as LocatedReference;
    const outcome = run.outcomes.peek(ref.name, ref.field);
    if (!outcome) return resolveRest(run, info, nodeValue, line, resolved, index);
    resolved.references[index - start] = locatedResolution(run, ref, outcome);
    resolved.outcomes[index - start] = outcome;
  }
  return substituteAndRun(run, info, nodeValue, line, resolved);
}

/** The node as skipped by a cancelled run: its references not looked up. */
export function skippedNode(run: NodeRun, info: WorkflowNodeInfo, message: string): NodeResolution {
  run.cursor.moveTo(info.range.start);
  const line = run.cursor.line;
  const { references: located, referenceStarts } = run.groups;
  const references: ReferenceResolution[] = [];
  const end = referenceStarts[info.index + 1] ?? 0;
  for (let index = referenceStarts[info.index] ?? 0; index < end; index++) references.push(locatedResolution(run, located[index] as LocatedReference, undefined));
  return nodeResolution(info, line, references, malformedOf(run, info), 'skipped', message);
}

async function resolveRest(
  run: NodeRun,
  info: WorkflowNodeInfo,
  nodeValue: unknown,
  line: number,
  resolved: Resolved,
  from: number,
): Promise<NodeResolution> {
  const { references: located, referenceStarts } = run.groups;
  const start = referenceStarts[info.index] ?? 0;
  const end = referenceStarts[info.index + 1] ?? start;
  for (let index = from; index < end; index++) {
    const ref = located[index] as LocatedReference;
    const outcome = run.outcomes.peek(ref.name, ref.field) ?? (await run.outcomes.resolve(ref.name, ref.field, run.options.signal));
    resolved.references[index - start] = locatedResolution(run, ref, outcome);
    resolved.outcomes[index - start] = outcome;
  }
  return substituteAndRun(run, info, nodeValue, line, resolved);
}

function substituteAndRun(
  run: NodeRun,
  info: WorkflowNodeInfo,
  nodeValue: unknown,
  line: number,
  resolved: Resolved,
): NodeResolution | Promise<NodeResolution> {
  const malformed = malformedOf(run, info);
  if (malformed.length > 0) return conclude(run, info, line, resolved, malformed, undefined);
  const config = isRecord(nodeValue) ? nodeValue.config : undefined;
  const substituted = run.substitution.apply(config, run.values.of(resolved));
  if (run.substitution.missing.length > 0) return withUnlocated(run, info, config, line, resolved);
  return conclude(run, info, line, resolved, malformed, substituted);
}

/** Only YAML aliases get here: resolve what they repeat, then substitute again. */
async function withUnlocated(run: NodeRun, info: WorkflowNodeInfo, config: unknown, line: number, resolved: Resolved): Promise<NodeResolution> {
  for (const ref of unlocatedReferences(config, resolved.references, info.index)) {
    const outcome = run.outcomes.peek(ref.name, ref.field) ?? (await run.outcomes.resolve(ref.name, ref.field, run.options.signal));
    // The report places them at the node.
    resolved.references.push(resolutionOf(ref.reference, ref.name, ref.field, line, 1, ref.path, outcome));
    resolved.outcomes.push(outcome);
  }
  const substituted = run.substitution.apply(config, run.values.of(resolved));
  return conclude(run, info, line, resolved, [], substituted);
}

// No closures on the synchronous per-node path: under tsx (tests, benchmarks) each one made costs a `__name` call.
function conclude(
  run: NodeRun,
  info: WorkflowNodeInfo,
  line: number,
  resolved: Resolved,
  malformed: MalformedInNode[],
  /** The substituted config; not worked out when the node has malformed references. */
  config: unknown,
): NodeResolution | Promise<NodeResolution> {
  const references = resolved.references;
  let failed = 0;
  for (const ref of references) if (ref.status !== 'ok') failed++;
  if (malformed.length > 0 || failed > 0) {
    const reasons = [];
    if (malformed.length > 0) reasons.push(`the configuration has ${malformed.length} malformed reference${malformed.length === 1 ? '' : 's'} (expected {{secrets.NAME.FIELD}})`);
    if (failed > 0) reasons.push(`${failed} of ${references.length} reference${references.length === 1 ? '' : 's'} could not be resolved`);
    return nodeResolution(info, line, references, malformed, 'blocked', `Blocked: ${reasons.join(' and ')}; the node was not executed.`);
  }
  // Malformed references return above, so `missing` is this node's.
  const missing = run.substitution.missing;
  if (missing.length > 0) {
    // The parser and the scanner disagree about a string: refuse rather than run half-resolved.
    const message = `Blocked: the reference(s) ${missing.join(', ')} in the configuration were not located in the file; the node was not executed.`;
    return nodeResolution(info, line, references, malformed, 'blocked', message);
  }
  const execute = run.options.executeNode;
  if (!execute) return nodeResolution(info, line, references, malformed, 'executed');
  let ran: unknown;
  try {
    // Not a direct call: optimized code would be tied to this run's executor and thrown away with it.
    ran = Reflect.apply(execute, run.options, [{ index: info.index, id: info.id ?? String(info.index), name: info.name, type: info.type, config }]);
  } catch (error) {
    return executionFailed(run, info, line, resolved, malformed, error);
  }
  if (!isThenable(ran)) return nodeResolution(info, line, references, malformed, 'executed');
  return Promise.resolve(ran).then(
    () => nodeResolution(info, line, references, malformed, 'executed'),
    (error: unknown) => executionFailed(run, info, line, resolved, malformed, error),
  );
}

/** The executor threw: the node failed, with every resolved value masked out of the message. A cancelled run rethrows. */
function executionFailed(run: NodeRun, info: WorkflowNodeInfo, line: number, resolved: Resolved, malformed: MalformedInNode[], error: unknown): NodeResolution {
  if (run.options.signal?.aborted) throw error;
  const values: string[] = [];
  for (const outcome of resolved.outcomes) if (outcome.value !== undefined) values.push(outcome.value);
  const message = `Failed: the node's execution threw: ${maskValues(describeError(error), values)}`;
  return nodeResolution(info, line, resolved.references, malformed, 'failed', message);
}

function nodeResolution(info: WorkflowNodeInfo, line: number, references: ReferenceResolution[], malformed: MalformedInNode[], status: NodeStatus, message?: string): NodeResolution {
  const node: NodeResolution = { index: info.index, id: info.id ?? String(info.index), name: info.name, type: info.type, line, references, malformed, status };
  if (message !== undefined) node.message = message;
  return node;
}

function locatedResolution(run: NodeRun, ref: LocatedReference, outcome: ReferenceOutcome | undefined): ReferenceResolution {
  run.cursor.moveTo(ref.range.start);
  return resolutionOf(run.text.slice(ref.range.start, ref.range.end), ref.name, ref.field, run.cursor.line, run.cursor.column, ref.path, outcome);
}

/** One literal per shape, keys in the order the report has always had (from, then message). */
function resolutionOf(reference: string, name: string, field: string, line: number, column: number, path: JsonPath, outcome: ReferenceOutcome | undefined): ReferenceResolution {
  if (!outcome) return { reference, name, field, status: 'skipped', line, column, path };
  switch (outcome.status) {
    case 'ok':
      return { reference, name, field, status: 'ok', line, column, path, from: outcome.from };
    case 'field-not-found':
      return { reference, name, field, status: 'field-not-found', line, column, path, from: outcome.from, message: outcome.message };
    default:
      return { reference, name, field, status: outcome.status, line, column, path, message: outcome.message };
  }
}

function malformedOf(run: NodeRun, info: WorkflowNodeInfo): MalformedInNode[] {
  const malformed: MalformedInNode[] = [];
  const { malformed: located, malformedStarts } = run.groups;
  const end = malformedStarts[info.index + 1] ?? 0;
  for (let index = malformedStarts[info.index] ?? 0; index < end; index++) {
    const bad = located[index] as LocatedMalformed;
    run.cursor.moveTo(bad.range.start);
    malformed.push({ code: bad.code, message: bad.message, text: run.text.slice(bad.range.start, bad.range.end), line: run.cursor.line, column: run.cursor.column, path: bad.path });
  }
  return malformed;
}

interface Unlocated {
  reference: string;
  name: string;
  field: string;
  path: JsonPath;
}

/**
 * References the data holds but the source does not place in this node: YAML aliases (`*auth`)
 * repeat an anchor's string, which the parser reports once, at the anchor.
 */
function unlocatedReferences(config: unknown, located: ReferenceResolution[], nodeIndex: number): Unlocated[] {
  const key = (path: JsonPath, name: string, field: string) => `${path.join('\u0000')}\u0001${name}\u0000${field}`;
  const known = new Set(located.map((ref) => key(ref.path, ref.name, ref.field)));
  const found: Unlocated[] = [];
  const visit = (value: unknown, path: JsonPath): void => {
    if (typeof value === 'string') {
      for (const ref of scanReferences(value).references) {
        if (!known.has(key(path, ref.name, ref.field))) found.push({ reference: value.slice(ref.start, ref.end), name: ref.name, field: ref.field, path });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
    } else if (isRecord(value)) {
      for (const [name, item] of Object.entries(value)) visit(item, [...path, name]);
    }
  };
  visit(config, ['nodes', nodeIndex, 'config']);
  return found;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One run's helpers, made at load (after the classes above) and kept for the life of the module
 * (exported only so that it stays reachable). V8 frees a class's hidden class (its "map") in a
 * full garbage collection that finds no instance of it, and discards every optimized function that
 * checks for it. Without these, each resolution after such a collection (an idle extension host,
 * a benchmark that collects before each run) would start unoptimized: twice as slow on 10k nodes.
 */
const NO_LOOKUP: SecretLookup = { lookup: async () => ({ status: 'notFound', searched: [] }) };
export const keptShapes: NodeRun = startRun('', { references: [], referenceStarts: new Int32Array(1), malformed: [], malformedStarts: new Int32Array(1) }, new ResolutionCache(NO_LOOKUP), {
  lookup: NO_LOOKUP,
});
