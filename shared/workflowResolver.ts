import { describeError, WorkflowSecretsError } from './errors';
import { LineIndex } from './lineIndex';
import { scanReferences, unescapeLiteral } from './referenceGrammar';
import { ResolutionCache } from './resolutionCache';
import type { MalformedInNode, NodeResolution, ReferenceResolution, ResolutionReport, ResolutionTotals } from './resolutionReport';
import type { SecretLookup, SecretLookupResult } from './secretLookup';
import { fieldAsString, presentFieldNames } from './secretTypes';
import type { JsonPath, LocatedMalformed, LocatedReference, ParsedWorkflow, WorkflowNodeInfo } from './workflowTypes';

/** A node as its executor sees it: every reference in `config` replaced by the field's value. */
export interface ExecutableNode {
  index: number;
  id: string;
  name?: string;
  type?: string;
  config: unknown;
}

export interface ResolveOptions {
  lookup: SecretLookup;
  /** Runs a node whose references all resolved. Without it the run is a dry run. */
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
  const lines = new LineIndex(parsed.text);
  const position = (offset: number) => {
    const { line, character } = lines.positionAt(offset);
    return { line: line + 1, column: character + 1 };
  };
  const cache = new ResolutionCache(options.lookup);
  const nodeValues = nodesOf(parsed.value);
  const infos = [...parsed.nodes].sort((a, b) => a.index - b.index);
  const byNode = groupByNode(parsed);
  const results: NodeResolution[] = [];
  let cancelled = false;

  for (const info of infos) {
    const base = baseResolution(parsed, info, byNode.get(info.index), position);
    if (cancelled || options.signal?.aborted) {
      cancelled = true;
      results.push({ ...base, status: 'skipped', message: 'Skipped: the run was cancelled before this node.' });
      continue;
    }
    try {
      results.push(await resolveNode(parsed, info, nodeValues[info.index], base, cache, options));
    } catch (error) {
      if (!options.signal?.aborted) throw error;
      cancelled = true;
      results.push({ ...base, status: 'skipped', message: 'Skipped: the run was cancelled while resolving this node.' });
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

type Positioner = (offset: number) => { line: number; column: number };
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

function baseResolution(parsed: ParsedWorkflow, info: WorkflowNodeInfo, items: NodeItems | undefined, position: Positioner): BaseResolution {
  const references = (items?.references ?? []).map(
    (ref): ReferenceResolution => ({
      reference: parsed.text.slice(ref.range.start, ref.range.end),
      name: ref.name,
      field: ref.field,
      status: 'skipped',
      ...position(ref.range.start),
      path: ref.path,
    }),
  );
  const malformed = (items?.malformed ?? []).map(
    (bad): MalformedInNode => ({ code: bad.code, message: bad.message, text: parsed.text.slice(bad.range.start, bad.range.end), ...position(bad.range.start), path: bad.path }),
  );
  return {
    index: info.index,
    id: info.id ?? String(info.index),
    name: info.name,
    type: info.type,
    line: position(info.range.start).line,
    references,
    malformed,
  };
}

async function resolveNode(
  parsed: ParsedWorkflow,
  info: WorkflowNodeInfo,
  nodeValue: unknown,
  base: BaseResolution,
  cache: ResolutionCache,
  options: ResolveOptions,
): Promise<NodeResolution> {
  const config = isRecord(nodeValue) ? nodeValue.config : undefined;
  const values = new Map<string, string>();
  const references = await resolveAll(base.references, values, cache, options.signal);
  let missing: string[] = [];
  let resolvedConfig = base.malformed.length === 0 ? substitute(config, values, missing) : undefined;
  if (missing.length > 0) {
    // Only YAML aliases get here: resolve what they repeat, then substitute again.
    references.push(...(await resolveAll(unlocatedReferences(config, base, info.index), values, cache, options.signal)));
    missing = [];
    resolvedConfig = substitute(config, values, missing);
  }
  const failed = references.filter((ref) => ref.status !== 'ok').length;
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
      await options.executeNode({ index: info.index, id: base.id, name: info.name, type: info.type, config: resolvedConfig });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      return { ...base, references, status: 'failed', message: `Failed: the node's execution threw: ${maskValues(describeError(error), values)}` };
    }
  }
  return { ...base, references, status: 'executed' };
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

async function resolveAll(
  refs: ReferenceResolution[],
  values: Map<string, string>,
  cache: ResolutionCache,
  signal: AbortSignal | undefined,
): Promise<ReferenceResolution[]> {
  const resolutions: ReferenceResolution[] = [];
  for (const ref of refs) {
    const outcome = classify(ref, await cache.get(ref.name, signal));
    if (outcome.value !== undefined) values.set(referenceKey(ref.name, ref.field), outcome.value);
    resolutions.push(outcome.resolution);
  }
  return resolutions;
}

function classify(ref: ReferenceResolution, result: SecretLookupResult): { resolution: ReferenceResolution; value?: string } {
  switch (result.status) {
    case 'found': {
      const value = fieldAsString(result.data, ref.field);
      if (value === undefined) {
        const fields = presentFieldNames(result.data);
        return {
          resolution: {
            ...ref,
            status: 'field-not-found',
            from: result.from,
            message: `Secret "${ref.name}" (${result.type}) has no field "${ref.field}"; its fields are: ${fields.join(', ') || 'none'}.`,
          },
        };
      }
      return { resolution: { ...ref, status: 'ok', from: result.from }, value };
    }
    case 'notFound':
      return { resolution: { ...ref, status: 'secret-not-found', message: `Secret "${ref.name}" was not found; looked in: ${result.searched.join(', ') || 'no configured store'}.` } };
    case 'unavailable':
      return {
        resolution: {
          ...ref,
          status: 'provider-unavailable',
          message: `Provider "${result.provider}" is unavailable (${result.reason}) and the local vault has no copy of "${ref.name}".`,
        },
      };
    case 'error':
      return { resolution: { ...ref, status: 'error', message: `Looking up secret "${ref.name}" failed: ${result.message}` } };
  }
}

/** A copy of `value` with each reference in its strings replaced and literal escapes undone. */
function substitute(value: unknown, values: Map<string, string>, missing: string[]): unknown {
  if (typeof value === 'string') return substituteString(value, values, missing);
  if (Array.isArray(value)) return value.map((item) => substitute(item, values, missing));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, values, missing)]));
  }
  return value;
}

function substituteString(text: string, values: Map<string, string>, missing: string[]): string {
  const { references } = scanReferences(text);
  if (references.length === 0) return unescapeLiteral(text);
  let result = '';
  let last = 0;
  for (const ref of [...references].sort((a, b) => a.start - b.start)) {
    const value = values.get(referenceKey(ref.name, ref.field));
    if (value === undefined) missing.push(`{{secrets.${ref.name}.${ref.field}}}`);
    result += unescapeLiteral(text.slice(last, ref.start)) + (value ?? '');
    last = ref.end;
  }
  return result + unescapeLiteral(text.slice(last));
}

/** Masks resolved values out of an executor's message: executors may echo their input. */
function maskValues(message: string, values: Map<string, string>): string {
  let masked = message;
  const sorted = [...new Set(values.values())].sort((a, b) => b.length - a.length);
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

function totalsOf(nodes: NodeResolution[]): ResolutionTotals {
  const refs = nodes.flatMap((node) => node.references);
  const count = (status: NodeResolution['status']) => nodes.filter((node) => node.status === status).length;
  return {
    nodes: nodes.length,
    executed: count('executed'),
    blocked: count('blocked'),
    failed: count('failed'),
    skipped: count('skipped'),
    references: refs.length,
    resolved: refs.filter((ref) => ref.status === 'ok').length,
    unresolved: refs.filter((ref) => ref.status !== 'ok' && ref.status !== 'skipped').length,
    malformed: nodes.reduce((sum, node) => sum + node.malformed.length, 0),
    fallbacks: refs.filter((ref) => ref.status === 'ok' && ref.from?.kind === 'local' && ref.from.fallbackFrom !== undefined).length,
  };
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
