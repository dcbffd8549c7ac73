import { LineIndex } from './lineIndex';
import { scanReferences, type ScannedReference, type ScanResult } from './referenceGrammar';
import type {
  JsonPath,
  LocatedMalformed,
  LocatedReference,
  ParsedWorkflow,
  ReferenceLocation,
  TextRange,
  WorkflowFormat,
  WorkflowNodeInfo,
  WorkflowProblem,
} from './workflowTypes';

/**
 * What the JSON and YAML front ends hand over: plain data, syntax problems, the strings that may
 * hold references (with a way back to the source) and the ranges of the values that make a
 * workflow. The checks shared by both formats happen here.
 */
export interface StringSite {
  /** The decoded string (what the document means). */
  value: string;
  path: JsonPath;
  isKey: boolean;
  /** Source range of the decoded text [start, end); the smallest covering range when not contiguous. */
  locate(start: number, end: number): TextRange;
}

export interface NodeRanges {
  range?: TextRange;
  id?: TextRange;
  type?: TextRange;
  name?: TextRange;
  config?: TextRange;
}

/** Where the ranges of `nodes`, each node and its id/type/name/config values are read from. */
export interface NodeRangeSource {
  readonly nodes?: TextRange;
  /** The range of `nodes[index]` (`range`) or of its id/type/name/config value. */
  rangeOf(index: number, field: keyof NodeRanges): TextRange | undefined;
}

/** Collects the ranges of `nodes`, each node and its id/type/name/config values. */
export class WorkflowRanges implements NodeRangeSource {
  nodes?: TextRange;
  readonly items: NodeRanges[] = [];

  /** True for the paths whose ranges are kept: cheap enough to call for every value. */
  static wants(path: JsonPath): boolean {
    return path.length <= 3 && path.length > 0 && path[0] === 'nodes' && (path.length === 1 || typeof path[1] === 'number');
  }

  record(path: JsonPath, range: TextRange): void {
    if (!WorkflowRanges.wants(path)) return;
    if (path.length === 1) {
      this.nodes = range;
      return;
    }
    const index = path[1] as number;
    const item = (this.items[index] ??= {});
    if (path.length === 2) item.range = range;
    else if (path[2] === 'id' || path[2] === 'type' || path[2] === 'name' || path[2] === 'config') item[path[2]] = range;
  }

  rangeOf(index: number, field: keyof NodeRanges): TextRange | undefined {
    return this.items[index]?.[field];
  }
}

export interface RawWorkflow {
  value: unknown;
  /** The root value's range (the whole text when there is none). */
  root: TextRange;
  /** Syntax problems, and structure problems only the front end can see (several YAML documents, ...). */
  problems: WorkflowProblem[];
  /** Strings whose decoded value contains `{{`; others cannot hold a reference. */
  strings: StringSite[];
  /**
   * References a front end already located, in document order (the JSON fast path does it while it
   * scans, so it keeps no string sites); taken as they are, before any from `strings`.
   */
  located?: { references: LocatedReference[]; malformed: LocatedMalformed[] };
  ranges: NodeRangeSource;
}

/**
 * `scanReferences` once per distinct string of a document: the same text (`Bearer {{secrets.api.token}}`)
 * recurs from node to node, and a scan result is only read, so occurrences share it (and its names).
 */
export class ReferenceScans {
  private readonly results = new Map<string, ScanResult>();

  of(text: string): ScanResult {
    let result = this.results.get(text);
    if (result === undefined) {
      result = scanReferences(text);
      this.results.set(text, result);
    }
    return result;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Only strings inside `nodes[*].config` are resolved; keys never are. */
export function locationOf(path: JsonPath, isKey: boolean): ReferenceLocation {
  if (isKey) return 'key';
  return path.length >= 3 && path[0] === 'nodes' && typeof path[1] === 'number' && path[2] === 'config' ? 'config' : 'outsideConfig';
}

export function buildParsedWorkflow(format: WorkflowFormat, text: string, raw: RawWorkflow): ParsedWorkflow {
  const problems = [...raw.problems];
  const hasSyntaxErrors = problems.some((problem) => problem.code === 'syntax');
  const root = raw.value;
  const nodeValues = isPlainObject(root) && Array.isArray(root.nodes) ? (root.nodes as unknown[]) : undefined;
  const nodes: WorkflowNodeInfo[] = [];
  if (nodeValues) for (let index = 0; index < nodeValues.length; index++) nodes.push(nodeInfo(nodeValues[index], index, raw.ranges, raw.root));

  // With syntax errors the data is a best guess: structure complaints about it would mostly be noise.
  if (!hasSyntaxErrors) problems.push(...structureProblems(text, root, nodeValues, nodes, raw));

  // Located ones are used as they are unless strings add to them (the front end's lists stay untouched).
  const copy = raw.strings.length > 0;
  const references: LocatedReference[] = raw.located ? (copy ? raw.located.references.slice() : raw.located.references) : [];
  const malformed: LocatedMalformed[] = raw.located ? (copy ? raw.located.malformed.slice() : raw.located.malformed) : [];
  const scans = new ReferenceScans();
  for (const site of raw.strings) {
    const scan = scans.of(site.value);
    if (scan.references.length === 0 && scan.malformed.length === 0) continue;
    const node = nodeOf(site.path, nodes, nodeValues);
    locateScan(scan, site, node?.index, node?.id, references, malformed);
  }
  return {
    format,
    text,
    value: root,
    name: isPlainObject(root) && typeof root.name === 'string' ? root.name : undefined,
    nodes,
    references,
    malformed,
    problems: problems.sort((a, b) => a.range.start - b.range.start),
  };
}

/**
 * Adds what `scanReferences` found in one string, located in the source, to `references` and
 * `malformed`. `nodeIndex` and `nodeId` name the node the string is in, when it is in one.
 */
export function locateScan(
  scan: ScanResult,
  site: StringSite,
  nodeIndex: number | undefined,
  nodeId: string | undefined,
  references: LocatedReference[],
  malformed: LocatedMalformed[],
): void {
  const location = locationOf(site.path, site.isKey);
  for (const found of scan.references) references.push(locatedReference(found, site, location, nodeIndex, nodeId));
  for (const bad of scan.malformed) {
    const entry: LocatedMalformed = { code: bad.code, message: bad.message, range: site.locate(bad.start, bad.end), location, path: site.path };
    if (nodeIndex !== undefined) {
      entry.nodeIndex = nodeIndex;
      if (nodeId !== undefined) entry.nodeId = nodeId;
    }
    malformed.push(entry);
  }
}

/** One object literal per shape (node fields present or not), so the common case allocates no property store. */
function locatedReference(
  found: ScannedReference,
  site: StringSite,
  location: ReferenceLocation,
  nodeIndex: number | undefined,
  nodeId: string | undefined,
): LocatedReference {
  const range = site.locate(found.start, found.end);
  const nameRange = site.locate(found.nameStart, found.nameEnd);
  const fieldRange = site.locate(found.fieldStart, found.fieldEnd);
  const { name, field } = found;
  const path = site.path;
  if (nodeIndex === undefined) return { name, field, range, nameRange, fieldRange, location, path };
  if (nodeId === undefined) return { name, field, range, nameRange, fieldRange, location, path, nodeIndex };
  return { name, field, range, nameRange, fieldRange, location, path, nodeIndex, nodeId };
}

function nodeOf(path: JsonPath, nodes: WorkflowNodeInfo[], nodeValues: unknown[] | undefined): WorkflowNodeInfo | undefined {
  if (!nodeValues || path[0] !== 'nodes' || typeof path[1] !== 'number' || path.length < 3) return undefined;
  return nodes[path[1]];
}

function nodeInfo(value: unknown, index: number, ranges: NodeRangeSource, fallback: TextRange): WorkflowNodeInfo {
  const range = ranges.rangeOf(index, 'range') ?? fallback;
  const idRange = ranges.rangeOf(index, 'id');
  const configRange = ranges.rangeOf(index, 'config');
  if (isPlainObject(value)) {
    const { id, name, type } = value;
    // The usual node, in one literal (same key order as below).
    if (typeof id === 'string' && typeof name === 'string' && typeof type === 'string' && idRange && configRange) {
      return { index, range, id, name, type, idRange, configRange };
    }
  }
  const info: WorkflowNodeInfo = { index, range };
  if (isPlainObject(value)) {
    if (typeof value.id === 'string') info.id = value.id;
    if (typeof value.name === 'string') info.name = value.name;
    if (typeof value.type === 'string') info.type = value.type;
  }
  if (idRange) info.idRange = idRange;
  if (configRange) info.configRange = configRange;
  return info;
}

function structureProblems(
  text: string,
  root: unknown,
  nodeValues: unknown[] | undefined,
  nodes: WorkflowNodeInfo[],
  raw: RawWorkflow,
): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  if (root === undefined || root === null) {
    problems.push(structure('The document is empty: a workflow is an object with "name" and a "nodes" list.', headRange(text, raw.root)));
    return problems;
  }
  if (!isPlainObject(root)) {
    problems.push(structure('A workflow is an object with "name" and a "nodes" list, but this document is not an object.', headRange(text, raw.root)));
    return problems;
  }
  if (!nodeValues) {
    if (root.nodes === undefined) problems.push(structure('The workflow has no "nodes" list: add nodes: [{ id, type, config }].', headRange(text, raw.root)));
    else problems.push(structure('"nodes" must be a list of node objects.', headRange(text, raw.ranges.nodes ?? raw.root)));
    return problems;
  }
  const firstById = new Map<string, WorkflowNodeInfo>();
  let lines: LineIndex | undefined;
  // A plain loop without closures per node: a big workflow has ten thousand of them.
  for (let index = 0; index < nodeValues.length; index++) {
    const value = nodeValues[index];
    const info = nodes[index] as WorkflowNodeInfo;
    if (!isPlainObject(value)) {
      problems.push(structure(`Node ${index + 1} is not an object: each node is { id, type, config }.`, info.range));
      continue;
    }
    const id = value.id;
    if (typeof id !== 'string' || id.trim() === '') {
      const range = raw.ranges.rangeOf(index, 'id') ?? headRange(text, info.range);
      if (id === undefined || id === null) problems.push(structure(`Node ${index + 1} has no "id": give every node a unique id.`, range));
      else if (typeof id !== 'string') problems.push(structure(`Node ${index + 1}'s "id" must be a string (quote it in YAML).`, range));
      else problems.push(structure(`Node ${index + 1}'s "id" is empty: give every node a unique id.`, range));
    } else {
      const first = firstById.get(id);
      if (first) {
        lines ??= new LineIndex(text);
        const line = lines.positionAt(first.idRange?.start ?? first.range.start).line + 1;
        problems.push(structure(`Duplicate node id "${id}": node ${first.index + 1} (line ${line}) already uses it.`, info.idRange ?? headRange(text, info.range)));
      } else firstById.set(id, info);
    }
    const type = value.type;
    if (typeof type === 'string' && type.trim() !== '') continue;
    const who = typeof id === 'string' && id !== '' ? `Node "${id}"` : `Node ${index + 1}`;
    const range = raw.ranges.rangeOf(index, 'type') ?? info.idRange ?? headRange(text, info.range);
    if (type === undefined || type === null) problems.push(structure(`${who} has no "type".`, range));
    else problems.push(structure(`${who}'s "type" must be a non-empty string.`, range));
  }
  return problems;
}

function structure(message: string, range: TextRange): WorkflowProblem {
  return { code: 'structure', message, range };
}

/** The first line of a range (or its first two when the first is a lone `{` or `-`), for problems about a whole value. */
export function headRange(text: string, range: TextRange): TextRange {
  const lineEnd = (from: number) => {
    let end = from;
    while (end < range.end && text[end] !== '\n' && text[end] !== '\r') end++;
    return end;
  };
  let end = lineEnd(range.start);
  if (text.slice(range.start, end).trim().length <= 1 && end < range.end) {
    let next = end;
    while (next < range.end && /\s/.test(text[next] as string)) next++;
    end = lineEnd(next);
  }
  while (end > range.start && /[ \t,]/.test(text[end - 1] as string)) end--;
  return { start: range.start, end: Math.max(end, Math.min(range.start + 1, range.end)) };
}
