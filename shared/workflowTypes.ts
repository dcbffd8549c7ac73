import type { MalformedCode } from './referenceGrammar';

export type WorkflowFormat = 'json' | 'yaml';

/** Offsets into the document text (UTF-16 code units, as JS strings and LSP count), end exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

/** Where a reference stands: only `config` references (inside `nodes[*].config`) are resolved. */
export type ReferenceLocation = 'config' | 'outsideConfig' | 'key';

export type JsonPath = (string | number)[];

export interface LocatedReference {
  name: string;
  field: string;
  /** The whole `{{secrets.NAME.FIELD}}` text in the source. */
  range: TextRange;
  nameRange: TextRange;
  fieldRange: TextRange;
  location: ReferenceLocation;
  /** Index into `nodes` when the reference is inside a node. */
  nodeIndex?: number;
  nodeId?: string;
  /** Path of the string value (or key) holding the reference, e.g. ['nodes', 0, 'config', 'headers', 'Authorization']. */
  path: JsonPath;
}

export interface LocatedMalformed {
  code: MalformedCode;
  message: string;
  range: TextRange;
  location: ReferenceLocation;
  nodeIndex?: number;
  nodeId?: string;
  path: JsonPath;
}

export interface WorkflowProblem {
  /** `syntax`: the JSON/YAML does not parse; `structure`: not a valid workflow (no nodes, missing or duplicate id, ...). */
  code: 'syntax' | 'structure';
  message: string;
  range: TextRange;
}

export interface WorkflowNodeInfo {
  index: number;
  id?: string;
  name?: string;
  type?: string;
  /** The node object's range. */
  range: TextRange;
  idRange?: TextRange;
  configRange?: TextRange;
}

export interface ParsedWorkflow {
  format: WorkflowFormat;
  text: string;
  /** The document as plain data; undefined when it could not be parsed at all. */
  value: unknown;
  name?: string;
  nodes: WorkflowNodeInfo[];
  references: LocatedReference[];
  malformed: LocatedMalformed[];
  problems: WorkflowProblem[];
}

export const DEFAULT_WORKFLOW_GLOBS = ['**/*.workflow.json', '**/*.workflow.yaml', '**/*.workflow.yml'];
